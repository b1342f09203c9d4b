package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
)

// defaultAcceptedForms is what the open prompt lists when the command
// does not say.
const defaultAcceptedForms = "a pith number (pith:2017:M5BN…), a short one (pith:M5BNRHPU), a file path, or - for standard input"

// openPrompt is the `o` screen: a text input for a pith number, alias or
// file, validated as it is typed, over the bundles opened recently,
// filtered by what is typed.
type openPrompt struct {
	open    bool
	input   textinput.Model
	form    string // what the typed text was recognised as
	invalid string // why it is not a reference, when it is not

	recent    []RecentBundle
	recentErr string // why there is no recent list, when there is none
	shown     []int  // the recent bundles matching the text, in order
	sel       int    // the one ↑ and ↓ chose among shown, or -1: the text
}

// maxRecent is how many recent bundles the prompt asks for;
// recentVerdictWidth is the width of their verdict column.
const (
	maxRecent          = 50
	recentVerdictWidth = 14
)

func newPrompt() openPrompt {
	return openPrompt{input: newTextInput("› ", "paste a pith number, arXiv id, DOI, URL or path")}
}

func (p *openPrompt) show() tea.Cmd {
	p.open = true
	p.input.SetValue("")
	p.form, p.invalid = "", ""
	p.recent, p.recentErr, p.shown, p.sel = nil, "", nil, -1
	return p.input.Focus()
}

// showPrompt opens the prompt and asks for the recent bundles (off the
// UI goroutine: it reads the cache).
func (m *Model) showPrompt() tea.Cmd {
	cmd := m.prompt.show()
	if recent := m.cfg.Recent; recent != nil {
		return tea.Batch(cmd, func() tea.Msg {
			list, err := recent(maxRecent)
			return recentMsg{list: list, err: err}
		})
	}
	return cmd
}

// setRecent takes the recent bundles.
func (p *openPrompt) setRecent(msg recentMsg) {
	p.recent = msg.list
	if msg.err != nil {
		p.recentErr = msg.err.Error()
	}
	p.filterRecent()
}

// filterRecent shows the recent bundles whose number, short number or
// title holds the typed text, ignoring case; what ↑ and ↓ chose is let go.
func (p *openPrompt) filterRecent() {
	q := strings.ToLower(strings.TrimSpace(p.input.Value()))
	p.shown, p.sel = p.shown[:0], -1
	for i, r := range p.recent {
		if matchAny(q, r.PithNumber, shortNumber(r.PithNumber), r.Title) {
			p.shown = append(p.shown, i)
		}
	}
}

// moveRecent is ↑ (-1) and ↓ (1): choose among the recent bundles shown;
// ↑ from the first goes back to the text.
func (p *openPrompt) moveRecent(delta int) {
	p.sel = clamp(p.sel+delta, -1, len(p.shown)-1)
}

// chosen is what enter opens from the recent list: the one chosen with
// ↑ and ↓, else the first shown when the text is no reference (a title
// typed); "" for the text itself.
func (p *openPrompt) chosen() string {
	switch {
	case p.sel >= 0:
		return p.recent[p.shown[p.sel]].PithNumber
	case p.invalid != "" && len(p.shown) > 0:
		return p.recent[p.shown[0]].PithNumber
	}
	return ""
}

// shortNumber is a pith number's short form: pith:2017:M5BNRHPU… →
// pith:M5BNRHPU.
func shortNumber(n string) string {
	if body := model.BodyOf(n); len(body) >= 8 {
		return "pith:" + body[:8]
	}
	return n
}

func (p *openPrompt) close() {
	p.open = false
	p.input.Blur()
}

// edit passes a key to the text input, validates the result and filters
// the recent bundles by it.
func (p *openPrompt) edit(msg tea.Msg, validate func(string) (string, error)) tea.Cmd {
	before := p.input.Value()
	cmd := editInput(&p.input, msg)
	p.validate(validate)
	if p.input.Value() != before {
		p.filterRecent()
	}
	return cmd
}

func (p *openPrompt) validate(validate func(string) (string, error)) {
	p.form, p.invalid = "", ""
	v := strings.TrimSpace(p.input.Value())
	if v == "" || validate == nil {
		return
	}
	form, err := validate(v)
	if err != nil {
		p.invalid = err.Error()
		return
	}
	p.form = form
}

