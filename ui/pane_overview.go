package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const paneOverview paneID = "overview"

// overviewPane is one full-width page: the paper, the verification
// summary (one row per area of areas.go: each links to the pane with its
// details, or unfolds into its checks) and the record's completeness. It
// is a page rather than a list because its rows are short and read best
// together; the cursor walks its lines.
type overviewPane struct {
	env *env
	d   doc
	// open are the verification rows unfolded to show their checks (the
	// rows with no pane of their own: record, bundle…).
	open map[string]bool
	// failingOnly (`!`) shows only the areas and checks that fail.
	failingOnly bool
}

func newOverviewPane(e *env) pane { return &overviewPane{env: e, open: map[string]bool{}} }

func (p *overviewPane) tabStatus() string { return "" }
func (p *overviewPane) capturing() bool   { return false }
func (p *overviewPane) modal() bool       { return false }
func (p *overviewPane) back() bool        { return false }

// show returns to a place in the page (the jump history).
func (p *overviewPane) show(t target) bool {
	if t.row >= 0 && len(p.d.lines) > 0 {
		p.d.cursor = clamp(t.row, 0, len(p.d.lines)-1)
		p.d.snap()
		p.d.scrollTo(p.env.layout.bodyHeight)
	}
	return true
}
func (p *overviewPane) location() target { return target{pane: paneOverview, row: p.d.cursor} }

// describe names the line's item ("Keys"), for the trail of jumps.
func (p *overviewPane) describe(t target) string {
	if t.row < 0 || t.row >= len(p.d.lines) {
		return ""
	}
	return strings.TrimSpace(p.d.items[p.d.lines[t.row].item].label)
}

func (p *overviewPane) reset() {
	p.d = doc{}
	p.refresh()
	p.d.cursor, p.d.offset = 0, 0
	if len(p.d.lines) > 0 {
		p.d.snap()
	}
}

func (p *overviewPane) refresh() {
	cursor, offset := p.d.cursor, p.d.offset
	p.d = doc{links: p.env.link}
	if p.env.sess != nil {
		p.build(&p.d)
	}
	p.d.layout(p.env.layout.width-1, p.env.styles)
	if len(p.d.lines) > 0 {
		p.d.cursor, p.d.offset = clamp(cursor, 0, len(p.d.lines)-1), offset
		p.d.snap()
	}
	p.d.scrollTo(p.env.layout.bodyHeight)
}

func (p *overviewPane) resize() {
	p.d.layout(p.env.layout.width-1, p.env.styles)
	p.d.scrollTo(p.env.layout.bodyHeight)
}

func (p *overviewPane) helpKeys() []key.Binding {
	k := p.env.keys
	return []key.Binding{k.Down, k.Enter, k.Copy, k.GoToPane}
}

func (p *overviewPane) key(msg tea.KeyMsg) tea.Cmd {
	k, h := p.env.keys, p.env.layout.bodyHeight
	switch {
	case p.d.moveKey(msg, k, h):
	case key.Matches(msg, k.Enter), key.Matches(msg, k.Right), key.Matches(msg, k.Left):
		if it, _ := p.d.current(); it != nil && it.expand != "" {
			if open := !key.Matches(msg, k.Left); p.open[it.expand] != open {
				p.open[it.expand] = open
				p.refresh()
			}
			return nil
		}
		if key.Matches(msg, k.Left) {
			return nil
		}
		if cmd := p.d.activate(p.env.styles); cmd != nil {
			return cmd
		}
	case key.Matches(msg, k.Copy):
		return p.d.copyCmd()
	case key.Matches(msg, k.FailingOnly):
		p.failingOnly = !p.failingOnly
		p.refresh()
	case key.Matches(msg, k.NextFailing, k.PrevFailing):
		return p.nextFailing(step(msg, k.NextFailing))
	case key.Matches(msg, k.Filter):
		return send(statusMsg{text: "the overview has no list to filter: / filters the lists of the other panes"})
	}
	p.d.scrollTo(h)
	return nil
}

