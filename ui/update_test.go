package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// moveToItem presses j in the focused detail until the cursor is on the
// item labelled label.
func moveToItem(t *testing.T, m *Model, p *listDetail, label string) {
	t.Helper()
	for range len(p.d.lines) {
		if it, _ := p.d.current(); it != nil && it.label == label {
			return
		}
		press(t, m, "j")
	}
	t.Fatalf("no %q line in the detail", label)
}

func TestJumpViaPrevEventAndBack(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "2", "j", "j", "enter")
	if events.l.selected() != 2 || !events.focusDetail {
		t.Fatalf("selected %d, detail focused %v; want event 2 with the detail focused", events.l.selected(), events.focusDetail)
	}
	moveToItem(t, m, events.listDetail, "prev_event")
	press(t, m, "enter")
	if got := events.l.selected(); got != 1 {
		t.Fatalf("after following prev_event the selected event is %d, want 1", got)
	}
	press(t, m, "esc")
	if got := events.l.selected(); got != 2 {
		t.Fatalf("esc went back to event %d, want 2", got)
	}
	press(t, m, "esc")
	if events.focusDetail {
		t.Fatal("a second esc should return the focus to the list")
	}
}

func TestJumpAcrossPanes(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 200, 50)
	press(t, m, "7", "l") // the fork's detail
	forks := m.panes[paneForks].(*forksPane)
	moveToItem(t, m, forks.listDetail, "signer key")
	press(t, m, "enter")
	if m.active != paneKeys {
		t.Fatalf("following the signer key went to pane %q, want Keys", m.active)
	}
	keys := m.panes[paneKeys].(*keysPane)
	if id := keys.ids[keys.l.selected()]; id != "test-key-1" {
		t.Fatalf("Keys selected %q, want test-key-1", id)
	}
	press(t, m, "esc")
	if m.active != paneForks {
		t.Fatalf("esc returned to pane %q, want Forks", m.active)
	}
}

// TestFilterAndMatches: a kept filter says which match the cursor is on,
// of how many ([1/2]); n and N step through the matches, wrapping round
// and saying so; esc clears it.
func TestFilterAndMatches(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "2", "/")
	if !m.panes[paneEvents].capturing() {
		t.Fatal("/ should start typing a filter")
	}
	typeText(t, m, "fork")
	if got := events.l.count(); got != 2 {
		t.Fatalf("filter fork shows %d events, want the 2 forked ones", got)
	}
	press(t, m, "enter")
	first := events.l.selected()
	if title := events.listTitle(); !strings.Contains(title, "[1/2] of 5 · /fork") {
		t.Fatalf("title %q should count the matches", title)
	}
	press(t, m, "n")
	second := events.l.selected()
	if title := events.listTitle(); !strings.Contains(title, "[2/2]") || m.status != "" {
		t.Fatalf("after n: title %q, status %q", title, m.status)
	}
	press(t, m, "n")
	if first == second || events.l.selected() != first || m.status != "wrapped to the first match" {
		t.Fatalf("n should step through the matches and wrap, saying so: %d, %d, %d (status %q)", first, second, events.l.selected(), m.status)
	}
	press(t, m, "N")
	if events.l.selected() != second || m.status != "wrapped to the last match" {
		t.Fatalf("N should step back round the first, saying so (status %q)", m.status)
	}
	press(t, m, "esc")
	if events.l.count() != 5 || events.l.query != "" {
		t.Fatalf("esc should clear the filter (%d rows, query %q)", events.l.count(), events.l.query)
	}
	press(t, m, "/")
	typeText(t, m, "zzz")
	if !strings.Contains(m.View(), `no event match "zzz"`) {
		t.Error("a filter that matches nothing should say so")
	}
}

