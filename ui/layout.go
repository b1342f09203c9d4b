package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Layout constants: every size on screen derives from these and the
// terminal size, in one place (computeLayout).
const (
	// sideBySideMinWidth is the breakpoint: from this width up the list and
	// the detail sit side by side, below it they are stacked.
	sideBySideMinWidth = 110
	minListWidth       = 28
	maxListWidth       = 90
	listWidthPercent   = 45
	// separatorWidth is the "│" between list and detail.
	separatorWidth = 1
	headerLines    = 2
	tabLines       = 1
	// helpLines is the key help at the bottom; the status takes lines of
	// its own above it (one, or more when a message wraps), so a message
	// never hides the keys.
	helpLines = 1
	// maxStatusLines bounds the status; a longer message ends in "…".
	maxStatusLines = 4
	// stackedListPercent is the most of the body a stacked list takes when
	// it has more rows than fit.
	stackedListPercent = 45
	// minDetailLines keeps some detail visible under a stacked list.
	minDetailLines = 4
	// maxValueLines bounds how many wrapped lines one value takes in a
	// detail (longValueLines for the values a pane is about: the Raw
	// value, the abstract); y copies the whole value.
	maxValueLines  = 6
	longValueLines = 40
	// labelWidth is the width of field labels in details.
	labelWidth = 14
	// Smallest terminal drawn at all; below it a one-line notice.
	minUsableWidth  = 30
	minUsableHeight = 8
)

// layout is the shared geometry, computed once per resize.
type layout struct {
	width, height int
	bodyHeight    int
	sideBySide    bool
	listWidth     int // side by side: the list's width (the detail gets the rest)
	detailWidth   int
	tooSmall      bool
	// statusLines is the height of the status above the key help.
	statusLines int
}

// computeLayout is the one place sizes are derived: from the terminal size
// and the lines the status wants (at least one, at most statusRoom).
func computeLayout(width, height, status int) layout {
	l := layout{width: width, height: height}
	l.tooSmall = width < minUsableWidth || height < minUsableHeight
	l.statusLines = clamp(status, 1, statusRoom(height))
	l.bodyHeight = max(height-headerLines-tabLines-l.statusLines-helpLines, 1)
	l.sideBySide = width >= sideBySideMinWidth
	if l.sideBySide {
		l.listWidth = min(max(width*listWidthPercent/100, minListWidth), maxListWidth)
		l.detailWidth = width - l.listWidth - separatorWidth
	} else {
		l.listWidth = width
		l.detailWidth = width
	}
	return l
}

// statusRoom is the most lines the status may take in a terminal h lines
// high: a few, and never more than a quarter of the screen.
func statusRoom(h int) int {
	return clamp(h/4, 1, maxStatusLines)
}

// stackedListHeight is how many lines a stacked list takes for rows rows
// (its title line included), leaving room for the detail under it.
func (l layout) stackedListHeight(rows int) int {
	want := rows + 1
	limit := max(l.bodyHeight*stackedListPercent/100, 2)
	if l.bodyHeight-want >= minDetailLines+1 {
		limit = max(limit, l.bodyHeight-minDetailLines-1)
	}
	return max(min(want, limit), 2)
}

// ---- text that fits ----

// width is a string's display width. Lines are mostly ASCII and the few
// symbols the explorer draws (│ ✓ … ›), with SGR sequences (paint) around
// parts: those are counted directly, and any other text makes the whole
// string go to the grapheme-aware ansi.StringWidth.
func width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			// a CSI sequence: parameters, then one final byte
			i += 2
			for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
				i++
			}
			i++
		case c < 0x20 || c == 0x7f || c == 0x1b:
			return ansi.StringWidth(s)
		case c < utf8.RuneSelf:
			n++
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !narrowSymbol(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		}
	}
	return n
}

// narrowSymbol reports runes that are one cell wide in every terminal and
// never combine: Latin-1 letters and the punctuation, arrows, maths, box
// drawing and geometric shapes blocks the explorer draws with.
func narrowSymbol(r rune) bool {
	switch {
	case r >= 0xa1 && r <= 0x2ff && r != 0xad:
		return true
	case r >= 0x391 && r <= 0x3c9: // Greek letters (Δ)
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e:
		return true
	case r >= 0x2190 && r <= 0x22ff, r >= 0x2500 && r <= 0x25ff, r >= 0x2713 && r <= 0x2718:
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c == 0x1b {
			return false
		}
	}
	return true
}

// truncate cuts s to at most w cells, ending in "…" when it was cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if isASCII(s) {
		if len(s) <= w {
			return s
		}
		return s[:w-1] + "…"
	}
	// Cutting a huge plain string first keeps this proportional to w
	// (painted strings are short and must not be cut inside a sequence).
	if len(s) > 8*w+64 && strings.IndexByte(s, 0x1b) < 0 {
		s = cutBytes(s, 8*w+64)
	}
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// fit truncates s to w cells and pads it with spaces to exactly w.
func fit(s string, w int) string {
	s = truncate(s, w)
	if n := width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// pad right-pads s (which may hold paint) to w cells without cutting it.
func pad(s string, w int) string {
	if n := width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// cutBytes keeps at most n bytes of s without splitting a UTF-8 sequence.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// wrap breaks printable text into lines of at most w cells, at most
// maxLines of them; a last line ending in "…" says there was more.
func wrap(s string, w, maxLines int) []string {
	if w <= 0 || maxLines <= 0 {
		return nil
	}
	clipped := false
	if limit := w * maxLines * 4; len(s) > limit {
		s, clipped = cutBytes(s, limit), true
	}
	lines := strings.Split(ansi.Wrap(s, w, ""), "\n")
	if len(lines) > maxLines {
		lines, clipped = lines[:maxLines], true
	}
	if clipped {
		last := lines[len(lines)-1]
		if width(last) >= w {
			last = ansi.Truncate(last, w-1, "")
		}
		lines[len(lines)-1] = last + "…"
	}
	return lines
}

// block makes exactly h lines of exactly w cells from lines (which may
// hold paint), padding and cutting as needed.
func block(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i >= len(lines) {
			out[i] = strings.Repeat(" ", w)
			continue
		}
		s := lines[i]
		switch n := width(s); {
		case n > w:
			out[i] = pad(truncate(s, w), w)
		case n < w:
			out[i] = s + strings.Repeat(" ", w-n)
		default:
			out[i] = s
		}
	}
	return out
}

// besides joins two blocks of equal height with a separator column.
func besides(left, right []string, sep string) []string {
	out := make([]string, len(left))
	for i := range left {
		r := ""
		if i < len(right) {
			r = right[i]
		}
		out[i] = left[i] + sep + r
	}
	return out
}
