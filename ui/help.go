package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/verify"
)

// newHelpPage is the help screen's viewport, scrolled by the explorer's
// own movement keys (its own would add f, b, d, u, h and l).
func newHelpPage(k KeyMap) viewport.Model {
	vp := viewport.New(0, 0)
	vp.KeyMap = viewport.KeyMap{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown}
	return vp
}

// openHelp shows the `?` screen from its top.
func (m *Model) openHelp() {
	m.showHelp = true
	m.fillHelp()
	m.helpPage.GotoTop()
}

// fillHelp sizes the help screen's viewport to the body and
// lays its text out for the width; the scroll position stays.
func (m *Model) fillHelp() {
	lay := m.env.layout
	m.helpPage.Width, m.helpPage.Height = lay.width, lay.bodyHeight
	m.helpPage.SetContent(strings.Join(m.helpLines(), "\n"))
}

// helpKey: q quits, ? and esc close, g and G go to either end, and the
// viewport scrolls for the movement keys.
func (m *Model) helpKey(msg tea.KeyMsg) tea.Cmd {
	k := m.env.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help), key.Matches(msg, k.Back):
		m.showHelp = false
	case key.Matches(msg, k.Top):
		m.helpPage.GotoTop()
	case key.Matches(msg, k.Bottom):
		m.helpPage.GotoBottom()
	default:
		var cmd tea.Cmd
		m.helpPage, cmd = m.helpPage.Update(msg)
		return cmd
	}
	return nil
}

// helpFooterKeys are the keys the help screen's footer names.
func (m *Model) helpFooterKeys() []key.Binding {
	k := m.env.keys
	return []key.Binding{
		key.NewBinding(key.WithKeys("j"), key.WithHelp(k.Down.Help().Key, "scroll")),
		k.Top,
		key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "close")),
		k.Quit,
	}
}

// helpView is the help screen's lines, exactly the size of the body, the
// last saying there is more when there is.
func (m *Model) helpView() []string {
	out := block(strings.Split(m.helpPage.View(), "\n"), m.helpPage.Width, m.helpPage.Height)
	if !m.helpPage.AtBottom() && len(out) > 1 {
		out[len(out)-1] = fit("  "+m.env.styles.Accent.on(moreBelow+" (j, pgdn, G)"), m.helpPage.Width)
	}
	return out
}

// helpLines is the `?` screen: every key (the groups side by side when
// they fit the width, else one under another), the panes (paneTable), what
// the badges mean, and what each check proves (verify.Registry, by the
// overview's areas).
func (m *Model) helpLines() []string {
	st, w := m.env.styles, m.env.layout.width
	out := []string{"", "  " + st.Heading.on("Keys")}
	out = append(out, m.keyColumns(w-2)...)

	out = append(out, "", "  "+st.Heading.on("Panes"))
	for i, spec := range paneTable {
		out = append(out, helpRow(st, 2, 14, paneKey(i)+" "+spec.title, spec.about, w)...)
	}

	out = append(out, "", "  "+st.Heading.on("Badges"),
		"  "+st.badge(stateOK)+"        the check passed",
		"  "+st.badge(stateFail)+"      the check failed: the detail says expected and found",
		"  "+st.badge(stateUnknown)+"   could not be decided (no key for a signer, say)",
		"  "+st.badge(statePending)+"  still being checked",
		"  "+st.OK.on("+")+" new since first opened",
		"  "+st.Unknown.on("Δ")+" a check changed since first opened",
		"  "+st.Diff.on("≠")+" differs (state, fork comparison)",
		"  "+st.Link.on("→")+" a place in this bundle: enter goes there, esc comes back",
		"  "+st.Link.on(bundleLinkMark)+" a value naming another bundle: enter opens it (fetched and verified",
		"    like any other), backspace comes back",
		"  "+st.Accent.on(moreBelow)+" the view goes on below")

	out = append(out, "", "  "+st.Heading.on("Checks")+st.Muted.on(": what each proves when it passes"))
	for _, a := range overviewAreas {
		out = append(out, "  "+st.Bold.on(a.label))
		for _, name := range areaChecks(a.area) {
			spec, _ := verify.Spec(name)
			out = append(out, helpRow(st, 4, 19, name, spec.Help, w)...)
		}
	}
	return append(out, "", "  "+st.Muted.on("? or esc closes this · j/k scroll · g/G top/bottom"))
}

// keyColumns lays the key groups out in as many columns as fit w cells,
// the rest of the groups in rows of columns under them, a blank line
// between rows.
func (m *Model) keyColumns(w int) []string {
	groups := m.env.keys.FullHelp()
	unbounded := m.help
	unbounded.Width = 0 // measure the columns as they are, not cut to fit
	for across := len(groups); ; across-- {
		var out []string
		fits := true
		for start := 0; start < len(groups); start += across {
			block := unbounded.FullHelpView(groups[start:min(start+across, len(groups))])
			fits = fits && maxWidth(block) <= w
			if start > 0 {
				out = append(out, "")
			}
			for _, l := range strings.Split(block, "\n") {
				out = append(out, "  "+l)
			}
		}
		if fits || across == 1 {
			return out
		}
	}
}

// helpRow is a label in a column labelW wide, indent cells in, and its
// text wrapped beside it (under it, when the width leaves no room).
func helpRow(st *Styles, indent, labelW int, label, text string, w int) []string {
	pre := strings.Repeat(" ", indent)
	textW := w - indent - labelW - 1
	if textW < 20 {
		out := []string{pre + st.Accent.on(truncate(label, max(w-indent, 1)))}
		for _, l := range wrap(text, max(w-indent-2, 1), 10) {
			out = append(out, pre+"  "+l)
		}
		return out
	}
	var out []string
	for n, l := range wrap(text, textW, 10) {
		if n == 0 {
			out = append(out, pre+st.Accent.on(fit(label, labelW))+" "+l)
		} else {
			out = append(out, pre+strings.Repeat(" ", labelW+1)+l)
		}
	}
	return out
}

func maxWidth(block string) int {
	n := 0
	for _, l := range strings.Split(block, "\n") {
		n = max(n, width(l))
	}
	return n
}
