package ui

import (
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
// file, validated as it is typed.
type openPrompt struct {
	open    bool
	input   textinput.Model
	form    string // what the typed text was recognised as
	invalid string // why it is not a reference, when it is not
}

func newPrompt() openPrompt {
	return openPrompt{input: newTextInput("› ", "paste a pith number, arXiv id, DOI, URL or path")}
}

func (p *openPrompt) show() tea.Cmd {
	p.open = true
	p.input.SetValue("")
	p.form, p.invalid = "", ""
	return p.input.Focus()
}

func (p *openPrompt) close() {
	p.open = false
	p.input.Blur()
}

// edit passes a key to the text input and validates the result.
func (p *openPrompt) edit(msg tea.Msg, validate func(string) (string, error)) tea.Cmd {
	cmd := editInput(&p.input, msg)
	p.validate(validate)
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
