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

// forksPane lists each fork, then each broken link between events (an
// event_links failure: a prev_event or supersedes naming no event, or a
// signer's second chain for one target). Enter on a fork opens a
// side-by-side comparison of two of its events, and `e` writes the fork's
// evidence file.
type forksPane struct {
	*listDetail
	cmp *comparison // non-nil while comparing
	// compareFirst opens the comparison once the fork is known: an
	// evidence file opens as its fork's comparison.
	compareFirst bool
}

func newForksPane(e *env) pane {
	p := &forksPane{}
	p.listDetail = newListDetail(e, paneForks, "fork or broken link", p)
	return p
}

func (p *forksPane) forks() []model.Fork {
	if s := p.env.sess; s != nil {
		return s.forks
	}
	return nil
}

func (p *forksPane) reset() {
	p.cmp = nil
	p.compareFirst = p.env.sess != nil && p.env.sess.evidence != nil
	p.listDetail.reset()
}

// refresh picks up the forks and broken links once verification is done.
func (p *forksPane) refresh() {
	p.listDetail.refresh()
	if p.compareFirst && len(p.forks()) > 0 {
		p.compareFirst = false
		p.cmp = newComparison(p.env, 0, 1)
	}
	if p.cmp != nil {
		if p.cmp.fork >= len(p.forks()) {
			p.cmp = nil
		} else {
			p.cmp.layout(p.env)
		}
	}
}

// links are the broken links between events (session.brokenLinks).
func (p *forksPane) links() []verify.Check {
	if s := p.env.sess; s != nil {
		return s.brokenLinks
	}
	return nil
}

func (p *forksPane) rowCount() int { return len(p.forks()) + len(p.links()) }

// link is row i's broken link, when it is one.
func (p *forksPane) link(i int) (verify.Check, bool) {
	if n := len(p.forks()); i >= n {
		return p.links()[i-n], true
	}
	return verify.Check{}, false
}

func (p *forksPane) columns() []column {
	return []column{
		{title: "fork", min: 5, right: true},
		{title: "signer key", min: 16, max: 28},
		{title: "target", min: 8, max: 14},
		{title: "prev_event", min: 10, drop: 2},
		{title: "events", min: 6, right: true},
		{title: "check", min: 10, drop: 1},
	}
}

// signerIDs names a fork's signer by every id its events name the one key
// by: "test-key-1", or "test-key-1 = test-key-1-again".
func signerIDs(f model.Fork) string {
	ids := f.KeyIDs
	if len(ids) == 0 {
		ids = []string{f.SignerKeyID}
	}
	return model.Printable(strings.Join(ids, " = "))
}

func (p *forksPane) cells(i int) []cell {
	st := p.env.styles
	s := p.env.sess
	if c, ok := p.link(i); ok {
		e := &s.bundle.Events[c.Event]
		prev := "null"
		if e.PrevEvent != "" {
			prev = shortID(e.PrevEvent)
		}
		return []cell{
			{text: "link", paint: st.Muted},
			{text: model.Printable(e.Signer.KeyID), paint: st.Bold},
			{text: model.Printable(e.Target)},
			{text: model.Printable(prev)},
			{text: "#" + strconv.Itoa(c.Event)},
			badgeCell(st, stateOf(c.Status)),
		}
	}
	f := p.forks()[i]
	prev := "null"
	if f.PrevEvent != "" {
		prev = shortID(f.PrevEvent)
	}
	return []cell{
		{text: strconv.Itoa(i + 1), paint: st.Muted},
		{text: signerIDs(f), paint: st.Bold},
		{text: model.Printable(f.Target)},
		{text: model.Printable(prev)},
		{text: strconv.Itoa(len(f.Events))},
		badgeCell(st, s.checks.subjectState("fork:"+strconv.Itoa(i+1), verify.CheckEquivocation)),
	}
}

func (p *forksPane) marker(int) string { return "" }

