package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// TestPaneTable walks the pane table: every pane has what every pane
// needs, and the tab bar, the number keys, tab and the help screen each
// reach every pane from the table alone.
func TestPaneTable(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 200, 50)
	ids, titles := map[paneID]bool{}, map[string]bool{}
	for i, spec := range paneTable {
		if spec.id == "" || spec.title == "" || spec.about == "" || spec.new == nil {
			t.Fatalf("pane %d lacks an id, title, about text or constructor: %+v", i, spec)
		}
		if ids[spec.id] || titles[spec.title] {
			t.Errorf("pane %q: id or title %q used twice", spec.id, spec.title)
		}
		ids[spec.id], titles[spec.title] = true, true
		if got := spec.new(m.env).location().pane; got != spec.id {
			t.Errorf("pane %q says it is %q", spec.id, got)
		}
		if k := paneKey(i); k != "" {
			press(t, m, k)
			if m.active != spec.id {
				t.Errorf("key %s went to %q, want %q", k, m.active, spec.id)
			}
		}
		if !strings.Contains(m.tabsView(), " "+spec.title) {
			t.Errorf("the tab bar lacks %s:\n%s", spec.title, m.tabsView())
		}
		if help := strings.Join(m.helpLines(), "\n"); !strings.Contains(help, paneKey(i)+" "+spec.title) {
			t.Errorf("the help screen does not list pane %s", spec.title)
		}
	}
	press(t, m, paneKey(0))
	for _, spec := range append(paneTable[1:], paneTable[0]) {
		press(t, m, "tab")
		if m.active != spec.id {
			t.Fatalf("tab went to %q, want %q", m.active, spec.id)
		}
	}
	if want := "1-" + paneKey(len(paneTable)-1); m.env.keys.GoToPane.Help().Key != want {
		t.Errorf("the number keys are shown as %q, want %q", m.env.keys.GoToPane.Help().Key, want)
	}
}

