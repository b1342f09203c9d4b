package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// maxCompareLeaves bounds the lines of a comparison (per event).
const maxCompareLeaves = 5000

const paneForks paneID = "forks"

// forksPane lists each fork; Enter opens a side-by-side comparison
// of two of its events, and `e` writes the fork's evidence file.
type forksPane struct {
	*listDetail
	cmp *comparison // non-nil while comparing
}

func newForksPane(e *env) pane {
	p := &forksPane{}
	p.listDetail = newListDetail(e, paneForks, "fork", p)
	return p
}

func (p *forksPane) forks() []model.Fork {
	s := p.env.sess
	if s == nil || s.report == nil || s.report.Merge == nil {
		return nil
	}
	return s.report.Merge.Forks
}

func (p *forksPane) reset() {
	p.cmp = nil
	p.listDetail.reset()
}

func (p *forksPane) rowCount() int { return len(p.forks()) }

func (p *forksPane) columns() []column {
	return []column{
		{title: "fork", min: 4, right: true},
		{title: "signer key", min: 16, max: 28},
		{title: "target", min: 8, max: 14},
		{title: "prev_event", min: 10, drop: 2},
		{title: "events", min: 6, right: true},
		{title: "check", min: 10, drop: 1},
	}
}

func (p *forksPane) cells(i int) []cell {
	f := p.forks()[i]
	st := p.env.styles
	prev := "null"
	if f.PrevEvent != "" {
		prev = shortID(f.PrevEvent)
	}
	return []cell{
		{text: strconv.Itoa(i + 1), paint: st.Muted},
		{text: model.Printable(f.SignerKeyID), paint: st.Bold},
		{text: model.Printable(f.Target)},
		{text: model.Printable(prev)},
		{text: strconv.Itoa(len(f.Events))},
		badgeCell(st, p.env.sess.checks.subjectState("fork:"+strconv.Itoa(i+1), verify.CheckEquivocation)),
	}
}

func (p *forksPane) marker(int) string { return "" }

func (p *forksPane) failing(i int) bool {
	return failed(p.env.sess.checks.subjectState("fork:"+strconv.Itoa(i+1), verify.CheckEquivocation))
}

func (p *forksPane) match(i int, q string) bool {
	f := p.forks()[i]
	return matchAny(q, append([]string{f.SignerKeyID, f.Target, f.PrevEvent}, f.EventIDs...)...)
}

func (p *forksPane) copyRow(i int) (string, string) {
	return "fork event ids", strings.Join(p.forks()[i].EventIDs, "\n")
}

func (p *forksPane) detail(i int, d *doc) {
	s := p.env.sess
	st := p.env.styles
	f := p.forks()[i]
	d.title = "fork " + strconv.Itoa(i+1) + " · " + model.Printable(f.SignerKeyID)
	if c, ok := s.checkFor(verify.CheckEquivocation, "fork:"+strconv.Itoa(i+1)); ok {
		d.badgeField("equivocation", st.badge(stateOf(c.Status)), model.Printable(f.SignerKeyID)+" signed "+strconv.Itoa(len(f.Events))+" valid events for the same target and prev_event")
	}
	d.link("signer key", model.Printable(f.SignerKeyID), &target{pane: paneKeys, keyID: f.SignerKeyID}, f.SignerKeyID)
	d.field("target", model.Printable(f.Target), f.Target)
	if f.PrevEvent == "" {
		d.field("prev_event", "null (both start the chain)", "")
	} else {
		eventLink(d, s, "prev_event", f.PrevEvent)
	}
	d.heading("Conflicting events")
	for _, e := range f.Events {
		badge := st.mark(s.checks.eventState(e, verify.CheckEventSignature))
		d.items = append(d.items, docItem{kind: itemLink, label: "event", prefix: badge, text: eventLabel(s, e), jump: &target{pane: paneEvents, row: e}, copy: s.bundle.Events[e].EventID})
	}
	d.text("Each is validly signed, so neither is applied: the signer said two things about the same place in its chain. Enter on the list compares them side by side; e writes the evidence file.")
}

