package ui

import "strings"

// list is the state of a scrolling, filterable list of n rows: which rows
// match the filter, the cursor and the first row shown. It never touches
// the rows themselves, so its cost does not grow with n except when the
// filter changes.
type list struct {
	n       int
	visible []int // rows matching the filter, in order; nil when unfiltered
	cursor  int   // position among the shown rows
	offset  int
	query   string
}

func (l *list) count() int {
	if l.visible != nil {
		return len(l.visible)
	}
	return l.n
}

// at is the row shown at position pos.
func (l *list) at(pos int) int {
	if l.visible != nil {
		return l.visible[pos]
	}
	return pos
}

// selected is the row under the cursor, or -1 when nothing is shown.
func (l *list) selected() int {
	if l.count() == 0 {
		return -1
	}
	return l.at(clamp(l.cursor, 0, l.count()-1))
}

func (l *list) setLen(n int) {
	l.n, l.visible, l.query, l.cursor, l.offset = n, nil, "", 0, 0
}

// resize changes the row count (a tree folded), keeping the cursor.
func (l *list) resize(n, h int) {
	l.n, l.visible, l.query = n, nil, ""
	l.cursor = clamp(l.cursor, 0, max(n-1, 0))
	l.scroll(h)
}

// move moves the cursor by delta and scrolls a window of h rows to it.
func (l *list) move(delta, h int) {
	l.cursor = clamp(l.cursor+delta, 0, l.count()-1)
	l.scroll(h)
}

// wrapMove moves by one with wrap-around (n/N through matches) and
// reports whether it went round an end.
func (l *list) wrapMove(delta, h int) (wrapped bool) {
	if c := l.count(); c > 0 {
		next := l.cursor + delta
		wrapped = next < 0 || next >= c
		l.cursor = (next%c + c) % c
	}
	l.scroll(h)
	return wrapped
}

func (l *list) scroll(h int) {
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if h > 0 && l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	l.offset = clamp(l.offset, 0, max(l.count()-h, 0))
}

// filter shows only the rows for which match is true (every row, when
// match is nil), keeping the cursor on the same row when it still
// matches; query is the filter's text, "" for none.
func (l *list) filter(query string, match func(row int) bool, h int) {
	keep := l.selected()
	l.query = query
	if match == nil {
		l.visible = nil
	} else {
		l.visible = []int{}
		for i := 0; i < l.n; i++ {
			if match(i) {
				l.visible = append(l.visible, i)
			}
		}
	}
	l.cursor = 0
	for pos := 0; keep >= 0 && pos < l.count(); pos++ {
		if l.at(pos) == keep {
			l.cursor = pos
			break
		}
	}
	l.scroll(h)
}

// show puts the cursor on row, clearing a filter that hides it, and
// scrolls it to the middle of the window when it was out of sight (a jump
// lands with context on both sides).
func (l *list) show(row, h int) bool {
	if row < 0 || row >= l.n {
		return false
	}
	l.cursor = -1
	for pos, r := range l.visible {
		if r == row {
			l.cursor = pos
			break
		}
	}
	if l.cursor < 0 {
		l.visible, l.query, l.cursor = nil, "", row
	}
	if l.cursor < l.offset || l.cursor >= l.offset+h {
		l.offset = l.cursor - h/2
	}
	l.scroll(h)
	return true
}

// column is one column of a table. Columns with drop > 0 are left out,
// highest drop first, when the table is too narrow; columns with max >
// min take the spare width.
type column struct {
	title    string
	min, max int
	drop     int
	right    bool // right-aligned (numbers)
}

// cell is one table cell: printable text and its paint.
type cell struct {
	text  string
	paint paint
}

// columnWidths decides each column's width (0 = left out) for a table w
// cells wide, with one space between columns.
func columnWidths(cols []column, w int) []int {
	widths := make([]int, len(cols))
	total := -1
	for i, c := range cols {
		widths[i] = c.min
		total += c.min + 1
	}
	for total > w {
		drop := -1
		for i, c := range cols {
			if widths[i] > 0 && c.drop > 0 && (drop < 0 || c.drop > cols[drop].drop) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		total -= widths[drop] + 1
		widths[drop] = 0
	}
	// spare width goes round the growable columns a cell at a time, so
	// they grow together
	for grew := true; grew && total < w; {
		grew = false
		for i, c := range cols {
			if widths[i] > 0 && widths[i] < c.max && total < w {
				widths[i]++
				total++
				grew = true
			}
		}
	}
	return widths
}

// tableRow fits cells into widths.
func tableRow(cols []column, widths []int, cells []cell) string {
	var b strings.Builder
	first := true
	for i, wd := range widths {
		if wd == 0 || i >= len(cells) {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		text := truncate(cells[i].text, wd)
		if cols[i].right {
			text = strings.Repeat(" ", max(wd-width(text), 0)) + text
		} else {
			text = pad(text, wd)
		}
		b.WriteString(cells[i].paint.on(text))
	}
	return b.String()
}

// tableHeader is the columns' titles.
func tableHeader(cols []column, widths []int) string {
	cells := make([]cell, len(cols))
	for i, c := range cols {
		cells[i] = cell{text: c.title}
	}
	return tableRow(cols, widths, cells)
}