// TestFilterEditsLikeATextInput: the filter is a bubbles textinput: the
// cursor moves and text goes in where it is, words are deleted whole, and
// what is not printable (pasted from a hostile bundle) is dropped.
func TestFilterEditsLikeATextInput(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "2", "/")
	typeText(t, m, "frk")
	press(t, m, "left", "left")
	typeText(t, m, "o")
	if events.l.query != "fork" || events.l.count() != 2 {
		t.Fatalf("typing o between f and rk gave the filter %q (%d rows), want fork (2 rows)", events.l.query, events.l.count())
	}
	if title := events.listTitle(); !strings.Contains(title, "/fo▏rk 2 of 5") {
		t.Errorf("the filter line should show the cursor where it is: %q", title)
	}
	settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("\u202e\x1b[2J 1"), Paste: true} })
	if events.l.query != "fo[2J 1rk" {
		t.Errorf("a paste should go in without its controls and bidi override: %q", events.l.query)
	}
	settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyCtrlW} })
	if events.l.query != "fo[2J rk" {
		t.Errorf("ctrl+w should delete the word before the cursor: %q", events.l.query)
	}
	press(t, m, "esc")
	if events.l.query != "" || events.l.count() != 5 || events.capturing() {
		t.Fatalf("esc should clear the filter and stop typing (%q, %d rows)", events.l.query, events.l.count())
	}
}

func TestCopyWritesOSC52WithTheRawValue(t *testing.T) {
	var clip bytes.Buffer
	cfg := testConfig(t, verifytest.RealBundle(t), "embedded", nil)
	cfg.Clipboard = &clip
	m := openModel(t, cfg, 80, 24)
	press(t, m, "3", "j", "j", "y")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("10.48550/arxiv.1711.04623")) + "\a"
	if clip.String() != want {
		t.Fatalf("clipboard got %q, want %q", clip.String(), want)
	}
	if !strings.Contains(m.status, "copied doi alias") {
		t.Fatalf("status %q should say what was copied", m.status)
	}
}

// TestEvidenceFileVerifiesOnItsOwn: e writes the fork's evidence file,
// named after the verified pith number, inside the chosen folder, never
// over another (a second one gets -2); the status and the fork's detail
// show the whole command that checks it, every --trust-key included, and
// that file proves the fork on its own.
func TestEvidenceFileVerifiesOnItsOwn(t *testing.T) {
	data, trust := forkedBundle()
	cfg := testConfig(t, data, "forked.json", trust)
	keyDir := filepath.Join(t.TempDir(), "my keys")
	cfg.TrustKeyFiles = []string{filepath.Join(keyDir, "test key's.json"), filepath.Join(keyDir, "plain.json")}
	m := openModel(t, cfg, 80, 24)
	press(t, m, "7", "enter", "e")
	body := model.BodyOf(m.env.sess.bundle.PithNumber)
	path := filepath.Join(cfg.EvidenceDir, "pith-evidence-"+body+"-fork1.json")
	command := "pithscope verify --trust-key '" + keyDir + "/test key'\\''s.json' --trust-key '" + keyDir + "/plain.json' " + path
	if m.status != "wrote "+path+" · check it with: "+command {
		t.Fatalf("status %q\nwant the path and the command %s", m.status, command)
	}
	// The fork's detail shows the command whole, wrapped, with y to copy it.
	flat := strings.Join(strings.Fields(m.View()), "")
	if !strings.Contains(flat, strings.Join(strings.Fields(command), "")) {
		t.Errorf("the screen should show the whole command:\n%s", m.View())
	}
	var clip bytes.Buffer
	m.cfg.Clipboard = &clip
	press(t, m, "y")
	if got := osc52Value(t, clip.String()); got != command {
		t.Errorf("y copied %q, want the command", got)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, ev, err := model.ParseDocument(raw)
	if err != nil || ev == nil {
		t.Fatalf("not an evidence file: %v", err)
	}
	if r := verify.VerifyEvidence(ev, verify.Options{Trust: trust}); !r.Evidence.Proven {
		t.Fatalf("the evidence file does not prove the fork: %+v", r.Evidence)
	}
	press(t, m, "esc", "e")
	second := filepath.Join(cfg.EvidenceDir, "pith-evidence-"+body+"-fork1-2.json")
	if !strings.Contains(m.status, "wrote "+second) {
		t.Fatalf("a second e should write %s beside the first: %q", second, m.status)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, raw) {
		t.Fatal("the first evidence file was overwritten")
	}
}

// TestEscCancelsTheFetch: the loader sees its context cancelled, and the
// start screen falls back to the prompt.
func TestEscCancelsTheFetch(t *testing.T) {
	cancelled := make(chan struct{})
	cfg := testConfig(t, nil, "slow", nil)
	cfg.Ref = "slow"
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		<-ctx.Done()
		close(cancelled)
		return Loaded{}, ctx.Err()
	}
	m := New(cfg)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	fetch := m.Init()
	if !m.fetching || !strings.Contains(m.View(), "opening slow") {
		t.Fatalf("the start screen should show the fetch:\n%s", m.View())
	}
	done := make(chan struct{})
	go func() { fetch(); close(done) }()
	m.Update(keyMsg("esc"))
	<-cancelled
	<-done
	if m.fetching || !m.prompt.open || m.status != "cancelled" {
		t.Fatalf("after esc: fetching %v, prompt %v, status %q", m.fetching, m.prompt.open, m.status)
	}
}

