package ui

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/pithscope/pithscope/verify"
)

// Colours are complete adaptive colours: a light and a dark variant (the
// theme picks one), each with explicit 256- and 16-colour fallbacks, so
// that no profile ever degrades a colour to ANSI 8 (bright black), which
// is unreadable on many dark themes.
var (
	colorAccent = lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: "#5A3FC0", ANSI256: "56", ANSI: "5"},
		Dark:  lipgloss.CompleteColor{TrueColor: "#B4A0FF", ANSI256: "147", ANSI: "13"},
	}
	colorOK = lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: "#1A7F37", ANSI256: "28", ANSI: "2"},
		Dark:  lipgloss.CompleteColor{TrueColor: "#57D977", ANSI256: "77", ANSI: "10"},
	}
	colorFail = lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: "#CF222E", ANSI256: "160", ANSI: "1"},
		Dark:  lipgloss.CompleteColor{TrueColor: "#FF6B6B", ANSI256: "203", ANSI: "9"},
	}
	colorUnknown = lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: "#9A6700", ANSI256: "136", ANSI: "3"},
		Dark:  lipgloss.CompleteColor{TrueColor: "#F2CC60", ANSI256: "221", ANSI: "11"},
	}
	colorMuted = lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: "#57606A", ANSI256: "241", ANSI: "0"},
		Dark:  lipgloss.CompleteColor{TrueColor: "#9DA5AE", ANSI256: "248", ANSI: "7"},
	}
)

// paint is a style reduced to the escape sequences around its text. Rows
// are painted many times per frame; wrapping a string in two precomputed
// sequences costs nothing, where lipgloss.Style.Render re-derives them on
// every call.
type paint struct{ pre, post string }

func (p paint) on(s string) string {
	if p.pre == "" || s == "" {
		return s
	}
	return p.pre + s + p.post
}

// paintOf captures what a lipgloss style puts around a piece of text.
func paintOf(st lipgloss.Style) paint {
	out := st.Render("X")
	i := strings.Index(out, "X")
	if i < 0 {
		return paint{}
	}
	return paint{pre: out[:i], post: out[i+1:]}
}

// Styles is every style the explorer draws with, built once (newStyles).
// Meaning never rests on colour alone: badges carry a symbol and a word,
// the selected row a marker, differing fields a ≠.
type Styles struct {
	Title, Accent, Bold, Muted paint
	OK, Fail, Unknown, Pending paint
	Selected, Cursor           paint
	TabActive, Tab             paint
	Heading, Link, Diff, New   paint
	Banner                     paint
	// Match marks the text a filter or search matched (the counter beside
	// the list says how many, in words).
	Match paint
	// Help styles the bubbles/help key list.
	HelpKey, HelpDesc, HelpSep lipgloss.Style
}

// Theme is the palette: for a dark background, a light one, or auto,
// which asks the terminal (terminals inside tmux and screen often cannot
// say, hence the choice).
type Theme string

const (
	ThemeAuto  Theme = "auto"
	ThemeDark  Theme = "dark"
	ThemeLight Theme = "light"
)

// ParseTheme reads a theme's name ("" is auto).
func ParseTheme(s string) (Theme, error) {
	switch t := Theme(strings.ToLower(strings.TrimSpace(s))); t {
	case "", ThemeAuto:
		return ThemeAuto, nil
	case ThemeDark, ThemeLight:
		return t, nil
	}
	return "", fmt.Errorf("theme %q: give auto, dark or light", s)
}

// dark says whether the theme is for a dark background; auto asks the
// terminal (once, and Run asks before the program owns the terminal).
func (t Theme) dark() bool {
	switch t {
	case ThemeDark:
		return true
	case ThemeLight:
		return false
	}
	return lipgloss.HasDarkBackground()
}

// newStyles builds the styles for a dark background or a light one.
func newStyles(dark bool) *Styles {
	s := lipgloss.NewStyle()
	fg := func(c lipgloss.CompleteAdaptiveColor) lipgloss.Style {
		if dark {
			return s.Foreground(c.Dark)
		}
		return s.Foreground(c.Light)
	}
	return &Styles{
		Title:     paintOf(fg(colorAccent).Bold(true)),
		Accent:    paintOf(fg(colorAccent)),
		Bold:      paintOf(s.Bold(true)),
		Muted:     paintOf(fg(colorMuted)),
		OK:        paintOf(fg(colorOK).Bold(true)),
		Fail:      paintOf(fg(colorFail).Bold(true)),
		Unknown:   paintOf(fg(colorUnknown).Bold(true)),
		Pending:   paintOf(fg(colorMuted)),
		Selected:  paintOf(s.Reverse(true)),
		Cursor:    paintOf(fg(colorAccent).Bold(true)),
		TabActive: paintOf(fg(colorAccent).Bold(true).Underline(true)),
		Tab:       paintOf(fg(colorMuted)),
		Heading:   paintOf(fg(colorAccent).Bold(true)),
		Link:      paintOf(fg(colorAccent).Underline(true)),
		Diff:      paintOf(fg(colorFail).Bold(true)),
		New:       paintOf(fg(colorOK).Bold(true)),
		Banner:    paintOf(fg(colorFail).Bold(true)),
		Match:     paintOf(fg(colorUnknown).Bold(true).Underline(true)),
		HelpKey:   fg(colorAccent).Bold(true),
		HelpDesc:  fg(colorMuted),
		HelpSep:   fg(colorMuted),
	}
}

