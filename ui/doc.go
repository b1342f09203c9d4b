package ui

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
)

type itemKind uint8

const (
	itemHeading itemKind = iota
	itemField            // label and a value that wraps under itself
	itemText             // a paragraph
	itemLink             // label and a value; Enter follows jump
	itemTree             // a foldable JSON tree, one line per visible node
	itemBlank
)

// docItem is one piece of a detail. Every text in it is printable already
// (made so with model.Printable where it came from a bundle); copy keeps
// the raw value for `y`.
type docItem struct {
	kind   itemKind
	label  string
	text   string
	prefix string // painted, drawn before text (a badge)
	paint  paint
	copy   string
	// copyData, when copy is "", is a value y copies (with rawValue):
	// rendered when copied, not each time the detail is built.
	copyData model.Value
	jump     *target
	open     *Link // the bundle the value refers to: enter opens it
	tree     *jsonTree
	// lines bounds the wrapped lines of the value (0: maxValueLines);
	// y copies the whole of it.
	lines int
	// expand names what Enter unfolds under the item, for the pane to do.
	expand string
	// failing marks an item about a check that failed or could not be
	// decided: `]` and `[` go to the next and previous.
	failing bool
}

// docLine is one laid-out line and what it belongs to.
type docLine struct {
	text string
	item int
	row  int // the tree row on tree lines, else -1
}

// doc is a detail: items laid out for a width into lines, a cursor over
// the lines (shown when the detail has focus) and a scroll offset.
type doc struct {
	title string
	// links reads a value of the bundle as a reference to another bundle
	// (env.link); nil: no links.
	links  func(string) *Link
	items  []docItem
	lines  []docLine
	width  int
	cursor int
	offset int
}

func (d *doc) heading(s string) {
	if len(d.items) > 0 {
		d.items = append(d.items, docItem{kind: itemBlank})
	}
	d.items = append(d.items, docItem{kind: itemHeading, text: s})
}

// field is a labelled value; copyValue is the raw value, which is a link
// when it refers to another bundle.
func (d *doc) field(label, text, copyValue string) {
	d.items = append(d.items, docItem{kind: itemField, label: label, text: text, copy: copyValue, open: d.linkOf(copyValue)})
}

// linkOf is the bundle a value of the bundle refers to, or nil.
func (d *doc) linkOf(value string) *Link {
	if d.links == nil || value == "" {
		return nil
	}
	return d.links(value)
}

// badgeField is a labelled badge with its explanation after it.
func (d *doc) badgeField(label, badge, text string) {
	d.items = append(d.items, docItem{kind: itemField, label: label, prefix: badge, text: text})
}

func (d *doc) text(s string) { d.items = append(d.items, docItem{kind: itemText, text: s}) }

func (d *doc) link(label, text string, t *target, copyValue string) {
	d.items = append(d.items, docItem{kind: itemLink, label: label, text: text, jump: t, copy: copyValue})
}

func (d *doc) tree(t *jsonTree) {
	t.links = d.links
	d.items = append(d.items, docItem{kind: itemTree, tree: t})
}

// layout lays the items out for width w, keeping the cursor on the item
// (and tree row) it was on.
func (d *doc) layout(w int, st *Styles) {
	keepItem, keepRow := -1, -1
	if d.cursor >= 0 && d.cursor < len(d.lines) {
		keepItem, keepRow = d.lines[d.cursor].item, d.lines[d.cursor].row
	}
	d.width = w
	d.lines = d.lines[:0]
	for i := range d.items {
		d.layoutItem(i, w, st)
	}
	if keepItem >= 0 {
		for n, l := range d.lines {
			if l.item == keepItem && (keepRow < 0 || l.row == keepRow) {
				d.cursor = n
				break
			}
		}
	}
	if len(d.lines) > 0 {
		d.snap()
	}
}

func (d *doc) add(item int, text string) {
	d.lines = append(d.lines, docLine{text: text, item: item, row: -1})
}