// failing: a fork's equivocation check, or a broken link's check.
func (p *forksPane) failing(i int) bool {
	if c, ok := p.link(i); ok {
		return failed(stateOf(c.Status))
	}
	return failed(p.env.sess.checks.subjectState("fork:"+strconv.Itoa(i+1), verify.CheckEquivocation))
}

// rowName names a row for the trail of jumps.
func (p *forksPane) rowName(i int) string {
	if c, ok := p.link(i); ok {
		return "link of event #" + strconv.Itoa(c.Event)
	}
	return "fork " + strconv.Itoa(i+1)
}

func (p *forksPane) match(i int, q string) bool {
	if c, ok := p.link(i); ok {
		return matchAny(q, c.Subject, c.Detail)
	}
	f := p.forks()[i]
	return matchAny(q, append([]string{signerIDs(f), f.Target, f.PrevEvent}, f.EventIDs...)...)
}

func (p *forksPane) copyRow(i int) (string, string) {
	if c, ok := p.link(i); ok {
		return "event id", p.env.sess.bundle.Events[c.Event].EventID
	}
	return "fork event ids", strings.Join(p.forks()[i].EventIDs, "\n")
}

func (p *forksPane) detail(i int, d *doc) {
	if c, ok := p.link(i); ok {
		p.linkDetail(c, d)
		return
	}
	s := p.env.sess
	st := p.env.styles
	f := p.forks()[i]
	d.title = "fork " + strconv.Itoa(i+1) + " · " + signerIDs(f)
	if c, ok := s.checkFor(verify.CheckEquivocation, "fork:"+strconv.Itoa(i+1)); ok {
		d.badgeField("equivocation", st.badge(stateOf(c.Status)), signerIDs(f)+" signed "+strconv.Itoa(len(f.Events))+" valid events for the same target and prev_event")
	}
	for _, id := range f.KeyIDs {
		d.link("signer key", model.Printable(id), &target{pane: paneKeys, keyID: id}, id)
	}
	if len(f.KeyIDs) > 1 {
		d.text("One key under " + strconv.Itoa(len(f.KeyIDs)) + " ids: a signer is its key, whatever id names it, so these events are one signer's.")
	}
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
	if w, ok := s.written[i+1]; ok {
		d.heading("Evidence file")
		d.field("written", model.Printable(w.path), w.path)
		d.items = append(d.items, docItem{kind: itemField, label: evidenceCommandLabel, text: model.Printable(w.command), copy: w.command, lines: longValueLines})
		d.text("The command checks the file on its own, with the keys you trust here: y copies it.")
	}
}

// evidenceCommandLabel labels the command that checks a written evidence
// file, where writing one puts the cursor.
const evidenceCommandLabel = "check it with"

// show leaves the comparison for the place asked for.
func (p *forksPane) show(t target) bool {
	p.cmp = nil
	return p.listDetail.show(t)
}

// linkDetail is a broken link's detail: the check, the event it is about
// and where its links lead.
func (p *forksPane) linkDetail(c verify.Check, d *doc) {
	s, st := p.env.sess, p.env.styles
	e := &s.bundle.Events[c.Event]
	d.title = "broken link · event #" + strconv.Itoa(c.Event)
	if strings.HasPrefix(c.Subject, "chain:") {
		d.title = "second chain · " + model.Printable(e.Signer.KeyID)
	}
	d.badgeField("event_links", st.badge(stateOf(c.Status)), model.Printable(c.Detail))
	d.link("event", eventLabel(s, c.Event), &target{pane: paneEvents, row: c.Event}, e.EventID)
	d.link("signer key", model.Printable(e.Signer.KeyID), &target{pane: paneKeys, keyID: e.Signer.KeyID}, e.Signer.KeyID)
	if e.PrevEvent != "" {
		eventLink(d, s, "prev_event", e.PrevEvent)
	}
	for _, id := range e.Supersedes {
		eventLink(d, s, "supersedes", id)
	}
	d.text("A link to an event the bundle does not hold cannot be followed, and a signer whose events for one target start two chains has two histories for it: a fork that no two events after one prev_event show.")
}

