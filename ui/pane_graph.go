package ui

import (
	"slices"
	"strconv"

	"github.com/pithscope/pithscope/model"
)

const paneGraph paneID = "graph"

// graphPane shows the current graph snapshot section by section (paper,
// claims, references, formal canon, author claims…) with counts and the
// snapshot digests the server states for each.
type graphPane struct {
	*listDetail
	sections []model.Member
	tree     *jsonTree
	treeFor  int
}

func newGraphPane(e *env) pane {
	p := &graphPane{treeFor: -1}
	p.listDetail = newListDetail(e, paneGraph, "section", p)
	p.counted = false // sections, always about the same number
	return p
}

func (p *graphPane) reset() {
	p.sections, p.tree, p.treeFor = nil, nil, -1
	if p.env.sess != nil {
		p.sections = orderSections(p.env.sess.snapshot.Members())
	}
	p.listDetail.reset()
}

func (p *graphPane) rowCount() int { return len(p.sections) }

func (p *graphPane) columns() []column {
	return []column{
		{title: "section", min: 14, max: 18},
		{title: "count", min: 14, max: 24},
		{title: "snapshot_sha256", min: 16, max: 64, drop: 1},
	}
}

// sectionOrder is the order the issue names the sections in; others
// follow in the order received.
var sectionOrder = []string{"paper", "claims", "references", "formal_canon", "author_claims"}

func orderSections(members []model.Member) []model.Member {
	out := make([]model.Member, 0, len(members))
	for _, name := range sectionOrder {
		for _, m := range members {
			if m.Key == name {
				out = append(out, m)
			}
		}
	}
	for _, m := range members {
		if !slices.Contains(sectionOrder, m.Key) {
			out = append(out, m)
		}
	}
	return out
}

// sectionCount says how big a section is, in its own terms.
func sectionCount(v model.Value) string {
	switch v.Kind() {
	case model.KindObject:
		n := func(f string) string { return string(v.Get(f).Raw()) }
		switch {
		case v.Get("strong_count").Kind() == model.KindNumber:
			return n("count") + " (" + n("strong_count") + " strong)"
		case v.Get("resolved_work").Kind() == model.KindNumber:
			return n("count") + " (" + n("resolved_work") + " resolved)"
		case v.Get("count").Kind() == model.KindNumber:
			return n("count")
		case v.Get("evidence_count").Kind() == model.KindNumber:
			return n("evidence_count") + " evidence"
		}
		return plural(v.Len(), "field")
	case model.KindString:
		return v.Str()
	}
	return string(v.Raw())
}

func (p *graphPane) cells(i int) []cell {
	m := p.sections[i]
	st := p.env.styles
	return []cell{
		{text: model.Printable(m.Key), paint: st.Bold},
		{text: model.Printable(cutBytes(sectionCount(m.Value), previewBytes))},
		{text: model.Printable(m.Value.Get("snapshot_sha256").Str()), paint: st.Muted},
	}
}

func (p *graphPane) marker(int) string { return "" }

func (p *graphPane) match(i int, q string) bool {
	m := p.sections[i]
	return matchAny(q, m.Key, sectionCount(m.Value))
}

func (p *graphPane) copyRow(i int) (string, string) {
	m := p.sections[i]
	return model.Printable(m.Key), rawValue(m.Value)
}

func (p *graphPane) detail(i int, d *doc) {
	s := p.env.sess
	m := p.sections[i]
	d.title = model.Printable(m.Key)
	if s.snapshotEvent >= 0 {
		d.link("snapshot of", eventLabel(s, s.snapshotEvent), &target{pane: paneEvents, row: s.snapshotEvent}, s.bundle.Events[s.snapshotEvent].EventID)
	}
	if !isContainer(m.Value) {
		d.field(model.Printable(m.Key), model.Printable(rawValue(m.Value)), rawValue(m.Value))
		return
	}
	d.field("count", model.Printable(sectionCount(m.Value)), "")
	if sum := m.Value.Get("snapshot_sha256").Str(); sum != "" {
		d.field("snapshot", model.Printable(sum), sum)
		d.text("The server states this digest; the bundle does not say what it hashes, so it is shown, not checked.")
	}
	d.heading("JSON")
	if p.treeFor != i {
		p.tree, p.treeFor = newTree(m.Value, "$.events["+strconv.Itoa(s.snapshotEvent)+"].payload.graph_snapshot"+model.PathKey(m.Key)), i
	}
	d.tree(p.tree)
}