func (p *overviewPane) mouse(x, y int, msg tea.MouseMsg) tea.Cmd {
	h := p.env.layout.bodyHeight
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		p.d.scroll(-3, h)
	case msg.Button == tea.MouseButtonWheelDown:
		p.d.scroll(3, h)
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		p.d.click(y, h)
	}
	return nil
}

func (p *overviewPane) view() []string {
	st := p.env.styles
	h := p.env.layout.bodyHeight
	start := clamp(p.d.offset, 0, max(len(p.d.lines)-h, 0))
	out := make([]string, 0, h)
	for n, l := range p.d.view(h) {
		if start+n == p.d.cursor {
			out = append(out, st.Cursor.on("›")+st.selectedLine(pad(l.text, p.env.layout.width-1)))
		} else {
			out = append(out, " "+l.text)
		}
	}
	if start+h < len(p.d.lines) && len(out) > 1 && start+h-1 != p.d.cursor {
		out[len(out)-1] = "  " + st.Accent.on(moreBelow+" (j, pgdn)")
	}
	return block(out, p.env.layout.width, h)
}

func (p *overviewPane) build(d *doc) {
	s := p.env.sess
	st := p.env.styles
	b := s.bundle
	if s.evidence != nil {
		p.evidence(d)
		return
	}

	p.paper(d)

	d.heading("Verification")
	p.verification(d)
	p.signers(d)

	d.heading("Record completeness")
	// Counted from the events the merge applied once verification is done
	// (signed and valid), from the served state until then.
	applied := map[string]int{}
	source := "in the served state, not yet verified"
	if s.report != nil && s.report.Merge != nil {
		source = "applied, valid events"
		for _, i := range s.report.Merge.Applied {
			applied[b.Events[i].EventType]++
		}
	}
	presence := func(label, eventType, list, what string) {
		n := 0
		if s.report != nil && s.report.Merge != nil {
			n = applied[eventType]
		} else {
			n = b.State.Current.Get(list).Len()
		}
		if n > 0 {
			d.badgeField(label, st.OK.on("● present"), fmt.Sprintf("%s: %d (%s)", what, n, source))
		} else {
			d.badgeField(label, st.Muted.on("○ absent "), "no "+what+" yet")
		}
	}
	if b.TimestampProofs.Len() > 0 {
		p.timestampProofs(d)
	} else {
		presence("Timestamp", "timestamp_anchor", "timestamp_anchors", "Bitcoin timestamp anchor")
	}
	presence("Archive copy", "storage_attestation", "storage_attestations", "Internet Archive copy")
	presence("Author claim", "author_attestation", "author_attestations", "author attestation")
	presence("Citations", "citation_signature", "citation_signatures", "signed citation")
	presence("Replications", "replication_record", "replication_records", "replication record")
	p.graphLink(d)

	if f, ok := s.paperField("abstract_excerpt"); ok && f.Found != "" {
		d.heading("Abstract")
		d.items = append(d.items, docItem{kind: itemText, text: model.Printable(f.Found), copy: f.Found, lines: longValueLines})
		p.signedNote(d, f)
	}
}

// evidence is the page of an evidence file: what it proves, the fork it
// claims, and the checks of its events and key.
func (p *overviewPane) evidence(d *doc) {
	s, st := p.env.sess, p.env.styles
	ev := s.evidence
	d.heading("Equivocation evidence")
	if s.report == nil {
		d.badgeField("Verdict", st.badge(statePending), "checking…")
	} else {
		verdict, proven := s.report.Verdict()
		mark := st.mark(stateFail)
		if proven {
			mark = st.mark(stateOK)
		}
		d.badgeField("Verdict", mark, model.Printable(verdict))
	}
	d.field("Pith number", orDash(model.Printable(ev.PithNumber)), ev.PithNumber)
	if f := evidenceFork(ev); len(f) > 0 {
		d.link("Fork", signerIDs(f[0])+" · target "+model.Printable(f[0].Target)+" · "+plural(len(f[0].Events), "event"), &target{pane: paneForks, row: 0}, "")
	}
	for i := range s.bundle.Events {
		d.link("Event", eventLabel(s, i), &target{pane: paneEvents, row: i}, s.bundle.Events[i].EventID)
	}
	d.text("The file holds the signed events of one fork and the signer's key, as the bundle delivered them: the verdict is checked from those bytes alone, with the keys you trust.")
	d.heading("Verification")
	c := &s.checks
	for _, a := range overviewAreas {
		if names := areaChecks(a.area); c.counts(names...) != (tally{}) {
			p.areaItem(d, a, names)
		}
	}
	p.signers(d)
}

