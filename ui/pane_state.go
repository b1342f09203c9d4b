package ui

import (
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

type stateRowKind uint8

const (
	rowDigest stateRowKind = iota
	rowRecompute
	rowCount
	rowDiff
	rowInvalid
	rowApplied
)

// stateRow is one line of the served-against-recomputed table.
type stateRow struct {
	kind       stateRowKind
	label      string
	served     string // printable
	recomputed string // printable
	st         state
	event      int // the event a row is about, or -1
	diff       model.Difference
}

const paneState paneID = "state"

// statePane compares the state the bundle serves with the one recomputed
// from its valid events: the digest, counts, every differing JSON path
// side by side, invalid events with reasons, applied ids.
type statePane struct {
	*listDetail
	rows      []stateRow
	builtFor  *session
	builtDone bool
}

func newStatePane(e *env) pane {
	p := &statePane{}
	p.listDetail = newListDetail(e, paneState, "row", p)
	p.counted = false // its rows are not things to count
	return p
}

func (p *statePane) reset() {
	p.build()
	p.listDetail.reset()
}

func (p *statePane) refresh() {
	if s := p.env.sess; s != nil && (p.builtFor != s || p.builtDone != s.checks.done) {
		p.build()
	}
	p.listDetail.refresh()
}

// build makes the rows: served values at once, recomputed ones when
// verification is done (rows are rebuilt then, not per frame).
func (p *statePane) build() {
	s := p.env.sess
	p.rows, p.builtFor = nil, s
	if s == nil {
		return
	}
	p.builtDone = s.checks.done
	st := s.bundle.State
	add := func(r stateRow) { p.rows = append(p.rows, r) }

	digest := stateRow{kind: rowDigest, label: "state_sha256", served: model.Printable(st.StateSHA256), event: -1,
		st: s.checks.subjectState(verify.SubjectBundle, verify.CheckStateDigest)}
	if s.report != nil {
		digest.recomputed = s.report.StateSHA256
	}
	add(digest)
	add(stateRow{kind: rowRecompute, label: "whole state", served: "as served", recomputed: "from events", event: -1,
		st: s.checks.subjectState(verify.SubjectBundle, verify.CheckStateRecompute)})

	var m *model.Merge
	if s.report != nil {
		m = s.report.Merge
	}
	n := len(s.bundle.Events)
	count := func(label string, served int64, recomputed func() int) {
		r := stateRow{kind: rowCount, label: label, served: strconv.FormatInt(served, 10), event: -1, st: statePending, recomputed: "…"}
		if m != nil {
			v := recomputed()
			r.recomputed = strconv.Itoa(v)
			r.st = stateOK
			if int64(v) != served {
				r.st = stateFail
			}
		} else if s.checks.done {
			r.st, r.recomputed = stateUnknown, "—"
		}
		add(r)
	}
	count("event_count", st.EventCount, func() int { return n })
	count("valid_event_count", st.ValidEventCount, func() int { return n - len(m.Invalid) })
	count("invalid_event_count", st.InvalidEventCount, func() int { return len(m.Invalid) })
	count("equivocation_count", st.EquivocationCount, func() int { return len(m.Forks) })

	for _, d := range s.diffs {
		add(stateRow{kind: rowDiff, label: model.Printable(d.Path), served: model.Printable(d.Left), recomputed: model.Printable(d.Right), st: stateFail, event: -1, diff: d})
	}
	if m == nil {
		return
	}
	listed := map[string]bool{}
	for _, v := range st.InvalidEvents.Elems() {
		listed[v.Get("event_id").Str()] = true
	}
	for _, inv := range m.Invalid {
		served := "not listed"
		if listed[inv.EventID] {
			served = "listed"
		}
		add(stateRow{kind: rowInvalid, label: "invalid #" + strconv.Itoa(inv.Index), served: served, recomputed: model.Printable(inv.Reason), st: stateFail, event: inv.Index})
	}
	for k := 0; k < len(st.AppliedEventIDs) || k < len(m.Applied); k++ {
		r := stateRow{kind: rowApplied, label: "applied " + strconv.Itoa(k), served: "—", recomputed: "—", st: stateFail, event: -1}
		var servedID, recomputedID string
		if k < len(st.AppliedEventIDs) {
			servedID = st.AppliedEventIDs[k]
			r.served = model.Printable(shortID(servedID))
			if i, ok := s.eventIndex[servedID]; ok {
				r.event = i
			}
		}
		if k < len(m.Applied) {
			r.event = m.Applied[k]
			recomputedID = s.bundle.Events[r.event].EventID
			r.recomputed = model.Printable(shortID(recomputedID))
		}
		if servedID == recomputedID {
			r.st = stateOK
		}
		add(r)
	}
}

func (p *statePane) rowCount() int { return len(p.rows) }

func (p *statePane) columns() []column {
	return []column{
		{title: "item", min: 19, max: 24},
		{title: "served", min: 12, max: 40},
		{title: "recomputed", min: 12, max: 40},
		{title: "check", min: 10, drop: 1},
	}
}

func (p *statePane) cells(i int) []cell {
	r := p.rows[i]
	st := p.env.styles
	label := cell{text: r.label}
	if r.kind == rowDiff {
		label.paint = st.Diff
	}
	return []cell{label, {text: r.served}, {text: r.recomputed}, badgeCell(st, r.st)}
}

func (p *statePane) marker(i int) string {
	if p.rows[i].kind == rowDiff {
		return p.env.styles.Diff.on("≠")
	}
	return ""
}

func (p *statePane) rowName(i int) string { return p.rows[i].label }

func (p *statePane) failing(i int) bool { return failed(p.rows[i].st) }

func (p *statePane) match(i int, q string) bool {
	r := p.rows[i]
	return strings.Contains(strings.ToLower(r.label), q) || strings.Contains(strings.ToLower(r.served), q) || strings.Contains(strings.ToLower(r.recomputed), q)
}

func (p *statePane) copyRow(i int) (string, string) {
	r := p.rows[i]
	switch r.kind {
	case rowDiff:
		return "path", r.diff.Path
	case rowInvalid, rowApplied:
		if r.event >= 0 {
			return "event id", p.env.sess.bundle.Events[r.event].EventID
		}
	case rowDigest:
		return "state_sha256", p.env.sess.bundle.State.StateSHA256
	}
	return r.label, r.served
}

func (p *statePane) detail(i int, d *doc) {
	s := p.env.sess
	st := p.env.styles
	r := p.rows[i]
	d.title = r.label
	check := func(name, okText string) {
		c, _ := s.checkFor(name, verify.SubjectBundle)
		checkField(d, st, name, c, r.st, okText)
	}
	switch r.kind {
	case rowDigest:
		check(verify.CheckStateDigest, "sha256(JCS(state minus state_sha256)) is the served one")
		d.field("served", orDash(r.served), s.bundle.State.StateSHA256)
		d.field("recomputed", orDash(model.Printable(r.recomputed)), r.recomputed)
		d.text("sha256 of the canonical JSON of the served state without state_sha256: it proves the state was not altered after it was digested, not that it is right. The recompute row checks that.")
	case rowRecompute:
		check(verify.CheckStateRecompute, "")
		if s.diffErr != "" {
			d.field("compare", model.Printable(s.diffErr), "")
		}
		if len(s.diffs) > 0 {
			d.heading("Differences (served → recomputed)")
			for _, df := range s.diffs {
				d.field(model.Printable(df.Path), model.Printable(df.Left)+"  →  "+model.Printable(df.Right), df.Path)
			}
		}
	case rowCount:
		d.field("served", r.served, "")
		d.field("recomputed", r.recomputed, "")
		d.badgeField("agree", st.badge(r.st), countMeaning(r.label))
	case rowDiff:
		d.badgeField("path", st.Diff.on("≠"), r.label)
		d.field("served", r.served, r.diff.Left)
		d.field("recomputed", r.recomputed, r.diff.Right)
		d.text("The served state says one thing at this path; applying the merge rules to the bundle's valid events gives the other.")
	case rowInvalid:
		eventLink(d, s, "event", s.bundle.Events[r.event].EventID)
		d.badgeField("reason", st.badge(stateFail), r.recomputed)
		d.field("served state", r.served+" in invalid_events", "")
	case rowApplied:
		if r.event >= 0 {
			eventLink(d, s, "event", s.bundle.Events[r.event].EventID)
		}
		d.field("served", r.served, "")
		d.field("recomputed", r.recomputed, "")
		d.badgeField("agree", st.badge(r.st), "position "+strings.TrimPrefix(r.label, "applied ")+" of applied_event_ids")
	}
}

func countMeaning(label string) string {
	switch label {
	case "event_count":
		return "every event in the bundle"
	case "valid_event_count":
		return "events whose digest, id, signature and subject check out and whose type the merge knows"
	case "invalid_event_count":
		return "events the merge leaves out, with a reason each"
	case "equivocation_count":
		return "forks: one signer, several events for the same place in its chain"
	}
	return ""
}
