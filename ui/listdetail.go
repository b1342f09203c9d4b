package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/pithscope/pithscope/model"
)

// rowSource is a pane's content as a table with a detail per row.
type rowSource interface {
	columns() []column
	rowCount() int
	cells(row int) []cell
	// match reports whether row holds q (lower case) for the filter.
	match(row int, q string) bool
	// copyRow is what y copies on a row, and what to call it (both as
	// they are: the status line escapes what it shows).
	copyRow(row int) (what, value string)
	// detail fills d for row.
	detail(row int, d *doc)
	// marker is a one-cell mark shown before the row (new, changed), or "".
	marker(row int) string
}

// searcher is a rowSource whose `/` searches rather than filters: the Raw
// tree, where a match may sit in a folded part. search finds the next (or
// previous) match after row from, unfolding what hides it.
type searcher interface {
	search(q string, from int, forward bool) (searchHit, bool)
}

// failer is a rowSource whose rows are checked: failing reports a row
// with a check that failed or could not be decided. `!` shows only those,
// `]` and `[` go to the next and previous.
type failer interface {
	failing(row int) bool
}

// failed reports a state that is a problem: a failure, or a check that
// could not be decided.
func failed(s state) bool { return s == stateFail || s == stateUnknown }

// pather is a rowSource whose rows are values of the bundle: Y copies
// the row's JSON path ("$.events[3]"), "" for a row that is none.
type pather interface {
	jsonPath(row int) string
}

// namer is a rowSource that names its rows for the trail of jumps
// (printable); without it a row is "noun N".
type namer interface {
	rowName(row int) string
}

// explainer is a rowSource that says what an empty list means.
type explainer interface {
	explainEmpty(d *doc)
}

// matchAny reports whether one of fields holds q (lower case), ignoring
// case: the filter's match.
func matchAny(q string, fields ...string) bool {
	return slices.ContainsFunc(fields, func(f string) bool { return strings.Contains(strings.ToLower(f), q) })
}

// drawnRow is one row as drawn, without its selection marker.
type drawnRow struct{ mark, text string }

// listDetail is the list-left, detail-right pane that most panes are: the
// pane supplies a rowSource, this does navigation, filtering, the detail's
// cursor and folding, copying, links and layout.
type listDetail struct {
	env *env
	id  paneID
	src rowSource

	l           list
	d           doc
	detailRow   int
	focusDetail bool
	editing     bool            // typing the filter (or the search)
	input       textinput.Model // what is typed
	counted     bool            // the tab shows the row count
	searchQuery string          // the search query, for a searcher
	searchHit   searchHit       // where the last search landed
	failingOnly bool            // `!`: only the rows that fail (a failer's)
	noun        string

	cols   []column
	widths []int
	// drawn caches rows as drawn (mark and padded cells) by row index:
	// a row changes when checks arrive or the layout changes, not from one
	// frame to the next, and a frame should cost the visible rows' lookups.
	drawn map[int]drawnRow
	// drawnFor is the text highlighted in the drawn rows
	drawnFor string
	// geometry, from the layout
	stacked    bool
	listW      int
	listH      int // rows shown (the title line excluded)
	detW, detH int
}

func newListDetail(e *env, id paneID, noun string, src rowSource) *listDetail {
	return &listDetail{env: e, id: id, noun: noun, src: src, detailRow: -1, counted: true, input: newTextInput("", "")}
}

// tabStatus is the row count, for the panes whose rows are worth counting.
func (p *listDetail) tabStatus() string {
	if p.env.sess == nil || !p.counted {
		return ""
	}
	return strconv.Itoa(p.src.rowCount())
}

func (p *listDetail) reset() {
	p.drawn = nil
	p.l.setLen(p.src.rowCount())
	p.focusDetail, p.failingOnly, p.searchHit = false, false, searchHit{}
	p.stopEditing()
	p.detailRow = -1
	p.resize()
	p.rebuildDetail(true) // an empty list's detail explains it from the start
}

func (p *listDetail) refresh() {
	p.drawn = nil
	q := p.l.query
	if n := p.src.rowCount(); n != p.l.n {
		p.l.setLen(n)
		p.resize()
	}
	if q != "" || p.failingOnly {
		// the rows that match or fail change as checks arrive
		p.setFilter(q)
	}
	p.rebuildDetail(true)
}