func TestPromptValidatesAsYouType(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	press(t, m, "o")
	typeText(t, m, "a b")
	if !strings.Contains(m.View(), "✗ a reference has no spaces") {
		t.Fatalf("the prompt should say why the text is no reference:\n%s", m.View())
	}
	press(t, m, "enter")
	if m.fetching {
		t.Fatal("enter on an invalid reference should not fetch")
	}
	press(t, m, "backspace", "backspace")
	if !strings.Contains(m.View(), "✓ reference a") {
		t.Fatalf("the prompt should recognise the text:\n%s", m.View())
	}
	press(t, m, "esc")
	if m.prompt.open {
		t.Fatal("esc should close the prompt over an open bundle")
	}
}

func TestPromptOpensAnotherBundle(t *testing.T) {
	data, trust := forkedBundle()
	cfg := testConfig(t, verifytest.RealBundle(t), "embedded", trust)
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		if ref == "forked.json" {
			return Loaded{Data: data, Source: ref}, nil
		}
		return Loaded{Data: verifytest.RealBundle(t), Source: "embedded"}, nil
	}
	m := openModel(t, cfg, 80, 24)
	press(t, m, "2", "o")
	typeText(t, m, "forked.json")
	press(t, m, "enter")
	if m.prompt.open || m.env.sess.loaded.Source != "forked.json" || !m.env.sess.checks.done {
		t.Fatalf("prompt open %v, source %q", m.prompt.open, m.env.sess.loaded.Source)
	}
	if strings.Contains(m.View(), "VERIFIED") || !strings.Contains(m.View(), "FAILED 2") {
		t.Fatalf("the header should show the new bundle's verdict:\n%s", m.View())
	}
}

// TestLiveBadges: the bundle is usable before its checks are in; the
// badges read … then ✓.
func TestLiveBadges(t *testing.T) {
	m := New(testConfig(t, verifytest.RealBundle(t), "embedded", nil))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	verifying := openUnverified(t, m)
	press(t, m, "2")
	view := m.View()
	if !strings.Contains(view, "CHECKING…") || !strings.Contains(view, "…      …") {
		t.Fatalf("before any check arrives the header and rows should say checking:\n%s", view)
	}
	settle(t, m, verifying)
	view = m.View()
	if !strings.Contains(view, "✓ VERIFIED") || strings.Contains(view, "…      …") {
		t.Fatalf("after verification every badge should be in:\n%s", view)
	}
}

func TestWatchRefetches(t *testing.T) {
	cfg := testConfig(t, verifytest.RealBundle(t), "embedded", nil)
	cfg.Watch = time.Millisecond // settle drops the ticks; the test sends them
	m := openModel(t, cfg, 80, 24)
	if !m.watching || !strings.Contains(m.View(), "watch 1ms") {
		t.Fatalf("--watch should start watching and say so:\n%s", m.View())
	}
	_, cmd := m.Update(tickMsg{gen: m.watchGen})
	if !m.fetching || cmd == nil {
		t.Fatal("a watch tick should refetch")
	}
	settle(t, m, cmd)
	if m.fetching || !m.env.sess.checks.done {
		t.Fatal("the watch refetch should finish and re-verify")
	}
	press(t, m, "w")
	if m.watching || m.status != "watch off" {
		t.Fatalf("w should turn watching off (status %q)", m.status)
	}
	if _, cmd := m.Update(tickMsg{gen: m.watchGen}); m.fetching || cmd != nil {
		t.Fatal("with watching off a tick does nothing")
	}
	press(t, m, "w")
	if !m.watching || !strings.Contains(m.status, "watch on") {
		t.Fatalf("w should turn watching back on (status %q)", m.status)
	}
}