// paper is the Paper section: the record's fields (what the pith number
// commits to), the title and authors of the current snapshot, each with
// what proves it; a snapshot field that contradicts the record is shown
// marked ✗ under the record's, never in its place.
func (p *overviewPane) paper(d *doc) {
	s := p.env.sess
	d.heading("Paper")
	if s.report == nil {
		d.text("checking… The paper's fields are shown once the record and the current graph snapshot are verified.")
		return
	}
	p.title(d)
	if f, ok := s.paperField("authors_text"); ok {
		d.field("Authors", orDash(model.Printable(f.Found)), f.Found)
		p.signedNote(d, f)
	}
	meta := s.bundle.Metadata()
	cats := meta.PrimaryCat
	if len(meta.CrossCatsSorted) > 0 {
		cats += " · " + strings.Join(meta.CrossCatsSorted, ", ")
	}
	d.field("Categories", orDash(model.Printable(cats)), cats)
	p.recordNotes(d, "$.canonical_record.metadata", "primary_cat", "cross_cats")
	d.field("Submitted", orDash(model.Printable(meta.SubmittedAt)), meta.SubmittedAt)
	p.recordNotes(d, "$.canonical_record.metadata.submitted_at", "submitted_at")
	d.field("License", orDash(model.Printable(meta.License)), meta.License)
	p.recordNotes(d, "$.canonical_record.metadata.license", "license")
	src := s.bundle.CanonicalRecord.Get("source")
	text := src.Get("kind").Str() + " " + src.Get("id").Str() + " v" + scalarText(src.Get("version"))
	d.link("Source", model.Printable(text), &target{pane: paneAliases, row: -1}, src.Get("id").Str())
	p.recordNotes(d, "$.canonical_record.source", "source.id", "source.kind", "source.version")
}

// title is the Title line: the current snapshot's title when a passed
// check proves it; else why not, and a contradicting title only marked ✗
// under it.
func (p *overviewPane) title(d *doc) {
	s, st := p.env.sess, p.env.styles
	h := s.headline
	if h.title != "" {
		f, _ := s.paperField("title")
		d.field("Title", h.title, f.Found)
		return
	}
	if !h.fails {
		d.items = append(d.items, docItem{kind: itemField, label: "Title", text: "— " + h.why, paint: st.Muted})
		return
	}
	d.badgeField("Title", st.Fail.on("✗"), "the current snapshot's title contradicts the record")
	p.recordNotes(d, "", "title")
}

// recordNotes adds, under a field the record holds (at path; "" for none
// beside the snapshot's), why no passed check proves it, and each of the
// snapshot's fields named that contradicts it, marked ✗.
func (p *overviewPane) recordNotes(d *doc, path string, names ...string) {
	s, st := p.env.sess, p.env.styles
	if c, ok := s.coverage(path); ok && path != "" && !c.Verified() {
		d.items = append(d.items, docItem{kind: itemField, text: unverifiedText(c), paint: st.Unknown})
	}
	for _, name := range names {
		f, ok := s.paperField(name)
		if !ok || f.Match != verify.FieldContradicts {
			continue
		}
		text := "✗ " + name + " " + model.Quote(f.Found) + " contradicts the record"
		if f.FoundDigest != "" {
			text += ": its lower-cased sha256 is " + f.FoundDigest + ", the record's " + f.RecordField + " is " + f.Record
		} else {
			text += " (its " + f.RecordField + " is " + model.Quote(f.Record) + ")"
		}
		d.items = append(d.items, docItem{kind: itemField, label: "  snapshot", text: model.Printable(text), copy: f.Found, paint: st.Fail})
	}
}