// TestTabsOverflow: where the tabs do not fit, whole tabs are shown around
// the active one with a mark on each side that hides some, and a click on
// a tab goes to its pane.
func TestTabsOverflow(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 40, 15)
	for i, spec := range paneTable {
		press(t, m, paneKey(i))
		line := m.tabsView()
		if width(line) != 40 {
			t.Fatalf("tab line is %d cells wide: %q", width(line), line)
		}
		if !strings.Contains(line, "["+paneKey(i)+" "+spec.title+"]") {
			t.Errorf("the active tab %s is not shown whole: %q", spec.title, line)
		}
		tabs, left, right := m.tabBar(40)
		if left != strings.HasPrefix(line, tabsHiddenLeft) || left != (tabs[0].pane != paneTable[0].id) {
			t.Errorf("pane %s: left mark %v, first tab shown %q: %q", spec.title, left, tabs[0].pane, line)
		}
		if right != strings.Contains(line, tabsHiddenRight) || right != (tabs[len(tabs)-1].pane != paneTable[len(paneTable)-1].id) {
			t.Errorf("pane %s: right mark %v, last tab shown %q: %q", spec.title, right, tabs[len(tabs)-1].pane, line)
		}
		for _, tb := range tabs {
			j := paneIndex(tb.pane)
			if !strings.Contains(tb.text, paneKey(j)+" "+paneTable[j].title) {
				t.Errorf("tab %q is shrunk", tb.text)
			}
		}
		// a click on the first tab shown goes to its pane, and back
		first := tabs[0]
		m.Update(tea.MouseMsg{X: first.x + 1, Y: headerLines, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
		if m.active != first.pane {
			t.Errorf("a click on %q went to %q", first.text, m.active)
		}
		press(t, m, paneKey(i))
	}
}

// TestAreaTable: every check of the registry has a label, help text and
// an overview row (its area's); every row's area has checks, and a row's
// pane is in the pane table.
func TestAreaTable(t *testing.T) {
	for _, s := range verify.Registry {
		if s.Label == "" || s.Help == "" {
			t.Errorf("check %s lacks a label or help text", s.Name)
		}
	}
	if missing := areasWithoutRow(verify.Registry); len(missing) > 0 {
		t.Errorf("no overview row for the areas %v: add one to overviewAreas", missing)
	}
	seen := map[verify.Area]bool{}
	for _, a := range overviewAreas {
		if seen[a.area] || a.label == "" || a.ok == nil || len(areaChecks(a.area)) == 0 {
			t.Errorf("area row %q: listed twice, no label, no ok text or no check", a.area)
		}
		seen[a.area] = true
		if a.pane != "" && paneIndex(a.pane) < 0 {
			t.Errorf("area row %q links to %q, which is not a pane", a.area, a.pane)
		}
	}
	// the test above would see a new area without a row
	grown := append(verify.Registry[:len(verify.Registry):len(verify.Registry)], verify.CheckSpec{Name: "record_match", Area: "paper", Label: "match", Help: "h"})
	if got := areasWithoutRow(grown); len(got) != 1 || got[0] != "paper" {
		t.Errorf("a registry with a new area reports %v as missing, want [paper]", got)
	}
}

// areasWithoutRow lists the areas of reg that overviewAreas lacks.
func areasWithoutRow(reg []verify.CheckSpec) []verify.Area {
	var out []verify.Area
	for _, s := range reg {
		found := false
		for _, a := range overviewAreas {
			found = found || a.area == s.Area
		}
		if !found {
			out = append(out, s.Area)
		}
	}
	return out
}

// TestNewCheckNeedsNoUIChange adds a check to an existing area of the
// registry: the overview's row for the area counts it, names it when it
// fails, and the help screen explains it, with no ui change.
func TestNewCheckNeedsNoUIChange(t *testing.T) {
	saved := verify.Registry
	t.Cleanup(func() { verify.Registry = saved })
	verify.Registry = append(saved[:len(saved):len(saved)], verify.CheckSpec{Name: "event_example", Area: verify.AreaEvents, Label: "example", Help: "an example check added only by this test"})

	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 120, 40)
	links := verify.Check{Name: "event_example", Subject: "event:x", Event: 1, Status: verify.OK}
	m.Update(checkDoneMsg{gen: m.verifyGen, checks: []verify.Check{links}})
	if view := m.View(); !strings.Contains(view, "2 events: digest, id, signature, subject and example each ok") {
		t.Errorf("the Events row does not count the new check:\n%s", view)
	}
	links.Status, links.Detail = verify.Fail, "prev_event names nothing"
	m.Update(checkDoneMsg{gen: m.verifyGen, checks: []verify.Check{links}})
	if view := m.View(); !strings.Contains(view, "✗ fail     → event #1 event_example: prev_event names nothing") {
		t.Errorf("the Events row does not show the new check failing:\n%s", view)
	}
	if help := strings.Join(m.helpLines(), "\n"); !strings.Contains(help, "event_example") || !strings.Contains(help, "an example check added only") {
		t.Errorf("the help screen does not explain the new check")
	}
}

// TestHelpScreenScrolls: the help is a viewport; j, pgdn, G and g move
// it, it lists every check with what it proves, and esc closes it.
func TestHelpScreenScrolls(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	press(t, m, "?")
	top := m.View()
	if !strings.Contains(top, "Keys") || strings.Contains(top, "closes this") {
		t.Fatalf("the help should open at its top:\n%s", top)
	}
	press(t, m, "j", "f", "d")
	if m.helpPage.YOffset != 1 {
		t.Fatalf("j (and f, d, which are no keys of the explorer) scrolled the help to %d, want 1", m.helpPage.YOffset)
	}
	m.Update(tea.MouseMsg{X: 5, Y: 10, Button: tea.MouseButtonWheelDown})
	if m.helpPage.YOffset != 4 {
		t.Fatalf("the wheel scrolled the help to %d, want 4", m.helpPage.YOffset)
	}
	press(t, m, "G")
	bottom := m.View()
	checkScreen(t, bottom, 80, 24)
	if !strings.Contains(bottom, "? or esc closes this") || !strings.Contains(bottom, "rollback") {
		t.Fatalf("G should show the end of the help:\n%s", bottom)
	}
	press(t, m, "g")
	if m.helpPage.YOffset != 0 {
		t.Fatalf("g left the help at %d", m.helpPage.YOffset)
	}
	help := strings.Join(m.helpLines(), "\n")
	for _, s := range verify.Registry {
		if !strings.Contains(help, s.Name) || !strings.Contains(help, strings.Fields(s.Help)[0]) {
			t.Errorf("the help does not explain %s", s.Name)
		}
	}
	press(t, m, "esc")
	if m.showHelp {
		t.Fatal("esc should close the help")
	}
}