func (p *listDetail) resize() {
	p.drawn = nil
	lay := p.env.layout
	p.cols = p.src.columns()
	p.stacked = !lay.sideBySide
	if lay.sideBySide {
		p.listW, p.listH = lay.listWidth, lay.bodyHeight-1
		p.detW, p.detH = lay.detailWidth, lay.bodyHeight-1
	} else {
		total := lay.stackedListHeight(p.l.count())
		p.listW, p.listH = lay.width, total-1
		p.detW, p.detH = lay.width, max(lay.bodyHeight-total-1, 0)
	}
	p.listH, p.detH = max(p.listH, 1), max(p.detH, 0)
	// two cells for the selection marker and the new/changed mark
	p.widths = columnWidths(p.cols, p.listW-2)
	p.l.scroll(p.listH)
	p.rebuildDetail(false)
	p.d.layout(p.detW-1, p.env.styles)
	p.d.scrollTo(p.detH)
}

// rebuildDetail rebuilds the doc when the selection changed (or always,
// when the content under it changed), keeping the cursor where it was.
func (p *listDetail) rebuildDetail(force bool) {
	row := p.l.selected()
	if row == p.detailRow && !force {
		return
	}
	same := row == p.detailRow
	cursor, offset := p.d.cursor, p.d.offset
	p.d = doc{links: p.env.link}
	if row >= 0 {
		p.src.detail(row, &p.d)
	} else if e, ok := p.src.(explainer); ok && p.env.sess != nil && p.l.query == "" {
		e.explainEmpty(&p.d)
	}
	p.detailRow = row
	p.d.layout(p.detW-1, p.env.styles)
	if same && len(p.d.lines) > 0 {
		p.d.cursor, p.d.offset = clamp(cursor, 0, len(p.d.lines)-1), offset
		p.d.snap()
	}
	p.d.scrollTo(p.detH)
}

func (p *listDetail) capturing() bool { return p.editing }
func (p *listDetail) modal() bool     { return p.editing }

func (p *listDetail) back() bool {
	switch {
	case p.editing:
		p.stopEditing()
		p.setFilter("")
		return true
	case p.focusDetail:
		p.focusDetail = false
		return true
	case p.l.query != "":
		p.setFilter("")
		return true
	case p.failingOnly:
		p.failingOnly = false
		p.setFilter("")
		return true
	}
	return false
}

// setFilter shows the rows that hold q and, with failing only on, fail.
func (p *listDetail) setFilter(q string) {
	p.l.filter(q, p.rowFilter(q), p.listH)
	if p.stacked {
		p.resize()
	}
	p.rebuildDetail(false)
}

// rowFilter is the test a row passes to be shown, nil for every row.
func (p *listDetail) rowFilter(q string) func(row int) bool {
	lq := strings.ToLower(q)
	f, checked := p.src.(failer)
	failingOnly := p.failingOnly && checked
	switch {
	case q == "" && !failingOnly:
		return nil
	case q == "":
		return f.failing
	case !failingOnly:
		return func(row int) bool { return p.src.match(row, lq) }
	}
	return func(row int) bool { return f.failing(row) && p.src.match(row, lq) }
}

// toggleFailing is `!`: only the failing rows, or every row again.
func (p *listDetail) toggleFailing() tea.Cmd {
	if _, checked := p.src.(failer); !checked {
		return send(statusMsg{text: "no check is made row by row here: ! shows the failing rows of Events, Aliases, Keys, State and Forks"})
	}
	p.failingOnly = !p.failingOnly
	p.setFilter(p.l.query)
	if !p.failingOnly {
		return send(statusMsg{text: "every " + p.noun + " shown"})
	}
	text := "failing only: " + plural(p.l.count(), p.noun) + " of " + strconv.Itoa(p.l.n) + " (! shows all)"
	if p.env.sess != nil && !p.env.sess.checks.done {
		text += ", so far: checking…"
	}
	return send(statusMsg{text: text})
}