func (p *forksPane) explainEmpty(d *doc) {
	d.title = "no forks"
	if !p.env.sess.checks.done {
		d.title = "checking…"
		d.text("Forks are found once every event is checked.")
		return
	}
	d.text("No signer signed two different valid events for the same place in its chain (same key, subject, target and prev_event).")
	if c, ok := p.env.sess.checkFor(verify.CheckEquivocation, verify.SubjectBundle); ok {
		d.badgeField("equivocation", p.env.styles.badge(stateOf(c.Status)), model.Printable(c.Detail))
	}
}

func (p *forksPane) modal() bool { return p.editing || p.cmp != nil }

func (p *forksPane) back() bool {
	if p.cmp != nil {
		p.cmp = nil
		return true
	}
	return p.listDetail.back()
}

func (p *forksPane) helpKeys() []key.Binding {
	k := p.env.keys
	if p.cmp != nil {
		out := []key.Binding{k.Down, k.NextMatch, k.DiffOnly, k.Evidence, k.Back}
		if len(p.forks()[p.cmp.fork].Events) > 2 {
			out = append([]key.Binding{key.NewBinding(key.WithKeys("h", "l"), key.WithHelp("h/l", "other event"))}, out...)
		}
		return out
	}
	if p.editing {
		return p.listDetail.helpKeys()
	}
	return append(p.listDetail.helpKeys(), k.Evidence)
}

func (p *forksPane) key(msg tea.KeyMsg) tea.Cmd {
	k := p.env.keys
	if !p.editing && key.Matches(msg, k.Evidence) {
		if row := p.l.selected(); row >= 0 {
			return send(evidenceMsg{fork: row + 1})
		}
		return send(statusMsg{text: "no fork selected"})
	}
	if p.cmp != nil {
		return p.cmp.key(msg, p.env)
	}
	if !p.editing && !p.focusDetail && key.Matches(msg, k.Enter) {
		if row := p.l.selected(); row >= 0 {
			p.cmp = newComparison(p.env, row, 1)
		}
		return nil
	}
	return p.listDetail.key(msg)
}

func (p *forksPane) resize() {
	p.listDetail.resize()
	if p.cmp != nil {
		p.cmp.layout(p.env)
	}
}

func (p *forksPane) refresh() {
	p.listDetail.refresh()
	if p.cmp != nil {
		if p.cmp.fork >= len(p.forks()) {
			p.cmp = nil
		} else {
			p.cmp.layout(p.env)
		}
	}
}

func (p *forksPane) mouse(x, y int, msg tea.MouseMsg) tea.Cmd {
	if p.cmp != nil {
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			p.cmp.l.move(-3, p.cmp.rowsHeight(p.env))
		case tea.MouseButtonWheelDown:
			p.cmp.l.move(3, p.cmp.rowsHeight(p.env))
		}
		return nil
	}
	return p.listDetail.mouse(x, y, msg)
}

func (p *forksPane) view() []string {
	if p.cmp != nil {
		return p.cmp.view(p.env)
	}
	return p.listDetail.view()
}

// comparison is the side-by-side view of two events of a fork: every
// leaf path of either event with both values, the differing ones marked ≠.
type comparison struct {
	fork, right int // the fork, and which of its events is on the right (the left is its first)
	lines       []compareLine
	l           list // the cursor and scroll over lines
	differ      int
	pathW, valW int
	diffOnly    bool // `d`: only the lines that differ
}

type compareLine struct {
	path, left, right string // printable
	differs           bool
}

func newComparison(e *env, fork, right int) *comparison {
	c := &comparison{fork: fork, right: right}
	c.layout(e)
	return c
}

