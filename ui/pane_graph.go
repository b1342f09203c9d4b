package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const paneGraph paneID = "graph"

// graphPane shows the current graph snapshot (the one the merge applied
// last: session.snapshot) section by section (paper, claims, references,
// formal canon, author claims…) with counts and the snapshot digests the
// server states for each. Until verification is done there is none.
type graphPane struct {
	*listDetail
	sections    []model.Member
	sectionsFor int // the event the sections are of, or -1
	tree        *jsonTree
	treeFor     int
	// pending is the row a refetch asked to keep while no snapshot was
	// chosen yet (-1 for none): shown once verification chooses one.
	pending int
}

func newGraphPane(e *env) pane {
	p := &graphPane{treeFor: -1, sectionsFor: -1, pending: -1}
	p.listDetail = newListDetail(e, paneGraph, "section", p)
	p.counted = false // sections, always about the same number
	return p
}

func (p *graphPane) reset() {
	p.pending = -1
	p.collect()
	p.listDetail.reset()
}

// refresh picks up the current snapshot once verification has chosen it.
func (p *graphPane) refresh() {
	if s := p.env.sess; s != nil && s.snapshotEvent != p.sectionsFor {
		p.collect()
		p.listDetail.reset()
		if p.pending >= 0 {
			p.listDetail.show(target{pane: paneGraph, row: p.pending})
		}
		p.pending = -1
		return
	}
	p.listDetail.refresh()
}

// show keeps a place asked for before the snapshot is known (a refetch
// keeps every pane's place).
func (p *graphPane) show(t target) bool {
	if len(p.sections) == 0 && t.row >= 0 {
		p.pending = t.row
		return true
	}
	return p.listDetail.show(t)
}

func (p *graphPane) collect() {
	p.sections, p.sectionsFor, p.tree, p.treeFor = nil, -1, nil, -1
	if s := p.env.sess; s != nil && s.snapshotEvent >= 0 {
		p.sections, p.sectionsFor = orderSections(s.snapshot.Members()), s.snapshotEvent
	}
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
		n := func(f string) string { return scalarText(v.Get(f)) }
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
	return scalarText(v)
}

func (p *graphPane) cells(i int) []cell {
	m := p.sections[i]
	st := p.env.styles
	count := cell{text: model.Printable(cutBytes(sectionCount(m.Value), previewBytes))}
	if n := p.contradictions(m.Key); n > 0 {
		count = cell{text: count.text + " · " + strconv.Itoa(n) + " ✗", paint: st.Fail}
	}
	return []cell{
		{text: model.Printable(m.Key), paint: st.Bold},
		count,
		{text: model.Printable(m.Value.Get("snapshot_sha256").Str()), paint: st.Muted},
	}
}

// contradictions counts the fields of section that contradict the record.
func (p *graphPane) contradictions(section string) int {
	n := 0
	for _, f := range p.env.sess.paper {
		if f.Match == verify.FieldContradicts && inSection(f, section) {
			n++
		}
	}
	return n
}

// inSection reports whether a snapshot field is a member of section.
func inSection(f verify.PaperField, section string) bool {
	rest, ok := strings.CutPrefix(f.Path, "$.payload.graph_snapshot"+model.PathKey(section))
	return ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "["))
}

func (p *graphPane) marker(int) string { return "" }

func (p *graphPane) match(i int, q string) bool {
	m := p.sections[i]
	return matchAny(q, m.Key, sectionCount(m.Value))
}

func (p *graphPane) copyRow(i int) (string, string) {
	m := p.sections[i]
	return m.Key, rawValue(m.Value)
}

func (p *graphPane) detail(i int, d *doc) {
	s := p.env.sess
	m := p.sections[i]
	d.title = model.Printable(m.Key)
	e := s.snapshotEvent
	d.link("snapshot of", eventLabel(s, e), &target{pane: paneEvents, row: e}, s.bundle.Events[e].EventID)
	path := eventPath(e, "$.payload.graph_snapshot"+model.PathKey(m.Key))
	if c, ok := s.coverage(path); ok {
		d.field("proven by", proofText(c), "")
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
	p.againstRecord(d, m.Key)
	d.heading("JSON")
	if p.treeFor != i {
		p.tree, p.treeFor = p.env.bundleTree(m.Value, path), i
	}
	d.tree(p.tree)
}

// againstRecord lists the section's fields that restate the record (the
// paper's title, categories, date and license; the source) or that only
// the snapshot's signer vouches for, each with how it stands against the
// record (verify.SnapshotPaper).
func (p *graphPane) againstRecord(d *doc, section string) {
	s, st := p.env.sess, p.env.styles
	first := true
	for _, f := range s.paper {
		if !inSection(f, section) {
			continue
		}
		if first {
			d.heading("Against the record")
			first = false
		}
		found, name := orDash(model.Printable(f.Found)), model.Printable(f.Name)
		switch f.Match {
		case verify.FieldAgrees:
			d.badgeField(name, st.mark(stateOK), found+" (the record's "+f.RecordField+" agrees)")
		case verify.FieldContradicts:
			record := model.Printable(f.Record)
			if f.FoundDigest != "" {
				found += " (lower-cased sha256 " + f.FoundDigest + ")"
			}
			d.badgeField(name, st.mark(stateFail), found+" contradicts the record's "+f.RecordField+" "+record)
		case verify.FieldNotStated:
			d.badgeField(name, st.mark(stateNone), "not stated; the record's "+f.RecordField+" is "+model.Printable(f.Record))
		default:
			c, _ := s.coverage(eventPath(s.snapshotEvent, f.Path))
			note := signedText(c) + ", not in the record"
			if !c.Verified() {
				note = unverifiedText(c)
			}
			d.badgeField(name, st.mark(stateNone), found+" · "+note)
		}
	}
}

// explainEmpty says why there is no snapshot to show.
func (p *graphPane) explainEmpty(d *doc) {
	s := p.env.sess
	d.title = "no current snapshot"
	switch {
	case s.evidence != nil:
		d.text("An evidence file holds the events of one fork, not a paper's graph: the Forks pane compares them.")
		return
	case s.report == nil:
		d.title = "checking…"
		d.text("The graph shown is the snapshot the merge applies last: it is known once every event is checked.")
		return
	}
	d.text(noSnapshotText(s) + ". Nothing of an invalid, superseded or forked snapshot is shown as the paper's graph; the Events pane lists them.")
	for i := range s.bundle.Events {
		if s.bundle.Events[i].EventType == "graph_snapshot" {
			d.link(s.role(i), eventLabel(s, i), &target{pane: paneEvents, row: i}, s.bundle.Events[i].EventID)
		}
	}
}

// noSnapshotText says why no graph snapshot is current: none in the
// bundle, or none the merge applied (each invalid, superseded or forked).
func noSnapshotText(s *session) string {
	n := 0
	for i := range s.bundle.Events {
		if s.bundle.Events[i].EventType == "graph_snapshot" {
			n++
		}
	}
	if n == 0 {
		return "no graph_snapshot event: the paper's fields are the record's alone"
	}
	return "no current snapshot: " + plural(n, "graph_snapshot event") + ", none applied (each is invalid, superseded or forked)"
}
