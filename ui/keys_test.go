package ui

import (
	"context"
	"strings"
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

// TestAlwaysAWayOut: the key help is on screen from the first frame, the
// status on a line of its own above it; and in every pane, in its list,
// its detail and its sub-screens, at 80x24 and 60x15, the help line ends
// with ? help and q quit.
func TestAlwaysAWayOut(t *testing.T) {
	cfg := testConfig(t, nil, "slow", nil)
	cfg.Ref = "slow"
	started := make(chan struct{})
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		close(started)
		<-ctx.Done()
		return Loaded{}, ctx.Err()
	}
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	fetch := m.Init()
	go fetch()
	<-started
	lines := strings.Split(m.View(), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "esc cancel") || !strings.Contains(last, "q quit") {
		t.Errorf("while the first bundle loads the keys show: %q", last)
	}
	m.shutdown()

	data, trust := forkedBundle()
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 15}} {
		m := openModel(t, testConfig(t, data, "forked.json", trust), size.w, size.h)
		lines := strings.Split(m.View(), "\n")
		if status, help := lines[len(lines)-2], lines[len(lines)-1]; !strings.Contains(status, "checked:") || !strings.Contains(help, "? help") {
			t.Errorf("%dx%d: the first screen should show the status and, under it, the keys:\n%s\n%s", size.w, size.h, status, help)
		}
		for i := range paneTable {
			for _, keys := range [][]string{{paneKey(i)}, {paneKey(i), "enter"}, {paneKey(i), "l", "l"}, {paneKey(i), "/"}} {
				press(t, m, keys...)
				lines := strings.Split(m.View(), "\n")
				if help := strings.TrimRight(lines[len(lines)-1], " "); !strings.HasSuffix(help, "? help • q quit") {
					t.Errorf("%dx%d after %v: the help line is %q", size.w, size.h, keys, help)
				}
				press(t, m, "esc", "esc", "esc")
			}
		}
	}
}

// TestTopAndBottomEverywhere: g and G go to the first and last line of
// every list, detail, the comparison, the overview and the help.
func TestTopAndBottomEverywhere(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	events := m.panes[paneEvents].(*eventsPane)
	forks := m.panes[paneForks].(*forksPane)
	overview := m.panes[paneOverview].(*overviewPane)
	lastStop := func(d *doc) int {
		n := len(d.lines) - 1
		for n > 0 && !d.stop(n) {
			n--
		}
		return n
	}
	firstStop := func(d *doc) int {
		n := 0
		for n < len(d.lines)-1 && !d.stop(n) {
			n++
		}
		return n
	}
	for _, c := range []struct {
		where       string
		keys        []string
		at          func() int
		first, last func() int
	}{
		{"a list", []string{"2"}, func() int { return events.l.cursor }, func() int { return 0 }, func() int { return events.l.count() - 1 }},
		{"a detail", []string{"enter"}, func() int { return events.d.cursor }, func() int { return firstStop(&events.d) }, func() int { return lastStop(&events.d) }},
		{"the comparison", []string{"esc", "7", "enter"}, func() int { return forks.cmp.l.cursor }, func() int { return 0 }, func() int { return forks.cmp.l.count() - 1 }},
		{"the overview", []string{"1"}, func() int { return overview.d.cursor }, func() int { return firstStop(&overview.d) }, func() int { return lastStop(&overview.d) }},
		{"the help", []string{"?"}, func() int { return m.helpPage.YOffset }, func() int { return 0 }, func() int { return m.helpPage.TotalLineCount() - m.helpPage.Height }},
	} {
		press(t, m, c.keys...)
		press(t, m, "G")
		if c.at() != c.last() {
			t.Errorf("G in %s: at %d, want %d", c.where, c.at(), c.last())
		}
		press(t, m, "g")
		if c.at() != c.first() {
			t.Errorf("g in %s: at %d, want %d", c.where, c.at(), c.first())
		}
	}
}