func (d *doc) layoutItem(i, w int, st *Styles) {
	it := &d.items[i]
	switch it.kind {
	case itemBlank:
		d.add(i, "")
	case itemHeading:
		d.add(i, st.Heading.on(truncate(it.text, w)))
	case itemText:
		for _, l := range wrap(it.text, w, it.maxLines()) {
			d.add(i, l)
		}
	case itemTree:
		for r, n := range it.tree.rows {
			it.tree.link(n)
			d.lines = append(d.lines, docLine{text: treeRowText(it.tree, n, w, st), item: i, row: r})
		}
	case itemField, itemLink:
		value, arrow := it.text, ""
		switch {
		case it.kind == itemLink && it.jump != nil:
			arrow = "→"
		case it.open != nil:
			arrow = bundleLinkMark
		}
		if arrow != "" {
			value = arrow + " " + value
		}
		// paintLine paints a wrapped line; a link's arrow is drawn in the
		// link colour so links stand out without underlining whole rows.
		paintLine := func(n int, l string) string {
			if rest, ok := strings.CutPrefix(l, arrow); arrow != "" && n == 0 && ok {
				return st.Link.on(arrow) + it.paint.on(rest)
			}
			return it.paint.on(l)
		}
		prefix, prefixW := "", 0
		if it.prefix != "" {
			prefix, prefixW = it.prefix+" ", width(it.prefix)+1
		}
		if w >= labelWidth+16 {
			// label column, value wrapped beside it with a hanging indent
			indent := strings.Repeat(" ", labelWidth+1+prefixW)
			lines := wrap(value, w-labelWidth-1-prefixW, it.maxLines())
			if len(lines) == 0 {
				lines = []string{""}
			}
			for n, l := range lines {
				if n == 0 {
					d.add(i, st.Muted.on(fit(it.label, labelWidth))+" "+prefix+paintLine(n, l))
				} else {
					d.add(i, indent+paintLine(n, l))
				}
			}
			return
		}
		// narrow: the label on its own line, the value under it
		d.add(i, st.Muted.on(truncate(it.label, w)))
		lines := wrap(value, max(w-2-prefixW, 1), it.maxLines())
		if len(lines) == 0 {
			lines = []string{""}
		}
		for n, l := range lines {
			if n == 0 {
				d.add(i, "  "+prefix+paintLine(n, l))
			} else {
				d.add(i, strings.Repeat(" ", 2+prefixW)+paintLine(n, l))
			}
		}
	}
}

func (it *docItem) maxLines() int {
	if it.lines > 0 {
		return it.lines
	}
	return maxValueLines
}

// treeRowText draws one tree row: keys in the accent colour, values plain,
// and "? not verified" after a value no passed check proves.
func treeRowText(t *jsonTree, n *treeNode, w int, st *Styles) string {
	indent := strings.Repeat("  ", n.depth)
	marker := "  "
	switch {
	case n.foldable() && n.expanded:
		marker = "▾ "
	case n.foldable():
		marker = "▸ "
	}
	head := indent + marker + n.label + ": "
	if width(head) >= w {
		return truncate(head, w)
	}
	note := ""
	if t.notProven(n) {
		note = notProvenNote
	}
	link, linkW := "", 0
	if n.link != nil {
		link, linkW = st.Link.on(bundleLinkMark)+" ", width(bundleLinkMark)+1
	}
	value := truncate(n.preview, max(w-width(head)-linkW-width(note), 1))
	if width(head)+linkW+width(value)+width(note) > w {
		note = ""
	}
	return indent + marker + st.Accent.on(n.label) + ": " + link + value + st.Unknown.on(note)
}

// view is the h lines of the doc from its scroll offset (laid out for its
// width by the pane, which draws the cursor marker).
func (d *doc) view(h int) []docLine {
	start := clamp(d.offset, 0, max(len(d.lines)-h, 0))
	end := min(start+h, len(d.lines))
	return d.lines[start:end]
}

// stop reports whether line n is one the cursor rests on: the first line
// of a field, link or paragraph, or a tree row; not blanks, headings or
// the wrapped rest of a value.
func (d *doc) stop(n int) bool {
	l := d.lines[n]
	switch d.items[l.item].kind {
	case itemBlank, itemHeading:
		return false
	case itemTree:
		return true
	}
	return n == 0 || d.lines[n-1].item != l.item
}