func (p *forksPane) explainEmpty(d *doc) {
	d.title = "no forks"
	if !p.env.sess.checks.done {
		d.title = "checking…"
		d.text("Forks are found once every event is checked.")
		return
	}
	d.text("No signer signed two different valid events for the same place in its chain (same key, subject, target and prev_event), and every link between events resolves.")
	for _, name := range []string{verify.CheckEquivocation, verify.CheckEventLinks} {
		if c, ok := p.env.sess.checkFor(name, verify.SubjectBundle); ok {
			d.badgeField(name, p.env.styles.badge(stateOf(c.Status)), model.Printable(c.Detail))
		}
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
		if row := p.l.selected(); row >= 0 && row < len(p.forks()) {
			return send(evidenceMsg{fork: row + 1})
		}
		return send(statusMsg{text: "no fork selected: e writes the evidence file of a fork"})
	}
	if p.cmp != nil {
		return p.cmp.key(msg, p.env)
	}
	if row := p.l.selected(); !p.editing && !p.focusDetail && key.Matches(msg, k.Enter) && row >= 0 && row < len(p.forks()) {
		p.cmp = newComparison(p.env, row, 1)
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
	f := s.forks[c.fork]
	c.right = clamp(c.right, 1, len(f.Events)-1)
	left := leaves(s.bundle.Events[f.Events[0]].Value)
	right := leaves(s.bundle.Events[f.Events[c.right]].Value)
	rightByPath := make(map[string]leaf, len(right))
	for _, l := range right {
		rightByPath[l.path] = l
	}
	c.lines, c.differ = c.lines[:0], 0
	seen := make(map[string]bool, len(left))
	for _, l := range left {
		seen[l.path] = true
		r, ok := rightByPath[l.path]
		if !ok {
			c.lines = append(c.lines, compareLine{path: l.path, left: l.text(), right: "(missing)", differs: true})
			continue
		}
		c.lines = append(c.lines, compareLine{path: l.path, left: l.text(), right: r.text(), differs: len(model.DiffJSON(l.value, r.value, 1)) > 0})
	}
	for _, r := range right {
		if !seen[r.path] {
			c.lines = append(c.lines, compareLine{path: r.path, left: "(missing)", right: r.text(), differs: true})
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

// leaf is one scalar (or empty container) of an event, by its printable
// path. Two leaves are compared as data (model.DiffJSON: numbers by value,
// strings whole), never by their previews, which are cut.
type leaf struct {
	path  string
	value model.Value
}

func (l leaf) text() string { return previewOf(l.value) }

// leaves flattens a JSON value into its leaves.
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
			out = append(out, leaf{path: model.Printable(path), value: v})
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
		if n := len(e.sess.forks[c.fork].Events) - 1; n > 1 {
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
	return max(e.layout.bodyHeight-c.headLines(e)-compareFoot, 1)
}

// headLines is compareHead, and a line more for an evidence file's
// verdict.
func (c *comparison) headLines(e *env) int {
	if e.sess.evidence != nil {
		return compareHead + 1
	}
	return compareHead
}

func (c *comparison) view(e *env) []string {
	s, st, lay := e.sess, e.styles, e.layout
	f := s.forks[c.fork]
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
	var out []string
	if s.evidence != nil {
		// an evidence file's comparison leads with what the file proves
		verdict, proven := s.report.Verdict()
		paint, mark := st.Fail, "✗ "
		if proven {
			paint, mark = st.OK, "✓ "
		}
		out = append(out, " "+paint.on(truncate(mark+model.Printable(verdict), lay.width-1)))
	}
	out = append(out, " "+st.Heading.on(truncate(title, lay.width-1)), row(label(li), label(ri)), row(badges(li), badges(ri)))
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
	out = block(out, lay.width, c.headLines(e)+h)
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
