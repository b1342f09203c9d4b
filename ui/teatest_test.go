package ui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestProgramKeySequence drives the real program loop at 80x24: switch
// panes, filter, follow prev_event, open the fork comparison, resize to
// 60x15, quit.
func TestProgramKeySequence(t *testing.T) {
	data, trust := forkedBundle()
	cfg := testConfig(t, data, "forked.json", trust)

	// How far down the detail of event 2 its prev_event link is: measured
	// on a model of its own, since the program's model is its goroutine's.
	probe := openModel(t, cfg, 80, 24)
	press(t, probe, "2", "j", "j", "enter")
	probeEvents := probe.panes[paneEvents].(*eventsPane)
	steps := 0
	for ; steps < len(probeEvents.d.lines); steps++ {
		if it, _ := probeEvents.d.current(); it != nil && it.label == "prev_event" {
			break
		}
		press(t, probe, "j")
	}

	tm := teatest.NewTestModel(t, New(cfg), teatest.WithInitialTermSize(80, 24))
	waitFor := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	keys := func(ks ...string) {
		for _, k := range ks {
			tm.Send(keyMsg(k))
		}
	}
	waitFor("FAILED 2")

	keys("2")
	waitFor("digest sig merge")
	keys("/", "f", "o", "r", "k")
	waitFor("2 of 5")
	keys("esc", "g", "j", "j", "enter")
	for range steps {
		keys("j")
	}
	keys("enter")
	waitFor("event #1 · graph_snapshot")

	keys("7", "enter")
	waitFor("fields differ")
	tm.Send(tea.WindowSizeMsg{Width: 60, Height: 15})
	waitFor("fork 1: 9 of 54")
	keys("q")

	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if final.active != paneForks || final.panes[paneForks].(*forksPane).cmp == nil {
		t.Fatalf("ended on pane %q, want the fork comparison", final.active)
	}
	if l := final.env.layout; l.width != 60 || l.height != 15 {
		t.Fatalf("final layout %dx%d, want 60x15", l.width, l.height)
	}
	if got := final.panes[paneEvents].(*eventsPane).l.selected(); got != 1 {
		t.Fatalf("the Events pane shows event %d, want 1 (reached through prev_event)", got)
	}
	checkScreen(t, final.View(), 60, 15)
}