// nextFailing is `]` (delta 1) and `[` (-1): the next or previous failing
// row shown, wrapping round the list and saying so.
func (p *listDetail) nextFailing(delta int) tea.Cmd {
	f, checked := p.src.(failer)
	if !checked {
		return send(statusMsg{text: "no check is made row by row here"})
	}
	n := p.l.count()
	for step := 1; step <= n; step++ {
		pos := p.l.cursor + delta*step
		wrapped := pos < 0 || pos >= n
		pos = (pos%n + n) % n
		if !f.failing(p.l.at(pos)) {
			continue
		}
		p.l.move(pos-p.l.cursor, p.listH)
		p.rebuildDetail(false)
		if step == n {
			return send(statusMsg{text: "this is the only failing " + p.noun})
		}
		return wrappedStatus(wrapped, delta > 0, "failing "+p.noun)
	}
	text := "no failing " + pluralOf(p.noun)
	if p.l.query != "" {
		text += " among those shown"
	}
	if p.env.sess != nil && !p.env.sess.checks.done {
		text += " so far (checking…)"
	}
	return send(statusMsg{text: text})
}

func (p *listDetail) show(t target) bool {
	if !p.l.show(t.row, p.listH) {
		return false
	}
	if p.l.visible == nil {
		p.failingOnly = false // the row was hidden: the filter is off
	}
	if p.stacked {
		p.resize()
	}
	p.rebuildDetail(false)
	p.d.cursor, p.d.offset = 0, 0
	if len(p.d.lines) > 0 {
		p.d.snap()
	}
	if t.item != "" && p.d.find(t.item) && p.detH > 0 {
		p.focusDetail = true
		p.d.scrollTo(p.detH)
	}
	return true
}

func (p *listDetail) location() target { return target{pane: p.id, row: p.l.selected()} }

func (p *listDetail) describe(t target) string {
	switch n, named := p.src.(namer); {
	case t.row < 0 || t.row >= p.src.rowCount():
		return ""
	case named:
		return n.rowName(t.row)
	}
	return p.noun + " " + strconv.Itoa(t.row+1)
}

func (p *listDetail) helpKeys() []key.Binding {
	k := p.env.keys
	if p.editing {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		}
	}
	if p.focusDetail {
		return []key.Binding{k.Up, k.Enter, k.Left, k.NextMatch, k.Copy, k.Back}
	}
	out := []key.Binding{k.Down, k.Enter, k.Filter}
	if p.l.query != "" {
		out = append(out, k.NextMatch)
	}
	if p.failingOnly {
		out = append(out, k.NextFailing)
	}
	return append(out, k.Copy)
}

func (p *listDetail) key(msg tea.KeyMsg) tea.Cmd {
	k := p.env.keys
	if p.editing {
		return p.editKey(msg)
	}
	if p.focusDetail {
		return p.detailKey(msg)
	}
	if delta, ok := k.moveDelta(msg, p.l.count(), p.listH); ok {
		p.moveList(delta)
		return nil
	}
	switch {
	case key.Matches(msg, k.Enter), key.Matches(msg, k.Right):
		if len(p.d.lines) > 0 && p.detH > 0 {
			p.focusDetail = true
		}
	case key.Matches(msg, k.Filter):
		return p.startEditing()
	case key.Matches(msg, k.NextMatch, k.PrevMatch):
		return p.nextMatch(step(msg, k.NextMatch))
	case key.Matches(msg, k.FailingOnly):
		return p.toggleFailing()
	case key.Matches(msg, k.NextFailing, k.PrevFailing):
		return p.nextFailing(step(msg, k.NextFailing))
	case key.Matches(msg, k.Copy):
		if row := p.l.selected(); row >= 0 {
			what, value := p.src.copyRow(row)
			return send(copyMsg{what: what, value: value})
		}
	case key.Matches(msg, k.CopyPath):
		return p.copyPath()
	default:
		if _, ok := k.treeOp(msg); ok {
			return send(statusMsg{text: "E C + - fold JSON trees: those of Raw, and of a detail (→ into it first)"})
		}
	}
	return nil
}

// copyPath is `Y` on a row: its JSON path in the bundle.
func (p *listDetail) copyPath() tea.Cmd {
	if f, ok := p.src.(pather); ok {
		if row := p.l.selected(); row >= 0 {
			if path := f.jsonPath(row); path != "" {
				return send(copyMsg{what: "JSON path " + path, value: path})
			}
		}
	}
	return send(statusMsg{text: "no JSON path for this row: Y copies the path of a value of the bundle"})
}

