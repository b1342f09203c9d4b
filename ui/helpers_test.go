package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

func TestMain(m *testing.M) {
	// Golden files and assertions read plain text: no colour, no
	// attributes, whatever terminal runs the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// forkedBundle is a generated bundle with a fork (two snapshots naming
// the same prev_event, one with fewer claims) and an event whose
// signature was tampered with, and a trust store that trusts its signer.
// Every snapshot agrees with the record (record_match), so what fails is
// the fork and the tampered signature.
func forkedBundle() ([]byte, *verify.TrustStore) {
	const title = "A Paper Forked in Two"
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T02:00:01Z", PrevEvent: a,
		Payload: b.SnapshotPayload(title, 2)})
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T03:00:00Z", PrevEvent: a,
		Payload: b.SnapshotPayload(title, 1), BadSignature: true})
	return b.Build(), b.Signer.Trust()
}

// testConfig opens data under the given source name; any other reference
// fails, as an unreachable resolver would.
func testConfig(t testing.TB, data []byte, source string, trust *verify.TrustStore) Config {
	return Config{
		Load: func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
			if progress != nil {
				progress("reading " + source)
			}
			if ref != "" && ref != source {
				return Loaded{Attempts: []Attempt{{Source: "https://resolver.test/pith/" + ref, Why: "HTTP 404 Not Found"}}}, errors.New("not found: " + ref)
			}
			return Loaded{Data: data, Source: source}, nil
		},
		ValidateRef: func(s string) (string, error) {
			if strings.ContainsAny(s, " \t") {
				return "", errors.New("a reference has no spaces")
			}
			return "reference " + s, nil
		},
		LinkRef:     testLinkRef,
		Trust:       trust,
		EvidenceDir: t.TempDir(),
		Clipboard:   io.Discard,
	}
}

// testLinkRef reads pith:… and arXiv-shaped text as links, as
// fetch.ParseLink does for the command (which ui does not import).
func testLinkRef(s string) (Link, bool) {
	if rest, ok := strings.CutPrefix(s, "pith:"); ok {
		parts := strings.Split(rest, ":")
		req := verify.Request{Text: s, PithPrefix: parts[len(parts)-1]}
		if len(parts) == 2 {
			req.PithYear = parts[0]
		}
		return Link{Ref: s, Request: req}, true
	}
	if arxivShape.MatchString(s) {
		return Link{Ref: s, Request: verify.Request{Text: s, Alias: s}}, true
	}
	return Link{}, false
}

var arxivShape = regexp.MustCompile(`^[0-9]{4}\.[0-9]{4,5}(v[0-9]+)?$`)

// openModel builds a model of size w×h with the bundle loaded and every
// check in.
func openModel(t testing.TB, cfg Config, w, h int) *Model {
	t.Helper()
	m := New(cfg)
	m.still = true
	settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} })
	settle(t, m, m.Init())
	if m.env.sess == nil || !m.env.sess.checks.done {
		t.Fatalf("bundle not open and verified after Init (status %q)", m.status)
	}
	return m
}

// openUnverified runs the model's fetch up to the loaded bundle, whose
// checks are not in yet, and returns the command that verifies it.
func openUnverified(t testing.TB, m *Model) tea.Cmd {
	t.Helper()
	var loaded tea.Msg
	for queue := []tea.Cmd{m.Init()}; loaded == nil && len(queue) > 0; queue = queue[1:] {
		switch msg := runCmd(t, queue[0]).(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case bundleLoadedMsg:
			loaded = msg
		case fetchProgressMsg:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
	_, verifying := m.Update(loaded)
	return verifying
}

// settle runs cmd, feeds its message to the model, and runs what that
// returns, until nothing is left: the program's loop without a terminal.
// Spinner and watch ticks are dropped (they would tick forever).
func settle(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 100000 {
			t.Fatal("the model did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := runCmd(t, c)
		switch msg := msg.(type) {
		case nil, spinner.TickMsg, tickMsg:
		case tea.QuitMsg:
			return
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			if cmds, ok := sequence(msg); ok {
				queue = append(queue, cmds...)
				continue
			}
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// sequence unpacks what tea.Sequence returns (its message type is
// Bubble Tea's own): the commands, to run in order.
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// runCmd runs one command with a deadline, so a command that blocks for
// ever fails the test instead of hanging it.
func runCmd(t testing.TB, c tea.Cmd) tea.Msg {
	t.Helper()
	out := make(chan tea.Msg, 1)
	go func() { out <- c() }()
	select {
	case msg := <-out:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("a command blocked for 10s")
		return nil
	}
}

// press sends keys to the model (settling after each). Names are
// bubbletea key names ("enter", "tab", "esc") or runes.
func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		settle(t, m, func() tea.Msg { return keyMsg(k) })
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// typeText sends each rune of s as a key.
func typeText(t testing.TB, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}} })
	}
}

// checkScreen asserts what every frame must be: exactly w×h cells.
func checkScreen(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("view has %d lines, want %d:\n%s", len(lines), h, view)
	}
	for i, l := range lines {
		if n := width(l); n != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, n, w, l)
		}
	}
}