func TestMouse(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	x := strings.Index(m.tabsView(), "3 Aliases")
	m.Update(tea.MouseMsg{X: x, Y: headerLines, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
	if m.active != paneAliases {
		t.Fatalf("a click on the Aliases tab went to pane %q", m.active)
	}
	top := headerLines + tabLines
	m.Update(tea.MouseMsg{X: 5, Y: top + 3, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
	if got := m.panes[paneAliases].(*aliasesPane).l.selected(); got != 2 {
		t.Fatalf("a click on the third alias selected row %d", got)
	}
	m.Update(tea.MouseMsg{X: 5, Y: top + 12, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
	if !m.panes[paneAliases].(*aliasesPane).focusDetail {
		t.Fatal("a click in the detail should focus it")
	}
	m.Update(tea.MouseMsg{X: 5, Y: top + 1, Button: tea.MouseButtonWheelDown})
	if got := m.panes[paneAliases].(*aliasesPane).l.selected(); got != 5 {
		t.Fatalf("the wheel over the list should move it (row %d)", got)
	}
}

// TestEverySizeEveryPane resizes through small and odd sizes on every
// pane: no panic, and every frame exactly fills the terminal.
func TestEverySizeEveryPane(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	for i := range paneTable {
		press(t, m, paneKey(i), "G", "enter")
		for _, w := range []int{1, 20, 29, 30, 45, 60, 71, 72, 80, 109, 110, 133, 200} {
			for _, h := range []int{1, 5, 7, 8, 10, 15, 24, 50} {
				m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				view := m.View()
				if w >= minUsableWidth && h >= minUsableHeight {
					checkScreen(t, view, w, h)
				} else if width(view) > w {
					t.Fatalf("%dx%d: the notice is wider than the terminal", w, h)
				}
			}
		}
		press(t, m, "esc", "esc")
	}
}

// TestComparisonMoves: the fork comparison moves like every list (j, G,
// g) and n/N step through the differing fields, wrapping.
func TestComparisonMoves(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	press(t, m, "7", "enter")
	c := m.panes[paneForks].(*forksPane).cmp
	var differing []int
	for i, l := range c.lines {
		if l.differs {
			differing = append(differing, i)
		}
	}
	if len(differing) < 3 || differing[0] != 0 {
		t.Fatalf("the fixture should differ in its first field and several more: %v", differing)
	}
	press(t, m, "n")
	if got := c.l.selected(); got != differing[1] {
		t.Fatalf("n went to line %d, want the next difference %d", got, differing[1])
	}
	press(t, m, "N", "N")
	if got := c.l.selected(); got != differing[len(differing)-1] {
		t.Fatalf("N N went to %d, want the last difference %d (wrapping)", got, differing[len(differing)-1])
	}
	press(t, m, "G")
	if c.l.selected() != len(c.lines)-1 || !strings.Contains(m.View(), c.lines[len(c.lines)-1].path) {
		t.Fatalf("G should show the last line, at %d of %d", c.l.selected(), len(c.lines))
	}
	press(t, m, "g", "j", "y")
	if !strings.Contains(m.status, "copied path") {
		t.Fatalf("y should copy the selected path (status %q)", m.status)
	}
}

// TestComparisonDifferencesOnly: d shows only the fields that differ, and
// all of them again; n and N say when they wrap.
func TestComparisonDifferencesOnly(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	press(t, m, "7", "enter")
	c := m.panes[paneForks].(*forksPane).cmp
	press(t, m, "d")
	if c.l.count() != c.differ || c.differ == 0 || c.differ == len(c.lines) {
		t.Fatalf("d shows %d lines; want the %d that differ of %d", c.l.count(), c.differ, len(c.lines))
	}
	for pos := range c.l.count() {
		if !c.lines[c.l.at(pos)].differs {
			t.Fatalf("line %q is shown and does not differ", c.lines[c.l.at(pos)].path)
		}
	}
	if view := m.View(); !strings.Contains(view, "differences only") {
		t.Errorf("the comparison should say it shows differences only:\n%s", view)
	}
	press(t, m, "G", "n")
	if c.l.cursor != 0 || m.status != "wrapped to the first difference" {
		t.Fatalf("n on the last difference: at %d, status %q", c.l.cursor, m.status)
	}
	press(t, m, "d")
	if c.l.count() != len(c.lines) {
		t.Fatalf("d again shows %d of %d lines", c.l.count(), len(c.lines))
	}
	// a resize lays the comparison out again and keeps the choice
	press(t, m, "d")
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if !c.diffOnly || c.l.count() != c.differ {
		t.Fatalf("after a resize: differences only %v, %d lines", c.diffOnly, c.l.count())
	}
}

// TestTrailAfterJumps: after following links, the status line says what
// esc goes back to, newest first; going back shortens it.
func TestTrailAfterJumps(t *testing.T) {
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	press(t, m, "7", "l")
	forks := m.panes[paneForks].(*forksPane)
	moveToItem(t, m, forks.listDetail, "prev_event")
	press(t, m, "enter")
	if view := m.View(); !strings.Contains(view, "esc back to Forks fork 1") {
		t.Fatalf("after a jump the trail should name where esc returns:\n%s", view)
	}
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "l")
	moveToItem(t, m, events.listDetail, "key")
	press(t, m, "enter")
	if view := m.View(); !strings.Contains(view, "esc back to Events event #1 ‹ Forks fork 1") || m.active != paneKeys {
		t.Fatalf("a second jump adds to the trail:\n%s", view)
	}
	press(t, m, "esc")
	if view := m.View(); m.active != paneEvents || !strings.Contains(view, "esc back to Forks fork 1") || strings.Contains(view, "event #1 ‹") {
		t.Fatalf("esc goes back one step and the trail says the rest:\n%s", view)
	}
	press(t, m, "esc", "esc")
	if view := m.View(); m.active != paneForks || strings.Contains(view, "esc back to") {
		t.Fatalf("with the history walked back, no trail:\n%s", view)
	}
}

// TestMoreBelowMarks: a list, a detail, the overview and the help say when
// they go on below what is shown, and stop saying it at their end.
func TestMoreBelowMarks(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	lines := func() []string { return strings.Split(m.View(), "\n") }
	body := func() string {
		return strings.Join(lines()[headerLines+tabLines:headerLines+tabLines+m.env.layout.bodyHeight], "\n")
	}

	if !strings.Contains(body(), "↓ more (j, pgdn)") {
		t.Errorf("the overview is cut at 80x24 and should say so:\n%s", body())
	}
	press(t, m, "G")
	if strings.Contains(body(), "↓ more") {
		t.Errorf("at the overview's end there is no more:\n%s", body())
	}
	press(t, m, "2")
	if detailHead := lines()[headerLines+tabLines+3]; !strings.Contains(detailHead, "event #0") || !strings.Contains(detailHead, "↓ more") {
		t.Errorf("the event's detail is cut and its title should say so: %q", detailHead)
	}
	press(t, m, "enter", "G")
	if strings.Contains(body(), "↓ more") {
		t.Errorf("at the detail's end there is no more:\n%s", body())
	}
	press(t, m, "8", "E")
	if title := lines()[headerLines+tabLines]; !strings.Contains(title, "↓ more") {
		t.Errorf("the unfolded tree is cut and its title should say so: %q", title)
	}
	press(t, m, "G")
	if title := lines()[headerLines+tabLines]; strings.Contains(title, "↓ more") {
		t.Errorf("at the tree's end its title should not say more: %q", title)
	}
	press(t, m, "?")
	if !strings.Contains(body(), "↓ more (j, pgdn, G)") {
		t.Errorf("the help is cut and should say so:\n%s", body())
	}
	press(t, m, "G")
	if strings.Contains(body(), "↓ more") {
		t.Errorf("at the help's end there is no more:\n%s", body())
	}
}