func (p *listDetail) moveList(delta int) {
	p.l.move(delta, p.listH)
	p.rebuildDetail(false)
}

// nextMatch steps through the filtered rows, wrapping, from either side.
func (p *listDetail) nextMatch(delta int) tea.Cmd {
	if _, ok := p.src.(searcher); ok {
		return p.runSearch(delta > 0)
	}
	if p.l.query == "" {
		return send(statusMsg{text: "no filter: / filters the list, then n and N step through it"})
	}
	wrapped := p.l.wrapMove(delta, p.listH)
	p.rebuildDetail(false)
	return wrappedStatus(wrapped, delta > 0, "match")
}

// wrappedStatus says that a step went round the end of a list, or nil.
func wrappedStatus(wrapped, forward bool, what string) tea.Cmd {
	switch {
	case !wrapped:
		return nil
	case forward:
		return send(statusMsg{text: "wrapped to the first " + what})
	}
	return send(statusMsg{text: "wrapped to the last " + what})
}

func (p *listDetail) detailKey(msg tea.KeyMsg) tea.Cmd {
	k, st := p.env.keys, p.env.styles
	switch {
	case p.d.moveKey(msg, k, p.detH):
	case key.Matches(msg, k.Enter):
		if cmd := p.d.activate(st); cmd != nil {
			return cmd
		}
	case key.Matches(msg, k.Right):
		p.d.fold(true, st)
	case key.Matches(msg, k.Left):
		if !p.d.fold(false, st) {
			p.focusDetail = false
		}
	case key.Matches(msg, k.NextMatch, k.PrevMatch):
		return p.stepRow(step(msg, k.NextMatch))
	case key.Matches(msg, k.NextFailing, k.PrevFailing):
		return p.nextFailing(step(msg, k.NextFailing))
	case key.Matches(msg, k.FailingOnly):
		p.focusDetail = false
		return p.toggleFailing()
	case key.Matches(msg, k.Filter):
		p.focusDetail = false
		return p.startEditing()
	case key.Matches(msg, k.Copy):
		return p.d.copyCmd()
	case key.Matches(msg, k.CopyPath):
		return p.d.copyPathCmd()
	default:
		if op, ok := k.treeOp(msg); ok {
			cmd := p.d.reshape(op, st)
			p.d.scrollTo(p.detH)
			return cmd
		}
	}
	p.d.scrollTo(p.detH)
	return nil
}

// stepRow shows the next row's detail while the detail keeps the focus.
func (p *listDetail) stepRow(delta int) tea.Cmd {
	if p.l.visible != nil {
		wrapped := p.l.wrapMove(delta, p.listH)
		p.rebuildDetail(false)
		return wrappedStatus(wrapped, delta > 0, "match")
	}
	p.l.move(delta, p.listH)
	p.rebuildDetail(false)
	return nil
}

// startEditing is `/`: type the filter (or the search) from what it is.
func (p *listDetail) startEditing() tea.Cmd {
	p.editing = true
	p.input.SetValue(p.query())
	p.input.CursorEnd()
	return p.input.Focus()
}

// query is the filter, or the search for a searcher.
func (p *listDetail) query() string {
	if _, searching := p.src.(searcher); searching {
		return p.searchQuery
	}
	return p.l.query
}

// editKey is a key while typing: enter keeps the filter (or searches),
// esc clears it, ↑ and ↓ move the list, and the text input edits the rest.
func (p *listDetail) editKey(msg tea.KeyMsg) tea.Cmd {
	_, searching := p.src.(searcher)
	switch msg.Type {
	case tea.KeyEnter:
		p.stopEditing()
		if searching {
			return p.runSearch(true)
		}
		return nil
	case tea.KeyEsc:
		p.stopEditing()
		if searching {
			p.searchQuery = ""
			return nil
		}
		p.setFilter("")
		return nil
	case tea.KeyUp:
		p.moveList(-1)
		return nil
	case tea.KeyDown:
		p.moveList(1)
		return nil
	}
	cmd := editInput(&p.input, msg)
	switch q := p.input.Value(); {
	case searching:
		p.searchQuery = q
	case q != p.l.query:
		p.setFilter(q)
	}
	return cmd
}