// layout rebuilds the lines for the current pair and sizes the columns.
func (c *comparison) layout(e *env) {
	s := e.sess
	f := s.report.Merge.Forks[c.fork]
	c.right = clamp(c.right, 1, len(f.Events)-1)
	left := leaves(s.bundle.Events[f.Events[0]].Value)
	right := leaves(s.bundle.Events[f.Events[c.right]].Value)
	rightByPath := make(map[string]string, len(right))
	for _, l := range right {
		rightByPath[l.path] = l.value
	}
	c.lines, c.differ = c.lines[:0], 0
	seen := make(map[string]bool, len(left))
	for _, l := range left {
		seen[l.path] = true
		r, ok := rightByPath[l.path]
		if !ok {
			r = "(missing)"
		}
		c.lines = append(c.lines, compareLine{path: l.path, left: l.value, right: r, differs: r != l.value})
	}
	for _, r := range right {
		if !seen[r.path] {
			c.lines = append(c.lines, compareLine{path: r.path, left: "(missing)", right: r.value, differs: true})
		}
	}
	for _, l := range c.lines {
		if l.differs {
			c.differ++
		}
	}
	w := e.layout.width
	c.pathW = clamp(w*30/100, 10, 40)
	c.valW = max((w-c.pathW-2-6)/2, 4)
	c.l.resize(len(c.lines), c.rowsHeight(e))
	c.narrow(e)
}

// narrow shows the differing lines only, or all of them, as diffOnly says.
func (c *comparison) narrow(e *env) {
	var differs func(int) bool
	if c.diffOnly {
		differs = func(i int) bool { return c.lines[i].differs }
	}
	c.l.filter("", differs, c.rowsHeight(e))
}

type leaf struct{ path, value string }

// leaves flattens a JSON value into (path, printable value) pairs.
func leaves(v model.Value) []leaf {
	var out []leaf
	var walk func(path string, v model.Value)
	walk = func(path string, v model.Value) {
		if len(out) >= maxCompareLeaves {
			return
		}
		switch {
		case v.Kind() == model.KindObject && v.Len() > 0:
			for _, m := range v.Members() {
				walk(path+model.PathKey(m.Key), m.Value)
			}
		case v.Kind() == model.KindArray && v.Len() > 0:
			for i, el := range v.Elems() {
				walk(path+"["+strconv.Itoa(i)+"]", el)
			}
		default:
			out = append(out, leaf{path: model.Printable(path), value: previewOf(v)})
		}
	}
	walk("$", v)
	return out
}

func (c *comparison) key(msg tea.KeyMsg, e *env) tea.Cmd {
	k, h := e.keys, c.rowsHeight(e)
	if delta, ok := k.moveDelta(msg, c.l.count(), h); ok {
		c.l.move(delta, h)
		return nil
	}
	switch {
	case key.Matches(msg, k.Left), key.Matches(msg, k.Right):
		// with three or more events in the fork, h/l put another one on
		// the right-hand side
		if n := len(e.sess.report.Merge.Forks[c.fork].Events) - 1; n > 1 {
			delta := 1
			if key.Matches(msg, k.Left) {
				delta = -1
			}
			c.right = (c.right-1+delta+n)%n + 1
			c.layout(e)
		}
	case key.Matches(msg, k.NextMatch, k.PrevMatch):
		return c.nextDiff(step(msg, k.NextMatch), h)
	case key.Matches(msg, k.DiffOnly):
		c.diffOnly = !c.diffOnly
		c.narrow(e)
		if c.diffOnly {
			return send(statusMsg{text: "differences only: " + plural(c.differ, "field") + " of " + strconv.Itoa(len(c.lines)) + " (d shows all)"})
		}
		return send(statusMsg{text: "every field shown"})
	case key.Matches(msg, k.Copy):
		if row := c.l.selected(); row >= 0 {
			return send(copyMsg{what: "path", value: c.lines[row].path})
		}
	}
	return nil
}