// state is what a badge shows: a check's status, or that it is still
// being decided, or that nothing applies.
type state uint8

const (
	stateNone    state = iota // no check applies (drawn as "—")
	statePending              // not decided yet
	stateOK
	stateFail
	stateUnknown
)

func stateOf(s verify.Status) state {
	switch s {
	case verify.OK:
		return stateOK
	case verify.Fail:
		return stateFail
	}
	return stateUnknown
}

// worse combines two states: a failure wins, then pending, then unknown.
func worse(a, b state) state {
	rank := [...]int{stateNone: 0, stateOK: 1, stateUnknown: 2, statePending: 3, stateFail: 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// stateLook is how a state is drawn: its style, its one-cell symbol (the
// symbols differ in shape, so they read without colour) and its word.
func (st *Styles) stateLook(s state) (p paint, symbol, word string) {
	switch s {
	case stateOK:
		return st.OK, "✓", "ok"
	case stateFail:
		return st.Fail, "✗", "fail"
	case stateUnknown:
		return st.Unknown, "?", "unknown"
	case statePending:
		return st.Pending, "…", "checking"
	}
	return st.Muted, "—", ""
}

// badge is the word form: "✓ ok", "✗ fail", "? unknown", "… checking".
func (st *Styles) badge(s state) string {
	p, symbol, word := st.stateLook(s)
	if word == "" {
		return p.on(symbol)
	}
	return p.on(symbol + " " + word)
}

// selectedLine paints a line as selected across its whole width: the
// reverse video is put back after every reset inside the line (a painted
// cell ends in one), where a plain wrap would stop at the first.
func (st *Styles) selectedLine(s string) string {
	if st.Selected.pre == "" {
		return s
	}
	return st.Selected.pre + strings.ReplaceAll(s, sgrReset, sgrReset+st.Selected.pre) + st.Selected.post
}

// sgrReset is how every paint ends.
const sgrReset = "\x1b[0m"

// highlight paints every occurrence of q in s, ignoring case. s may hold
// paint: its sequences are kept, never matched, and the paint a match
// interrupts is put back after it.
func (p paint) highlight(s, q string) string {
	if p.pre == "" || q == "" {
		return s
	}
	// the visible runes, lower case, and where each starts in s
	var text []rune
	var at []int
	for i := 0; i < len(s); {
		if n := sgrLen(s[i:]); n > 0 {
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		text, at = append(text, unicode.ToLower(r)), append(at, i)
		i += size
	}
	want := []rune(strings.ToLower(q))
	starts := map[int]int{} // byte offset of a match's start → of its end
	for k := 0; k+len(want) <= len(text); k++ {
		if slices.Equal(text[k:k+len(want)], want) {
			end := len(s)
			if k+len(want) < len(at) {
				end = at[k+len(want)]
			}
			starts[at[k]] = end
			k += len(want) - 1
		}
	}
	if len(starts) == 0 {
		return s
	}
	var b strings.Builder
	active, end := "", -1 // the paint in force in s; where the match being drawn ends
	for i := 0; i < len(s); {
		if i == end {
			b.WriteString(p.post + active)
			end = -1
		}
		if e, ok := starts[i]; ok && end < 0 {
			b.WriteString(p.pre)
			end = e
		}
		if n := sgrLen(s[i:]); n > 0 {
			seq := s[i : i+n]
			if seq == sgrReset || seq == "\x1b[m" {
				active = ""
			} else {
				active += seq
			}
			if end < 0 {
				b.WriteString(seq)
			}
			i += n
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
	}
	if end >= 0 {
		b.WriteString(p.post + active)
	}
	return b.String()
}

// sgrLen is the length of the CSI sequence s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 2 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	i := 2
	for i < len(s) && (s[i] < 0x40 || s[i] > 0x7e) {
		i++
	}
	return min(i+1, len(s))
}

// mark is the one-cell form for narrow table columns.
func (st *Styles) mark(s state) string {
	p, symbol, _ := st.stateLook(s)
	return p.on(symbol)
}

// badgeWidth is the widest word badge ("… checking").
const badgeWidth = 10