// signedNote says, under a snapshot field the record cannot confirm,
// who alone vouches for it (or that no passed check does).
func (p *overviewPane) signedNote(d *doc, f verify.PaperField) {
	c, _ := p.env.sess.coverage(eventPath(p.env.sess.snapshotEvent, f.Path))
	paint := p.env.styles.Muted
	text := signedText(c) + ", not in the record"
	if !c.Verified() {
		paint, text = p.env.styles.Unknown, unverifiedText(c)
	}
	d.items = append(d.items, docItem{kind: itemField, text: text, paint: paint})
}

// timestampProofs is the Timestamp line of a bundle with timestamp
// proofs: signed into the bundle, but what they claim is never checked,
// so present, not verified.
func (p *overviewPane) timestampProofs(d *doc) {
	s, st := p.env.sess, p.env.styles
	n := s.bundle.TimestampProofs.Len()
	if n == 0 {
		return
	}
	text := plural(n, "timestamp proof") + " in the bundle"
	if c, ok := s.coverage("$.timestamp_proofs"); !ok {
		text += ", being checked"
	} else if !c.Verified() {
		text += ", " + unverifiedText(c)
	}
	d.badgeField("Timestamp", st.Unknown.on("? present"), text)
}

// graphLink is the line that leads to the current snapshot, or says why
// there is none.
func (p *overviewPane) graphLink(d *doc) {
	s := p.env.sess
	switch {
	case s.snapshotEvent >= 0:
		d.link("Graph", "snapshot "+eventLabel(s, s.snapshotEvent), &target{pane: paneGraph, row: -1}, s.bundle.Events[s.snapshotEvent].EventID)
	case s.report == nil:
		d.field("Graph", "checking…", "")
	default:
		d.link("Graph", noSnapshotText(s), &target{pane: paneGraph, row: -1}, "")
	}
}

// nextFailing is `]` (delta 1) and `[` (-1): the next or previous
// failing row, wrapping.
func (p *overviewPane) nextFailing(delta int) tea.Cmd {
	found, wrapped := p.d.nextFailing(delta)
	p.d.scrollTo(p.env.layout.bodyHeight)
	switch {
	case !found && !p.env.sess.checks.done:
		return send(statusMsg{text: "nothing failing so far (checking…)"})
	case !found:
		return send(statusMsg{text: "nothing failing: every check passed"})
	case wrapped:
		return send(statusMsg{text: "wrapped round to the other end"})
	}
	return nil
}

// verification is one row per area of checks (overviewAreas); failing
// only, just the areas with a problem.
func (p *overviewPane) verification(d *doc) {
	c := &p.env.sess.checks
	hidden := 0
	for _, a := range overviewAreas {
		names := areaChecks(a.area)
		if a.optional && c.counts(names...) == (tally{}) {
			continue
		}
		if p.failingOnly && !failed(c.nameState(names...)) {
			hidden++
			continue
		}
		p.areaItem(d, a, names)
		if a.after != nil {
			a.after(p.env.sess, d)
		}
	}
	if p.failingOnly {
		d.text(plural(hidden, "area") + " with nothing failing hidden (! shows them)")
	}
	p.notVerified(d)
}

// notVerifiedLabel is the row listing what no check proves, and what
// Enter unfolds.
const notVerifiedLabel = "Not verified"

// notVerified is the row of the values no passed check proves, even when
// every check passed (verify.Report.Unverified): Enter lists each, with
// why.
func (p *overviewPane) notVerified(d *doc) {
	s, st := p.env.sess, p.env.styles
	if s.report == nil || s.report.Bundle() == nil {
		return
	}
	places := s.report.Unverified()
	if len(places) == 0 {
		return
	}
	// named is how many the row names; Enter lists them all
	const named = 3
	var paths []string
	for _, pl := range places[:min(len(places), named)] {
		paths = append(paths, strings.TrimPrefix(pl.Path, "$."))
	}
	if len(places) > named {
		paths = append(paths, "and "+strconv.Itoa(len(places)-named)+" more")
	}
	it := docItem{kind: itemLink, label: notVerifiedLabel, prefix: pad(st.Unknown.on("? "+strconv.Itoa(len(places))), badgeWidth),
		text: "no check proves " + model.Printable(strings.Join(paths, ", ")), failing: true}
	if !p.unfoldable(d, it, notVerifiedLabel) {
		return
	}
	for _, pl := range places {
		text := model.Printable(pl.Path + " = " + cutBytes(pl.Value, previewBytes) + ": " + pl.Coverage.String())
		d.items = append(d.items, docItem{kind: itemField, text: text, copy: pl.Path, paint: st.Unknown})
	}
}

