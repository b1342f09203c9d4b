package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// together sends runes as Bubble Tea delivers letters read at once (a
// paste, a slow link): one KeyRunes message.
func together(t *testing.T, m *Model, s string, paste bool) {
	t.Helper()
	settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: paste} })
}

// TestKeysThatArriveTogether: outside a text input each letter of one
// message is its own key press; once one opens a text input, the rest is
// typed into it.
func TestKeysThatArriveTogether(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	events := m.panes[paneEvents].(*eventsPane)
	together(t, m, "2jj", false)
	if m.active != paneEvents || events.l.selected() != 2 {
		t.Fatalf("2jj read together: pane %q, row %d; want Events, row 2", m.active, events.l.selected())
	}

	// No count prefix: digits are pane keys.
	together(t, m, "3j", false)
	if aliases := m.panes[paneAliases].(*aliasesPane); m.active != paneAliases || aliases.l.selected() != 1 {
		t.Fatalf("3j: pane %q, row %d; want Aliases (pane 3), one row down", m.active, aliases.l.selected())
	}

	// A pasted "/fork" opens the filter and types the rest into it.
	together(t, m, "2/fork", true)
	if !events.capturing() || events.l.query != "fork" || events.l.count() != 2 {
		t.Fatalf("a pasted 2/fork: typing %v, filter %q (%d rows); want the filter fork", events.capturing(), events.l.query, events.l.count())
	}
	press(t, m, "esc")

	// In the prompt, letters read together are text.
	together(t, m, "o", false)
	together(t, m, "jj/q", false)
	if !m.prompt.open || m.prompt.input.Value() != "jj/q" {
		t.Fatalf("in the prompt, jj/q should be typed as it is: open %v, %q", m.prompt.open, m.prompt.input.Value())
	}
	press(t, m, "esc")

	// q among them quits, and nothing after it runs.
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jqj")})
	if _, quits := runCmd(t, cmd).(tea.QuitMsg); !quits {
		t.Fatal("q read with other letters should quit")
	}
}