// nextDiff moves to the next differing line shown (n/N), wrapping round
// and saying so.
func (c *comparison) nextDiff(delta, h int) tea.Cmd {
	n := c.l.count()
	for step := 1; step <= n; step++ {
		pos := c.l.cursor + delta*step
		wrapped := pos < 0 || pos >= n
		pos = (pos%n + n) % n
		if c.lines[c.l.at(pos)].differs {
			c.l.move(pos-c.l.cursor, h)
			return wrappedStatus(wrapped, delta > 0, "difference")
		}
	}
	return send(statusMsg{text: "the two events do not differ"})
}

// compareHead and compareFoot are the lines above and below the
// comparison's rows: the title and each side's badges; the selected
// path and its two values in full width.
const (
	compareHead = 3
	compareFoot = 3
)

func (c *comparison) rowsHeight(e *env) int {
	return max(e.layout.bodyHeight-compareHead-compareFoot, 1)
}

func (c *comparison) view(e *env) []string {
	s, st, lay := e.sess, e.styles, e.layout
	f := s.report.Merge.Forks[c.fork]
	li, ri := f.Events[0], f.Events[c.right]
	label := func(i int) string {
		return "#" + strconv.Itoa(i) + " " + shortID(s.bundle.Events[i].EventID) + " " + model.Printable(s.bundle.Events[i].CreatedAt)
	}
	badges := func(i int) string {
		return "sig " + st.badge(s.checks.eventState(i, verify.CheckEventSignature)) +
			" · digest " + st.badge(s.checks.eventState(i, verify.CheckEventDigest, verify.CheckEventID))
	}
	sep := st.Muted.on("│")
	row := func(left, right string) string {
		return " " + strings.Repeat(" ", c.pathW) + " " + sep + pad(truncate(left, c.valW), c.valW) + " " + sep + truncate(right, c.valW)
	}
	more := ""
	if len(f.Events) > 2 {
		more = " · h/l: another of its " + strconv.Itoa(len(f.Events)) + " events"
	}
	title := "fork " + strconv.Itoa(c.fork+1) + ": " + strconv.Itoa(c.differ) + " of " + strconv.Itoa(len(c.lines)) + " fields differ (≠)"
	if c.diffOnly {
		title += " · differences only (d: all)"
	} else {
		title += " · d: differences only"
	}
	title += " · n/N next difference" + more
	if c.l.offset+c.rowsHeight(e) < c.l.count() {
		title += " · " + moreBelow
	}
	out := []string{" " + st.Heading.on(truncate(title, lay.width-1)), row(label(li), label(ri)), row(badges(li), badges(ri))}
	h := c.rowsHeight(e)
	for pos := c.l.offset; pos < c.l.count() && pos < c.l.offset+h; pos++ {
		l := c.lines[c.l.at(pos)]
		mark, vp := " ", paint{}
		if l.differs {
			mark, vp = st.Diff.on("≠"), st.Diff
		}
		line := mark + truncateLeft(l.path, c.pathW-1) + " " + sep + vp.on(fit(l.left, c.valW)) + " " + sep + vp.on(truncate(l.right, c.valW))
		if pos == c.l.cursor {
			out = append(out, st.Cursor.on("›")+st.selectedLine(pad(line, lay.width-1)))
		} else {
			out = append(out, " "+line)
		}
	}
	out = block(out, lay.width, compareHead+h)
	if row := c.l.selected(); row >= 0 {
		l := c.lines[row]
		out = append(out,
			" "+st.Muted.on("path ")+truncate(l.path, lay.width-6),
			" "+st.Muted.on("#"+strconv.Itoa(li)+"   ")+truncate(l.left, lay.width-6-len(strconv.Itoa(li))),
			" "+st.Muted.on("#"+strconv.Itoa(ri)+"   ")+truncate(l.right, lay.width-6-len(strconv.Itoa(ri))))
	}
	return block(out, lay.width, lay.bodyHeight)
}

// truncateLeft keeps the end of s (a path's last steps say most), padded
// to w cells.
func truncateLeft(s string, w int) string {
	if width(s) <= w {
		return pad(s, w)
	}
	return pad("…"+ansi.TruncateLeft(s, width(s)-w+1, ""), w)
}