// view draws the prompt in a w×h area: the input, what it was recognised
// as, the accepted forms, and the fetch under way or the last failure.
func (p *openPrompt) view(m *Model, w, h int) []string {
	st := m.env.styles
	inner := max(w-4, 10)
	out := []string{
		"",
		"  " + st.Heading.on("Open a bundle"),
		"  " + truncate(p.input.View(), inner),
	}
	// what the text reads as, or why it is none, wrapped beside its mark
	said := func(mark string, p paint, text string) {
		for n, l := range wrap(model.Printable(text), inner-2, 4) {
			if n == 0 {
				out = append(out, "  "+p.on(mark)+" "+l)
			} else {
				out = append(out, "    "+l)
			}
		}
	}
	switch {
	case p.invalid != "":
		said("✗", st.Fail, p.invalid)
	case p.form != "":
		said("✓", st.OK, p.form)
	case m.env.sess == nil && strings.TrimSpace(p.input.Value()) == "":
		out = append(out, "  "+st.Muted.on(truncate("enter with nothing typed opens the bundle built into pithscope", inner)))
	default:
		out = append(out, "")
	}
	if m.failure == nil || m.fetching {
		// what it accepts, unless the room is better given to an error
		accepted := m.cfg.AcceptedForms
		if accepted == "" {
			accepted = defaultAcceptedForms
		}
		for _, l := range wrap("Accepts "+accepted+".", inner, 6) {
			out = append(out, "  "+st.Muted.on(l))
		}
	}
	out = append(out, "")
	if rows := p.recentView(m, inner, h-len(out)); len(rows) > 0 {
		out = append(append(out, rows...), "")
	}
	switch {
	case m.fetching:
		out = append(out, "  "+m.spin.View()+" "+truncate("opening "+model.Printable(m.fetchRef), inner-2))
		if m.progress != "" {
			out = append(out, "    "+st.Muted.on(truncate(model.Printable(m.progress), inner-2)))
		}
		out = append(out, "  "+st.Muted.on("esc cancels"))
	case m.failure != nil:
		out = append(out, m.failure.lines(st, inner, max(h-len(out), 2))...)
	}
	return block(out, w, h)
}

// recentView is the recent bundles the text matches, as many as fit in
// h lines (half of them when a failure needs the rest): the chosen one
// highlighted, each with its verdict in words, number, title and when it
// was last opened.
func (p *openPrompt) recentView(m *Model, w, h int) []string {
	st := m.env.styles
	switch {
	case p.recentErr != "":
		return []string{"  " + st.Muted.on(truncate("no recent bundles: "+model.Printable(p.recentErr), w))}
	case len(p.recent) == 0:
		return nil
	case len(p.shown) == 0:
		return []string{"  " + st.Muted.on("Recent: none matches")}
	}
	room := h - 1
	if m.failure != nil {
		room = h / 2
	}
	room = min(room, len(p.shown))
	if room <= 0 {
		return nil
	}
	head := "Recent (↑ ↓ choose, enter opens)"
	if len(p.shown) > room {
		head += " · " + strconv.Itoa(len(p.shown)-room) + " more: type to narrow"
	}
	out := []string{"  " + st.Heading.on(truncate(head, w))}
	// the window of rows keeps the chosen one in sight
	first := max(p.sel-room+1, 0)
	for i := first; i < first+room && i < len(p.shown); i++ {
		r := p.recent[p.shown[i]]
		verdict := st.OK.on("✓ verified")
		if r.Verdict != "verified" {
			verdict = st.Unknown.on("? " + truncate(model.Printable(r.Verdict), recentVerdictWidth-3))
		}
		when := ""
		if !r.OpenedAt.IsZero() {
			when = "  " + st.Muted.on(ago(m.now().Sub(r.OpenedAt)))
		}
		line := fit(verdict, recentVerdictWidth) + st.Bold.on(model.Printable(shortNumber(r.PithNumber))) + "  " + model.Printable(r.Title)
		line = spread(line, when, w-2)
		if i == p.sel {
			out = append(out, "  "+st.Cursor.on("›")+st.selectedLine(pad(line, w-3)))
		} else {
			out = append(out, "   "+line)
		}
	}
	return out
}

// failure is a fetch that did not give a bundle: shown in place, with
// every source tried, while the previous bundle (if any) stays open.
type failure struct {
	ref      string
	err      string
	attempts []Attempt
	at       time.Time
}

// orEmbedded names the reference "" opens.
func orEmbedded(ref string) string {
	if ref == "" {
		return "the embedded bundle"
	}
	return ref
}

// lines is the failure in at most h lines of w cells: what could not be
// opened and why, then each source tried with why it gave nothing first
// (so a narrow screen cuts the address, not the reason), all wrapped.
func (f *failure) lines(st *Styles, w, h int) []string {
	var out []string
	hang := func(first, rest string, text string, p paint) {
		for n, l := range wrap(text, max(w-width(first), 1), 8) {
			if n == 0 {
				out = append(out, first+p.on(l))
			} else {
				out = append(out, rest+p.on(l))
			}
		}
	}
	hang("  "+st.Fail.on("✗ "), "    ", "could not open "+model.Printable(orEmbedded(f.ref)), st.Fail)
	hang("    ", "    ", model.Printable(f.err), paint{})
	if len(f.attempts) > 0 {
		out = append(out, "  "+st.Muted.on("tried:"))
		for _, a := range f.attempts {
			why := a.Why
			if why == "" {
				why = "answered"
			}
			hang("    ", "      ", model.Printable(why+": "+a.Source), paint{})
		}
	}
	if len(out) > h {
		out = append(out[:max(h-1, 0)], "    "+st.Muted.on("…"))
	}
	return out
}
