package ui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/pithscope/pithscope/model"
)

// The footer: the status lines (what just happened, a fetch that failed
// while a bundle stays open, the fetch under way) above the key help
// line, which is never hidden.

// statusView is the status wrapped to w, at most maxLines lines: the last
// message, else a failed fetch, else the refresh under way; [""] when
// there is nothing to say.
func (m *Model) statusView(w, maxLines int) []string {
	st := m.env.styles
	var text string
	p := paint{}
	switch {
	case m.status != "":
		// raw text (a value quoted in it as it is): escaped once, here
		text, p = model.Printable(m.status), st.Accent
	case m.failure != nil && m.env.sess != nil && !m.prompt.open:
		text, p = m.failureNote(), st.Fail
	case m.fetching && m.env.sess != nil:
		text, p = "fetching "+model.Printable(m.fetchRef)+"…", st.Muted
		if m.progress != "" {
			text += " " + model.Printable(m.progress)
		}
		text += " · esc cancels"
	case m.env.sess != nil && (len(m.history) > 0 || len(m.bundles) > 0):
		// one line: the newest steps say most
		return []string{truncate(st.Muted.on(m.trail()), w)}
	default:
		return []string{""}
	}
	lines := wrap(text, w, maxLines)
	for i, l := range lines {
		lines[i] = p.on(l)
	}
	return lines
}

// failureNote says, in words, that a fetch failed while a bundle stays
// open: when, why, each source tried and why it gave nothing, how old
// the bundle shown is, and what to do.
func (m *Model) failureNote() string {
	f, s := m.failure, m.env.sess
	var b strings.Builder
	if f.ref == s.ref {
		b.WriteString("✗ refresh failed ")
	} else {
		b.WriteString("✗ could not open " + model.Printable(orEmbedded(f.ref)) + " ")
	}
	b.WriteString(ago(m.now().Sub(f.at)) + ": " + model.Printable(f.err))
	for _, a := range f.attempts {
		if a.Why != "" {
			b.WriteString(" · " + model.Printable(shortSource(a.Source)) + ": " + model.Printable(a.Why))
		}
	}
	b.WriteString(" · showing the copy fetched " + ago(m.now().Sub(s.fetchedAt)) + " · r retries, esc dismisses")
	return b.String()
}

// trail says what esc goes back to after links were followed: the place
// each jump left, newest first; then the bundle backspace returns to.
func (m *Model) trail() string {
	var parts []string
	if len(m.history) > 0 {
		var b strings.Builder
		b.WriteString("esc back to ")
		for i := len(m.history) - 1; i >= 0 && i >= len(m.history)-maxTrail; i-- {
			t := m.history[i]
			if i < len(m.history)-1 {
				b.WriteString(" ‹ ")
			}
			b.WriteString(paneTable[paneIndex(t.pane)].title)
			if what := m.panes[t.pane].describe(t); what != "" {
				b.WriteString(" " + what)
			}
		}
		if len(m.history) > maxTrail {
			b.WriteString(" ‹ …")
		}
		parts = append(parts, b.String())
	}
	if n := len(m.bundles); n > 0 {
		last := m.bundles[n-1].sess
		parts = append(parts, strings.TrimSpace("⌫ back to "+model.Printable(shortNumber(last.bundle.PithNumber))+" "+last.headline.title))
	}
	return strings.Join(parts, " · ")
}

// maxTrail bounds the steps the trail names.
const maxTrail = 4

// shortSource is a source without its scheme: the host and path say where.
func shortSource(s string) string {
	for _, scheme := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(s, scheme); ok {
			return rest
		}
	}
	return s
}

// ago says how long ago, rounded for people: "just now", "1 min ago",
// "3 h ago", "2 days ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days ago"
}

// helpLine is the key help for what has the focus: its own keys first,
// then the app-wide ones, which always fit (the focus's own are left out
// from the last, when the line is too narrow for all).
func (m *Model) helpLine() string {
	w := m.env.layout.width
	local, global := m.footerKeys()
	// The help line changes with the focus, not per frame: rendering it
	// through lipgloss each frame would cost more than the rest of a row.
	var memo strings.Builder
	for _, b := range append(local, global...) {
		memo.WriteString(b.Help().Key + "\x00" + b.Help().Desc + "\x00")
	}
	memo.WriteString(strconv.Itoa(w))
	if memo.String() != m.helpMemo.key {
		m.helpMemo.key, m.helpMemo.line = memo.String(), m.fitHelp(local, global, w)
	}
	return m.helpMemo.line
}

// footerKeys are the bindings the help line names: the focus's own, and
// the ones that always show (help and quit, or how to leave).
func (m *Model) footerKeys() (local, global []key.Binding) {
	k := m.env.keys
	named := func(keys, help string) key.Binding {
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, help))
	}
	switch {
	case m.prompt.open:
		local = []key.Binding{named("enter", "open")}
		if len(m.prompt.shown) > 0 {
			local = append(local, key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓", "recent")))
		}
		switch {
		case m.fetching:
			local = append(local, named("esc", "cancel"))
		case m.env.sess != nil:
			local = append(local, named("esc", "close"))
		}
		return local, []key.Binding{named("ctrl+c", "quit")}
	case m.showHelp:
		return m.helpFooterKeys(), nil
	case m.env.sess == nil:
		return []key.Binding{named("esc", "cancel"), k.Open}, []key.Binding{k.Quit}
	}
	local = m.panes[m.active].helpKeys()
	for _, b := range k.ShortHelp() {
		if !slices.ContainsFunc(local, func(l key.Binding) bool { return l.Help().Key == b.Help().Key }) {
			global = append(global, b)
		}
	}
	return local, global
}

// fitHelp draws the bindings on one line of w cells, leaving out the
// last of local until the line fits, so the global ones always show.
func (m *Model) fitHelp(local, global []key.Binding, w int) string {
	unbounded := m.help
	unbounded.Width = 0
	for {
		line := unbounded.ShortHelpView(append(slices.Clip(local), global...))
		if width(line) <= w || len(local) == 0 {
			return truncate(line, w)
		}
		local = local[:len(local)-1]
	}
}
