package ui

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// paneSetup puts a pane in the state its golden file shows: the pane's
// number key, then any keys that open something worth seeing.
var paneSetup = []struct {
	name string
	keys []string
}{
	{"overview", []string{"1"}},
	{"events", []string{"2", "j"}},
	{"aliases", []string{"3", "j", "j", "j"}},
	{"graph", []string{"4", "G"}},
	{"keys", []string{"5"}},
	{"state", []string{"6"}},
	{"forks", []string{"7"}},
	{"raw", []string{"8", "j", "j", "j", "j", "enter", "j"}},
}

var sizes = []struct{ w, h int }{{80, 24}, {200, 50}, {60, 15}}

// TestViewRealBundle draws every pane of the real bundle at 80x24, 200x50
// and 60x15.
func TestViewRealBundle(t *testing.T) {
	data := verifytest.RealBundle(t)
	for _, size := range sizes {
		for _, p := range paneSetup {
			t.Run(fmt.Sprintf("%s_%dx%d", p.name, size.w, size.h), func(t *testing.T) {
				m := openModel(t, testConfig(t, data, "embedded", nil), size.w, size.h)
				press(t, m, p.keys...)
				view := m.View()
				checkScreen(t, view, size.w, size.h)
				golden.RequireEqual(t, []byte(view))
			})
		}
	}
}

// TestViewForkedBundle draws a generated bundle with a fork and a tampered
// event: the failures, the fork, the comparison.
func TestViewForkedBundle(t *testing.T) {
	data, trust := forkedBundle()
	extra := []struct {
		name string
		keys []string
	}{
		{"tampered-event", []string{"2", "G"}},
		{"tampered-event-detail", []string{"2", "G", "enter", "pgdown"}},
		{"comparison", []string{"7", "enter"}},
		{"state-invalid", []string{"6", "G"}},
	}
	for _, size := range sizes[:2] {
		for _, p := range append(paneSetup, extra...) {
			t.Run(fmt.Sprintf("%s_%dx%d", p.name, size.w, size.h), func(t *testing.T) {
				m := openModel(t, testConfig(t, data, "forked.json", trust), size.w, size.h)
				press(t, m, p.keys...)
				view := m.View()
				checkScreen(t, view, size.w, size.h)
				golden.RequireEqual(t, []byte(view))
			})
		}
	}
}

// TestViewStateMismatch draws a bundle whose served state was edited after
// signing: the differing paths side by side.
func TestViewStateMismatch(t *testing.T) {
	data, trust := forkedBundle()
	data = verifytest.Edit(data, func(m map[string]any) {
		st := m["state"].(map[string]any)
		st["event_count"] = 4
		st["applied_event_ids"] = st["applied_event_ids"].([]any)[:1]
	})
	for _, size := range sizes[:2] {
		for _, keys := range [][]string{{"6"}, {"6", "j"}, {"6", "G", "k"}} {
			name := fmt.Sprintf("state-mismatch-%s-%dx%d", strings.Join(keys, ""), size.w, size.h)
			t.Run(name, func(t *testing.T) {
				m := openModel(t, testConfig(t, data, "edited.json", trust), size.w, size.h)
				press(t, m, keys...)
				view := m.View()
				checkScreen(t, view, size.w, size.h)
				golden.RequireEqual(t, []byte(view))
			})
		}
	}
}

// TestREADMEShowsTheMainScreen keeps the README's capture of the main
// screen the one the explorer draws.
func TestREADMEShowsTheMainScreen(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README next to the package")
	}
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	press(t, m, "1")
	var want []string
	for _, l := range strings.Split(m.View(), "\n") {
		want = append(want, strings.TrimRight("    "+l, " "))
	}
	if !strings.Contains(string(readme), strings.Join(want, "\n")) {
		t.Errorf("README.md does not show the main screen as drawn now; paste this:\n%s", strings.Join(want, "\n"))
	}
}

// TestViewScreens draws the help, the open prompt and a failed fetch.
func TestViewScreens(t *testing.T) {
	data := verifytest.RealBundle(t)
	cases := []struct {
		name string
		keys []string
	}{
		{"help", []string{"?"}},
		{"prompt", []string{"o"}},
		{"prompt-typed", []string{"o", "p", "i", "t", "h"}},
		{"prompt-failed", []string{"o", "x", "enter"}},
		{"refresh-failed", nil},
		{"filter", []string{"2", "/", "g", "r", "a"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(t, data, "embedded", nil)
			m := openModel(t, cfg, 80, 24)
			if c.name == "refresh-failed" {
				m.env.sess.ref = "gone"
				press(t, m, "r")
			}
			press(t, m, c.keys...)
			view := m.View()
			checkScreen(t, view, 80, 24)
			golden.RequireEqual(t, []byte(view))
		})
	}
}

var paneRange = regexp.MustCompile(`^[0-9]-[0-9]$`)

// TestREADMEKeyTableListsEveryKey: every key of the help screen is in the
// README's key table.
func TestREADMEKeyTableListsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README next to the package")
	}
	start := strings.Index(string(readme), "| keys | what they do |")
	if start < 0 {
		t.Fatal("README.md has no key table")
	}
	table := string(readme[start:])
	table = table[:strings.Index(table, "\n\n")]
	var spans []string
	for i, part := range strings.Split(table, "`") {
		if i%2 == 1 {
			spans = append(spans, part)
		}
	}
	written := strings.Fields(strings.Join(spans, " "))
	for _, group := range DefaultKeyMap().FullHelp() {
		for _, b := range group {
			var keys []string
			switch h := b.Help().Key; {
			case h == "/":
				keys = []string{h}
			case paneRange.MatchString(h):
				keys = strings.Split(h, "-") // 1-8
			default:
				keys = strings.Split(h, "/") // n/N
			}
			for _, k := range keys {
				k = strings.ReplaceAll(k, "⌫", "backspace")
				if !slices.Contains(written, k) {
					t.Errorf("the README's key table lacks %q (%s)", k, b.Help().Desc)
				}
			}
		}
	}
}
