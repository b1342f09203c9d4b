package ui

import (
	"cmp"
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
	paper := s.snapshot.Get("paper")
	meta := b.CanonicalRecord.Get("metadata")

	d.heading("Paper")
	str := func(v model.Value) string { return v.Str() }
	d.field("Title", orDash(s.title), str(paper.Get("title")))
	d.field("Authors", orDash(model.Printable(str(paper.Get("authors_text")))), str(paper.Get("authors_text")))
	primary := str(paper.Get("primary_cat"))
	if primary == "" {
		primary = str(meta.Get("primary_cat"))
	}
	var cross []string
	for _, c := range paper.Get("cross_cats").Elems() {
		cross = append(cross, c.Str())
	}
	if len(cross) == 0 {
		for _, c := range meta.Get("cross_cats_sorted").Elems() {
			cross = append(cross, c.Str())
		}
	}
	cats := primary
	if len(cross) > 0 {
		cats += " · " + strings.Join(cross, ", ")
	}
	d.field("Categories", orDash(model.Printable(cats)), cats)
	submitted := cmp.Or(str(paper.Get("submitted_at")), b.SubmittedAt)
	d.field("Submitted", orDash(model.Printable(submitted)), submitted)
	license := cmp.Or(str(paper.Get("license")), str(meta.Get("license")))
	d.field("License", orDash(model.Printable(license)), license)
	src := fmt.Sprintf("%s %s v%d", b.Source.Kind, b.Source.ID, b.Source.Version)
	d.link("Source", model.Printable(src), &target{pane: paneAliases, row: -1}, b.Source.ID)

	d.heading("Verification")
	p.verification(d)

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
	presence := func(label, eventType, list, what string, extra int) {
		n := extra
		if s.report != nil && s.report.Merge != nil {
			n += applied[eventType]
		} else {
			n += b.State.Current.Get(list).Len()
		}
		if n > 0 {
			d.badgeField(label, st.OK.on("● present"), fmt.Sprintf("%s: %d (%s)", what, n, source))
		} else {
			d.badgeField(label, st.Muted.on("○ absent "), "no "+what+" yet")
		}
	}
	presence("Timestamp", "timestamp_anchor", "timestamp_anchors", "Bitcoin timestamp anchor", b.TimestampProofs.Len())
	presence("Archive copy", "storage_attestation", "storage_attestations", "Internet Archive copy", 0)
	presence("Author claim", "author_attestation", "author_attestations", "author attestation", 0)
	presence("Citations", "citation_signature", "citation_signatures", "signed citation", 0)
	presence("Replications", "replication_record", "replication_records", "replication record", 0)
	if s.snapshotEvent >= 0 {
		d.link("Graph", "snapshot "+eventLabel(s, s.snapshotEvent), &target{pane: paneGraph, row: -1}, b.Events[s.snapshotEvent].EventID)
	} else {
		d.field("Graph", "no graph_snapshot event: the paper's metadata above is the canonical record's", "")
	}

	if abstract := str(paper.Get("abstract_excerpt")); abstract != "" {
		d.heading("Abstract")
		d.items = append(d.items, docItem{kind: itemText, text: model.Printable(abstract), copy: abstract, lines: longValueLines})
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
	open := p.open[a.label]
	it.expand = a.label
	if open {
		it.text = "▾ " + it.text
	} else {
		it.text = "▸ " + it.text
	}
	d.items = append(d.items, it)
	if !open {
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
				return model.Printable(a.problem(ch)) + more
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
