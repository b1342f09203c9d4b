package ui

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// shownRows lists the rows a list shows, in order.
func shownRows(p *listDetail) []int {
	out := make([]int, p.l.count())
	for pos := range out {
		out[pos] = p.l.at(pos)
	}
	return out
}

// TestFailingOnlyInEvents: ! shows the events with a problem (the two of
// the fork, the one whose signature fails), ] and [ walk them wrapping
// and say so, a filter narrows them further, esc shows all again.
func TestFailingOnlyInEvents(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "2", "!")
	if got := shownRows(events.listDetail); !slices.Equal(got, []int{2, 3, 4}) {
		t.Fatalf("failing only shows %v, want events 2, 3 and 4", got)
	}
	if !strings.Contains(m.status, "failing only: 3 events of 5") || !strings.Contains(events.listTitle(), "[1/3] of 5 · failing only") {
		t.Errorf("status %q, title %q should say failing only, 3 of 5", m.status, events.listTitle())
	}
	press(t, m, "]", "]")
	if events.l.selected() != 4 {
		t.Fatalf("] ] from event 2 went to %d, want 4", events.l.selected())
	}
	press(t, m, "]")
	if events.l.selected() != 2 || m.status != "wrapped to the first failing event" {
		t.Fatalf("] from the last went to %d (status %q), want 2, saying it wrapped", events.l.selected(), m.status)
	}
	press(t, m, "[")
	if events.l.selected() != 4 || m.status != "wrapped to the last failing event" {
		t.Fatalf("[ from the first went to %d (status %q), want 4, saying it wrapped", events.l.selected(), m.status)
	}
	press(t, m, "/")
	typeText(t, m, "T02")
	if got := shownRows(events.listDetail); !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("failing only and the filter T02 show %v, want 2 and 3", got)
	}
	press(t, m, "enter", "esc")
	if got := shownRows(events.listDetail); !slices.Equal(got, []int{2, 3, 4}) {
		t.Fatalf("esc cleared the filter, not failing only: %v", got)
	}
	press(t, m, "esc")
	if events.failingOnly || events.l.count() != 5 {
		t.Fatalf("a second esc should show every event (%d)", events.l.count())
	}

	// Without failing only, ] and [ still find them, among every row.
	press(t, m, "g", "]")
	if events.l.selected() != 2 {
		t.Fatalf("] from event 0 went to %d, want 2", events.l.selected())
	}
	press(t, m, "enter", "]")
	if events.l.selected() != 3 || !events.focusDetail {
		t.Fatalf("] in the detail went to %d (focus %v), want event 3 with the detail kept", events.l.selected(), events.focusDetail)
	}
}

// TestFailingOnlyInEveryList: aliases, keys, state rows and the overview's
// checks; a pane without checks per row says so.
func TestFailingOnlyInEveryList(t *testing.T) {
	data, _ := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", nil), 120, 40) // its key untrusted
	keys := m.panes[paneKeys].(*keysPane)
	press(t, m, "5", "!")
	if keys.l.count() != 1 || !keys.failing(keys.l.selected()) {
		t.Fatalf("failing only in Keys shows %d keys; want the untrusted one", keys.l.count())
	}
	state := m.panes[paneState].(*statePane)
	press(t, m, "6", "!")
	if state.l.count() == 0 || state.l.count() == state.l.n {
		t.Fatalf("failing only in State shows %d of %d rows", state.l.count(), state.l.n)
	}
	for _, r := range shownRows(state.listDetail) {
		if !failed(state.rows[r].st) {
			t.Errorf("row %q is ok, yet shown as failing", state.rows[r].label)
		}
	}
	press(t, m, "4", "!")
	if !strings.Contains(m.status, "no check is made row by row here") {
		t.Errorf("! in Graph: status %q", m.status)
	}

	real := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	press(t, real, "3", "!")
	if view := real.View(); !strings.Contains(view, "no failing aliases (! shows all)") {
		t.Errorf("failing only over aliases that all pass:\n%s", view)
	}
	press(t, real, "]")
	if real.status != "no failing aliases" {
		t.Errorf("] with nothing failing: status %q", real.status)
	}

	// The overview: only the areas with a problem, ] goes to them.
	press(t, m, "1", "!")
	view := m.View()
	if strings.Contains(view, "Receipt ") || !strings.Contains(view, "Keys") || !strings.Contains(view, "hidden (! shows them)") {
		t.Errorf("failing only in the overview should hide the areas that pass:\n%s", view)
	}
	press(t, m, "!", "g", "]")
	if it, _ := m.panes[paneOverview].(*overviewPane).d.current(); it == nil || !it.failing {
		t.Fatalf("] in the overview should land on a failing row: %+v", it)
	}
}

// TestFailingOnlyFollowsChecksAsTheyArrive: with ! on while verification
// runs, rows join the list as their checks fail.
func TestFailingOnlyFollowsChecksAsTheyArrive(t *testing.T) {
	data, trust := forkedBundle()
	m := New(testConfig(t, data, "forked.json", trust))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	verifying := openUnverified(t, m)
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "2", "!")
	if events.l.count() != 0 || !strings.Contains(m.status, "checking") {
		t.Fatalf("before any check, failing only shows %d rows (status %q)", events.l.count(), m.status)
	}
	settle(t, m, verifying)
	if got := shownRows(events.listDetail); !slices.Equal(got, []int{2, 3, 4}) {
		t.Fatalf("once checked, failing only shows %v, want 2, 3 and 4", got)
	}
}