// signers is the Signed by section: each key whose signatures verified,
// its trust and what it signed (verify.Report.Vouchers), linked to it in
// the Keys pane.
func (p *overviewPane) signers(d *doc) {
	s := p.env.sess
	d.heading("Signed by")
	if s.report == nil {
		d.text("checking…")
		return
	}
	if len(s.report.Vouchers) == 0 {
		d.text("no signature verified with any key")
		return
	}
	for _, v := range s.report.Vouchers {
		label := string(v.Trust)
		if v.Trust == verify.TrustUser {
			label = "your key"
		}
		ids := model.Printable(strings.Join(v.KeyIDs, " = "))
		d.link(label, ids+": "+v.Signed(), &target{pane: paneKeys, keyID: v.KeyIDs[0]}, v.KeyIDs[0])
	}
}

// areaItem is one area's row: with a pane of its own, a link to it;
// without, a row that Enter unfolds into its checks, expected and found
// values.
func (p *overviewPane) areaItem(d *doc, a areaRow, names []string) {
	st := p.env.styles
	c := &p.env.sess.checks
	state := c.nameState(names...)
	it := docItem{kind: itemLink, label: a.label, prefix: pad(st.badge(state), badgeWidth), text: p.areaText(a, names), failing: failed(state)}
	if a.pane != "" {
		row := -1
		if a.row != nil {
			row = a.row(p.env.sess)
		}
		it.jump = &target{pane: a.pane, row: row}
		d.items = append(d.items, it)
		return
	}
	if !p.unfoldable(d, it, a.label) {
		return
	}
	for _, ch := range c.named(names...) {
		if p.failingOnly && ch.Status == verify.OK {
			continue
		}
		d.badgeField("  "+checkLabel(ch.Name), st.badge(stateOf(ch.Status)), ruleText(ch))
		d.items[len(d.items)-1].failing = ch.Status != verify.OK
		if ch.Expected != "" || ch.Found != "" {
			d.field("    expected", orDash(model.Printable(ch.Expected)), ch.Expected)
			d.field("    found", orDash(model.Printable(ch.Found)), ch.Found)
		}
	}
}

// unfoldable adds a row that Enter unfolds (▸) and folds (▾), by key,
// and reports whether it is unfolded.
func (p *overviewPane) unfoldable(d *doc, it docItem, key string) bool {
	open := p.open[key]
	it.expand, it.text = key, "▸ "+it.text
	if open {
		it.text = "▾ " + strings.TrimPrefix(it.text, "▸ ")
	}
	d.items = append(d.items, it)
	return open
}

// areaText explains an area's badge: what passed, the first problem, or
// how far checking has got.
func (p *overviewPane) areaText(a areaRow, names []string) string {
	c := &p.env.sess.checks
	t := c.counts(names...)
	switch {
	case t.fail+t.unknown > 0:
		for _, ch := range c.named(names...) {
			if ch.Status == verify.OK {
				continue
			}
			more := ""
			if n := t.fail + t.unknown; n > 1 {
				more = fmt.Sprintf(" (and %d more)", n-1)
			}
			if a.problem != nil {
				if text := a.problem(ch); text != "" {
					return model.Printable(text) + more
				}
			}
			where := ""
			if ch.Event >= 0 {
				where = "event #" + strconv.Itoa(ch.Event) + " "
			}
			return where + model.Printable(ch.Name+": "+ch.Detail) + more
		}
	case !c.done:
		return "checking… " + strconv.Itoa(t.ok) + " ok so far"
	case t.ok == 0:
		return "nothing to check"
	}
	return a.ok(p.env.sess)
}