// move moves the cursor by delta stops (fewer at either end).
func (d *doc) move(delta int) {
	step := 1
	if delta < 0 {
		step, delta = -1, -delta
	}
	for ; delta > 0; delta-- {
		next := d.cursor + step
		for next >= 0 && next < len(d.lines) && !d.stop(next) {
			next += step
		}
		if next < 0 || next >= len(d.lines) {
			return
		}
		d.cursor = next
	}
}

// moveKey moves the cursor for the movement keys (up, down, top, bottom,
// a page of pageHeight) and reports whether msg was one of them.
func (d *doc) moveKey(msg tea.KeyMsg, k KeyMap, pageHeight int) bool {
	delta, ok := k.moveDelta(msg, len(d.lines), pageHeight)
	if ok {
		d.move(delta)
	}
	return ok
}

// nextFailing moves the cursor to the next (delta 1) or previous (-1)
// failing item, wrapping round the doc; found is false when there is
// none, wrapped true when it went round.
func (d *doc) nextFailing(delta int) (found, wrapped bool) {
	n := len(d.lines)
	for step := 1; step <= n; step++ {
		pos := d.cursor + delta*step
		wrapped = pos < 0 || pos >= n
		pos = (pos%n + n) % n
		if d.stop(pos) && d.items[d.lines[pos].item].failing {
			d.cursor = pos
			return true, wrapped
		}
	}
	return false, false
}

// snap puts the cursor on the stop at or before it (or the first stop).
func (d *doc) snap() {
	d.cursor = clamp(d.cursor, 0, len(d.lines)-1)
	for n := d.cursor; n >= 0; n-- {
		if d.stop(n) {
			d.cursor = n
			return
		}
	}
	for n := d.cursor; n < len(d.lines); n++ {
		if d.stop(n) {
			d.cursor = n
			return
		}
	}
}

// scrollTo keeps the cursor's whole item (as much as fits) inside a
// window of h lines, and the heading above it when scrolling up.
func (d *doc) scrollTo(h int) {
	if len(d.lines) == 0 {
		d.offset = 0
		return
	}
	end := d.cursor
	if d.lines[d.cursor].row < 0 {
		for end+1 < len(d.lines) && d.lines[end+1].item == d.lines[d.cursor].item {
			end++
		}
	}
	if end >= d.offset+h {
		d.offset = min(end-h+1, d.cursor)
	}
	top := d.cursor
	for top > 0 && !d.stop(top-1) && d.lines[top-1].row < 0 && d.lines[top-1].item != d.lines[d.cursor].item {
		top--
	}
	if top < d.offset {
		d.offset = top
	}
	if d.cursor < d.offset {
		d.offset = d.cursor
	}
	d.offset = clamp(d.offset, 0, max(len(d.lines)-h, 0))
}

// scroll moves the view without the cursor (mouse wheel on an unfocused
// detail), dragging the cursor along when it would leave the view.
func (d *doc) scroll(delta, h int) {
	if len(d.lines) == 0 {
		return
	}
	d.offset = clamp(d.offset+delta, 0, max(len(d.lines)-h, 0))
	if d.cursor < d.offset || d.cursor >= d.offset+h {
		d.cursor = clamp(d.cursor, d.offset, d.offset+h-1)
		d.snap()
	}
}

// click puts the cursor on the item at line y of the view.
func (d *doc) click(y, h int) {
	if len(d.lines) == 0 {
		return
	}
	d.cursor = clamp(clamp(d.offset, 0, max(len(d.lines)-h, 0))+y, 0, len(d.lines)-1)
	d.snap()
}

// find puts the cursor on the first line of the item labelled label,
// reporting whether there is one.
func (d *doc) find(label string) bool {
	for n, l := range d.lines {
		if d.items[l.item].label == label && d.stop(n) {
			d.cursor = n
			return true
		}
	}
	return false
}

// current is the item and tree row under the cursor.
func (d *doc) current() (*docItem, int) {
	if d.cursor < 0 || d.cursor >= len(d.lines) {
		return nil, -1
	}
	l := d.lines[d.cursor]
	return &d.items[l.item], l.row
}