func (p *listDetail) stopEditing() {
	p.editing = false
	p.input.Blur()
}

// runSearch moves to the next (or previous) search match.
func (p *listDetail) runSearch(forward bool) tea.Cmd {
	srch := p.src.(searcher)
	if p.searchQuery == "" {
		return nil
	}
	hit, ok := srch.search(p.searchQuery, p.l.selected(), forward)
	p.searchHit = hit
	if !ok {
		return send(statusMsg{text: "no match for " + model.Quote(p.searchQuery)})
	}
	p.rowsChanged()
	p.l.show(hit.row, p.listH)
	p.rebuildDetail(false)
	return wrappedStatus(hit.wrapped, forward, "match")
}

// rowsChanged follows a change in the number of rows (a tree folded),
// keeping the cursor.
func (p *listDetail) rowsChanged() {
	p.drawn = nil
	p.l.resize(p.src.rowCount(), p.listH)
	if p.stacked {
		p.resize()
	}
	p.rebuildDetail(true)
}

func (p *listDetail) mouse(x, y int, msg tea.MouseMsg) tea.Cmd {
	inList, ly := p.hit(x, y)
	switch {
	case msg.Button == tea.MouseButtonWheelUp || msg.Button == tea.MouseButtonWheelDown:
		delta := 3
		if msg.Button == tea.MouseButtonWheelUp {
			delta = -3
		}
		if inList {
			p.moveList(delta)
		} else {
			p.d.scroll(delta, p.detH)
		}
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		if inList {
			p.focusDetail = false
			if ly >= 0 && p.l.offset+ly < p.l.count() {
				p.l.cursor = p.l.offset + ly
				p.l.scroll(p.listH)
				p.rebuildDetail(false)
			}
		} else if len(p.d.lines) > 0 && p.detH > 0 {
			p.focusDetail = true
			if ly >= 0 {
				p.d.click(ly, p.detH)
			}
		}
	}
	return nil
}

// hit says whether a body cell is over the list, and which row of it (or
// of the detail) it is on; -1 on a title line.
func (p *listDetail) hit(x, y int) (inList bool, row int) {
	if p.stacked {
		if y < p.listH+1 {
			return true, y - 1
		}
		return false, y - p.listH - 2
	}
	return x < p.listW, y - 1
}

func (p *listDetail) view() []string {
	st := p.env.styles
	lay := p.env.layout
	listLines := p.listView()
	detail := p.detailView()
	if p.stacked {
		out := append(listLines, detail...)
		return block(out, lay.width, lay.bodyHeight)
	}
	sep := st.Muted.on("│")
	return besides(block(listLines, p.listW, lay.bodyHeight), block(detail, p.detW, lay.bodyHeight), sep)
}

func (p *listDetail) listView() []string {
	st := p.env.styles
	out := make([]string, 0, p.listH+1)
	out = append(out, p.listTitle())
	focused := !p.focusDetail && !p.editing
	matched := p.query() // what the filter or the search matches
	if len(p.drawn) > 4*p.listH+64 || matched != p.drawnFor {
		p.drawn = nil // scrolled far: keep the cache to about a screen
	}
	p.drawnFor = matched
	if p.drawn == nil {
		p.drawn = map[int]drawnRow{}
	}
	for pos := p.l.offset; pos < p.l.count() && len(out) <= p.listH; pos++ {
		row := p.l.at(pos)
		r, ok := p.drawn[row]
		if !ok {
			r = drawnRow{mark: p.src.marker(row), text: st.Match.highlight(pad(tableRow(p.cols, p.widths, p.src.cells(row)), p.listW-2), matched)}
			if r.mark == "" {
				r.mark = " "
			}
			p.drawn[row] = r
		}
		switch {
		case pos == p.l.cursor && focused:
			out = append(out, st.Cursor.on("›")+r.mark+st.selectedLine(r.text))
		case pos == p.l.cursor:
			out = append(out, st.Cursor.on("·")+r.mark+st.Bold.on(r.text))
		default:
			out = append(out, " "+r.mark+r.text)
		}
	}
	if p.l.count() == 0 {
		msg := "no " + p.noun
		switch {
		case p.l.query != "":
			msg = "no " + p.noun + " match \"" + model.Printable(p.l.query) + "\""
		case p.failingOnly:
			msg = "no failing " + pluralOf(p.noun) + " (! shows all)"
		}
		out = append(out, "  "+st.Muted.on(truncate(msg, p.listW-2)))
	}
	return out
}

