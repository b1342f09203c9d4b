package ui

import (
	"strconv"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const paneEvents paneID = "events"

// eventsPane lists every event with its digest and signature badges; the
// detail shows the checks' expected and found values, the merge's verdict,
// links to prev_event, supersedes and the events that follow, and the
// event as a foldable JSON tree.
type eventsPane struct {
	*listDetail
	tree    *jsonTree // the JSON tree of treeFor, kept so folds survive refreshes
	treeFor int
}

func newEventsPane(e *env) pane {
	p := &eventsPane{treeFor: -1}
	p.listDetail = newListDetail(e, paneEvents, "event", p)
	return p
}

func (p *eventsPane) reset() {
	p.tree, p.treeFor = nil, -1
	p.listDetail.reset()
}

func (p *eventsPane) rowCount() int {
	if p.env.sess == nil {
		return 0
	}
	return len(p.env.sess.bundle.Events)
}

func (p *eventsPane) columns() []column {
	digits := len(strconv.Itoa(max(p.rowCount()-1, 0)))
	return []column{
		{title: "#", min: max(digits, 1), right: true},
		{title: "type", min: 14, max: 20},
		{title: "target", min: 6, max: 10, drop: 4},
		{title: "created_at", min: 20, drop: 5},
		{title: "id", min: 8, drop: 2},
		{title: "signer", min: 12, max: 24, drop: 6},
		{title: "digest", min: 6},
		{title: "sig", min: 3},
		{title: "merge", min: 10, drop: 3},
	}
}

func (p *eventsPane) cells(i int) []cell {
	s := p.env.sess
	st := p.env.styles
	e := &s.bundle.Events[i]
	digest := s.checks.eventState(i, verify.CheckEventDigest, verify.CheckEventID)
	sig := s.checks.eventState(i, verify.CheckEventSignature)
	role := s.role(i)
	rolePaint := paint{}
	if role != "applied" && role != "" {
		rolePaint = st.Fail
		if role == "superseded" || role == "not applied" {
			rolePaint = st.Muted
		}
	}
	if role == "" {
		role = "…"
	}
	return []cell{
		{text: strconv.Itoa(i), paint: st.Muted},
		{text: model.Printable(e.EventType)},
		{text: model.Printable(e.Target)},
		{text: model.Printable(e.CreatedAt)},
		{text: model.Printable(shortID(e.EventID))},
		{text: model.Printable(e.Signer.SignerID)},
		markCell(st, digest),
		markCell(st, sig),
		{text: role, paint: rolePaint},
	}
}

func (p *eventsPane) marker(i int) string {
	s := p.env.sess
	switch {
	case s.isNew(i):
		return p.env.styles.New.on("+")
	case s.changedEvent(i):
		return p.env.styles.Unknown.on("Δ")
	}
	return ""
}

// failing: a check of the event failed or could not be decided, the merge
// found it invalid, or it is part of a fork.
func (p *eventsPane) failing(i int) bool {
	s := p.env.sess
	return failed(s.checks.eventState(i, verify.CheckEventDigest, verify.CheckEventID, verify.CheckEventSignature, verify.CheckEventSubject)) ||
		s.role(i) == "invalid" || i < len(s.forkOf) && s.forkOf[i] > 0
}

func (p *eventsPane) match(i int, q string) bool {
	s := p.env.sess
	e := &s.bundle.Events[i]
	return matchAny(q, e.EventType, e.Target, e.CreatedAt, e.EventID, e.Signer.SignerID, e.Signer.KeyID, s.role(i), strconv.Itoa(i))
}

func (p *eventsPane) rowName(i int) string { return "event #" + strconv.Itoa(i) }

func (p *eventsPane) jsonPath(i int) string { return "$.events[" + strconv.Itoa(i) + "]" }

func (p *eventsPane) copyRow(i int) (string, string) {
	return "event id", p.env.sess.bundle.Events[i].EventID
}

// eventLabel names an event in links: "#3 graph_snapshot 2026-…".
func eventLabel(s *session, i int) string {
	e := &s.bundle.Events[i]
	return "#" + strconv.Itoa(i) + " " + model.Printable(e.EventType) + " " + model.Printable(e.CreatedAt) + " " + model.Printable(shortID(e.EventID))
}

// eventLink links to the event with id, or says it is not in the bundle.
func eventLink(d *doc, s *session, label, id string) {
	if i, ok := s.eventIndex[id]; ok {
		d.link(label, eventLabel(s, i), &target{pane: paneEvents, row: i}, id)
		return
	}
	d.field(label, model.Printable(id)+" (not in this bundle)", id)
}

func (p *eventsPane) detail(i int, d *doc) {
	s := p.env.sess
	st := p.env.styles
	e := &s.bundle.Events[i]
	d.title = "event #" + strconv.Itoa(i) + " · " + model.Printable(e.EventType)
	if s.isNew(i) {
		d.title += " · new"
	}
	checks := s.checks.forEvent(i)
	find := func(name string) (verify.Check, state) {
		for _, c := range checks {
			if c.Name == name {
				return c, stateOf(c.Status)
			}
		}
		if s.checks.done {
			return verify.Check{}, stateNone
		}
		return verify.Check{}, statePending
	}

	d.field("event_id", model.Printable(e.EventID), e.EventID)
	d.field("created_at", model.Printable(e.CreatedAt), e.CreatedAt)
	d.field("target", model.Printable(e.Target), e.Target)
	d.field("signer", model.Printable(e.Signer.SignerID+" ("+e.Signer.SignerType+")"), e.Signer.SignerID)
	c, cs := find(verify.CheckEventSubject)
	d.badgeField("subject", st.badge(cs), model.Printable(e.SubjectPithNumber)+checkNote(c))

	d.heading("Digest")
	c, cs = find(verify.CheckEventDigest)
	checkField(d, st, "content_sha256", c, cs, "sha256(JCS(event minus signature, content_sha256, event_id)) is the claimed one")
	expected := c.Expected
	if expected == "" && s.report != nil && i < len(s.report.EventSHA256) {
		expected = s.report.EventSHA256[i]
	}
	d.field("expected", orDash(model.Printable(expected)), expected)
	d.field("found", orDash(model.Printable(e.ContentSHA256)), e.ContentSHA256)
	c, cs = find(verify.CheckEventID)
	checkField(d, st, "event_id", c, cs, "\"sha256:\" + the digest")

	d.heading("Signature")
	c, cs = find(verify.CheckEventSignature)
	checkField(d, st, "signature", c, cs, "")
	d.link("key", model.Printable(e.Signature.KeyID)+" "+model.Printable(e.Signature.Fingerprint), &target{pane: paneKeys, keyID: e.Signature.KeyID}, e.Signature.KeyID)
	// Outside the event's digest: what proves them, if anything, is the
	// bundle signature.
	d.field("signed_at", withProof(s, orDash(model.Printable(e.Signature.SignedAt)), eventPath(i, "$.signature.signed_at")), e.Signature.SignedAt)
	d.field("claims", withProof(s, orDash(model.Printable(e.Signature.Status))+" (a claim of the server, not evidence)", eventPath(i, "$.signature.signature_status")), "")
	if e.EventType == model.RecordCreated {
		c, cs = find(verify.CheckReceiptSignature)
		d.badgeField("receipt", st.badge(cs), model.Printable(c.Detail))
	}

	d.heading("Merge")
	switch role := s.role(i); {
	case role == "":
		d.badgeField("verdict", st.badge(statePending), "decided when every check is in")
	case role == "invalid":
		d.badgeField("verdict", st.badge(stateFail), "invalid: "+model.Printable(s.invalidReason(i)))
	case s.forkOf[i] > 0:
		d.link("verdict", "not applied: equivocation, fork "+strconv.Itoa(s.forkOf[i]), &target{pane: paneForks, row: s.forkOf[i] - 1}, "")
	default:
		d.field("verdict", role, "")
	}

	d.heading("Links")
	if e.PrevEvent == "" {
		d.field("prev_event", "null (first of its chain)", "")
	} else {
		eventLink(d, s, "prev_event", e.PrevEvent)
	}
	for _, id := range e.Supersedes {
		eventLink(d, s, "supersedes", id)
	}
	addLinks := func(label string, rows []int) {
		const shown = 20
		for n, k := range rows {
			if n == shown {
				d.field(label, "and "+strconv.Itoa(len(rows)-shown)+" more", "")
				break
			}
			d.link(label, eventLabel(s, k), &target{pane: paneEvents, row: k}, s.bundle.Events[k].EventID)
		}
	}
	addLinks("next", s.children[e.EventID])
	addLinks("superseded by", s.supersededBy[e.EventID])

	d.heading("JSON")
	if p.treeFor != i {
		p.tree, p.treeFor = p.env.bundleTree(e.Value, eventPath(i, "$")), i
	}
	d.tree(p.tree)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