// activate is enter on the cursor line: the message that follows its
// link (a jump within the bundle, or opening the bundle a value refers
// to), or nil after folding a tree node or when there is nothing to do.
func (d *doc) activate(st *Styles) tea.Cmd {
	it, row := d.current()
	switch {
	case it == nil:
	case it.kind == itemTree && row >= 0 && row < len(it.tree.rows) && it.tree.rows[row].link != nil:
		return send(openMsg{link: *it.tree.rows[row].link})
	case it.kind == itemTree:
		if it.tree.toggle(row) {
			d.layout(d.width, st)
		}
	case it.open != nil:
		return send(openMsg{link: *it.open})
	case it.jump != nil:
		return send(jumpMsg{to: *it.jump})
	}
	return nil
}

// bundleLinkMark is drawn before a value that refers to another bundle
// (→ is a place in this one).
const bundleLinkMark = "↗"

// fold folds (open=false) or unfolds the tree node under the cursor; on a
// leaf, folding moves to its parent. It reports whether it did anything.
func (d *doc) fold(open bool, st *Styles) bool {
	it, row := d.current()
	if it == nil || it.kind != itemTree {
		return false
	}
	if open {
		if it.tree.expand(row) {
			d.layout(d.width, st)
			return true
		}
		return false
	}
	if it.tree.collapse(row) {
		d.layout(d.width, st)
		return true
	}
	if p := it.tree.parentRow(row); p >= 0 {
		for n, l := range d.lines {
			if l.item == d.lines[d.cursor].item && l.row == p {
				d.cursor = n
				return true
			}
		}
	}
	return false
}

// reshape runs a fold key on the doc's JSON tree (the one under the
// cursor, else the first), keeping the cursor on its node or the nearest
// one shown.
func (d *doc) reshape(op treeOp, st *Styles) tea.Cmd {
	it, row := d.current()
	if it == nil || it.kind != itemTree {
		i := slices.IndexFunc(d.items, func(it docItem) bool { return it.kind == itemTree })
		if i < 0 {
			return send(statusMsg{text: "no JSON tree here: E C + - fold the trees of Raw and the event and graph details"})
		}
		it, row = &d.items[i], -1
	}
	var node *treeNode
	if row >= 0 && row < len(it.tree.rows) {
		node = it.tree.rows[row]
	}
	text := it.tree.reshape(op)
	item := slices.IndexFunc(d.items, func(x docItem) bool { return x.tree == it.tree })
	d.layout(d.width, st)
	if r := it.tree.nearestRow(node); r >= 0 {
		for n, l := range d.lines {
			if l.item == item && l.row == r {
				d.cursor = n
			}
		}
	}
	return send(statusMsg{text: text})
}

// copyPathCmd is what `Y` does at the cursor: copy the JSON path of the
// tree node there.
func (d *doc) copyPathCmd() tea.Cmd {
	if it, row := d.current(); it != nil && it.kind == itemTree && row >= 0 && row < len(it.tree.rows) {
		path := it.tree.pathOf(it.tree.rows[row])
		return send(copyMsg{what: "JSON path " + path, value: path})
	}
	return send(statusMsg{text: "no JSON path on this line: Y copies the path of a value in a JSON tree"})
}

// copyCmd is what `y` does at the cursor: copy the item's raw value, or
// the tree node's value (named by its path), or say there is nothing.
func (d *doc) copyCmd() tea.Cmd {
	it, row := d.current()
	switch {
	case it == nil:
	case it.kind == itemTree && row >= 0 && row < len(it.tree.rows):
		n := it.tree.rows[row]
		return send(copyMsg{what: it.tree.pathOf(n), value: rawValue(n.value)})
	case it.copy != "" || it.copyData.Exists():
		what := strings.ToLower(it.label)
		if what == "" {
			what = "value"
		}
		value := it.copy
		if value == "" {
			value = rawValue(it.copyData)
		}
		return send(copyMsg{what: what, value: value})
	}
	return send(statusMsg{text: "nothing to copy on this line"})
}

func clamp(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	return min(max(v, lo), hi)
}