// moreBelow marks a list or a detail that goes on below what is shown.
const moreBelow = "↓ more"

// counter is a place among matches: "[3/12]".
func counter(i, n int) string {
	return "[" + strconv.Itoa(i) + "/" + strconv.Itoa(n) + "]"
}

// typed is the text being typed with the cursor drawn as ▏ (a mark that
// reads without colour), cut from the left when it is long, so the
// cursor stays in sight.
func (p *listDetail) typed() string {
	v := []rune(p.input.Value())
	pos := clamp(p.input.Position(), 0, len(v))
	before := model.Printable(string(v[:pos]))
	if room := p.listW / 2; width(before) > room {
		before = "…" + ansi.TruncateLeft(before, width(before)-room+1, "")
	}
	return before + "▏" + model.Printable(string(v[pos:]))
}

// listTitle is the column header, with the row count (or the filter)
// on the right.
func (p *listDetail) listTitle() string {
	st := p.env.styles
	var status string
	_, searching := p.src.(searcher)
	switch {
	case searching && p.editing:
		status = "search /" + p.typed() + " enter finds"
	case searching && p.searchQuery != "" && p.searchHit.total > 0:
		status = counter(p.searchHit.index, p.searchHit.total) + " · /" + model.Printable(p.searchQuery) + " (n/N)"
	case searching && p.searchQuery != "":
		status = "no match · /" + model.Printable(p.searchQuery)
	case p.editing:
		status = "/" + p.typed() + " " + strconv.Itoa(p.l.count()) + " of " + strconv.Itoa(p.l.n)
	case p.l.visible != nil:
		// [3/12]: the cursor's place among the rows the filter shows
		status = counter(min(p.l.cursor+1, p.l.count()), p.l.count()) + " of " + strconv.Itoa(p.l.n)
		if p.l.query != "" {
			status += " · /" + model.Printable(p.l.query)
		}
	default:
		status = plural(p.l.n, p.noun)
	}
	if p.failingOnly && !p.editing {
		status += " · failing only"
	}
	if !p.editing && p.l.offset+p.listH < p.l.count() {
		status += " " + moreBelow
	}
	status = truncate(status, max(p.listW-2, 1))
	header := strings.TrimRight(tableHeader(p.cols, p.widths), " ")
	switch {
	case p.editing:
		return pad(st.Cursor.on(status), p.listW)
	case width(header)+width(status)+3 <= p.listW:
		return "  " + st.Muted.on(pad(header, p.listW-width(status)-3)) + " " + st.Muted.on(status)
	case p.l.query != "" || p.searchQuery != "" || p.failingOnly:
		// a filter on is worth more than the column titles
		return "  " + st.Muted.on(status)
	}
	return "  " + st.Muted.on(header)
}

func (p *listDetail) detailView() []string {
	st := p.env.styles
	if p.detH <= 0 {
		return nil
	}
	title := p.d.title
	if title == "" {
		title = "detail"
	}
	start := clamp(p.d.offset, 0, max(len(p.d.lines)-p.detH, 0))
	more := ""
	if start+p.detH < len(p.d.lines) {
		more = " " + moreBelow + " "
	}
	var head string
	if p.stacked {
		t := truncate(" "+title+" ", max(p.detW-4-width(more), 1))
		head = st.Muted.on("──") + st.Heading.on(t) + st.Muted.on(strings.Repeat("─", max(p.detW-2-width(t)-width(more)-1, 0))) + st.Accent.on(more) + st.Muted.on("─")
	} else {
		head = spread(" "+st.Heading.on(truncate(title, p.detW-1)), st.Accent.on(more), p.detW)
	}
	out := make([]string, 0, p.detH+1)
	out = append(out, head)
	for n, l := range p.d.view(p.detH) {
		if p.focusDetail && start+n == p.d.cursor {
			out = append(out, st.Cursor.on("›")+st.selectedLine(pad(l.text, p.detW-1)))
		} else {
			out = append(out, " "+l.text)
		}
	}
	return out
}
