package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// evil holds what a hostile server would put in a string: an OSC 52
// clipboard write, a screen clear, a colour, bidi overrides and isolates,
// zero-width characters, a bell, C1 controls, and a 10,000-character line.
var evil = "\x1b]52;c;ZXZpbA==\a\x1b[2J\x1b[31mred\u202eevil\u2066x\u2069\u200b\u200f\x07\u009b\u0085" + strings.Repeat("A", 10000)

// hostileBundle puts evil in the title, aliases, signer, payload keys and
// values, key notes and event type: what arrives tampered (and fails its
// checks) must still draw safely.
func hostileBundle() []byte {
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", evil)
	b.AddSnapshot("2026-01-01T02:00:00Z", a, "fork "+evil)
	b.AddSnapshot("2026-01-01T02:00:01Z", a, "other fork "+evil)
	return verifytest.Edit(b.Build(), func(m map[string]any) {
		aliases := m["source_aliases"].([]any)
		m["source_aliases"] = append(aliases, map[string]any{"alias_kind": evil, "alias_value": evil, "created_at": evil})
		aliases[0].(map[string]any)["alias_value"] = evil
		events := m["events"].([]any)
		e := events[1].(map[string]any)
		e["signer"].(map[string]any)["signer_id"] = evil
		e["payload"].(map[string]any)[evil] = map[string]any{evil: evil}
		events[3].(map[string]any)["event_type"] = evil
		m["public_keys"].([]any)[0].(map[string]any)["notes"] = evil
		m["state"].(map[string]any)["current"].(map[string]any)["graph_snapshots"] = []any{events[1]}
		m["source"].(map[string]any)["id"] = evil
	})
}

// signedHostileBundle puts evil in a validly signed snapshot (its title,
// a paper field of its own, a section) and in a second key's id, with
// every signature holding and the key trusted: what verifies must draw
// safely too, in the places only a current snapshot reaches.
func signedHostileBundle() ([]byte, *verify.TrustStore) {
	b := verifytest.New().WithRecord()
	payload := b.SnapshotPayload(evil, 1)
	snapshot := payload["graph_snapshot"].(map[string]any)
	snapshot["paper"].(map[string]any)[evil] = evil
	snapshot[evil] = map[string]any{"count": 1, evil: evil}
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T01:00:00Z", Payload: payload})
	return b.Build(), b.Signer.Trust()
}

// unsafeRune reports what must never reach the terminal from a bundle: ESC
// and every other C0/C1 control, bidi controls, zero-width characters.
func unsafeRune(r rune) bool {
	switch {
	case r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x061c, r == 0xfeff:
		return true
	}
	return false
}

func TestHostileStringsRenderEscaped(t *testing.T) {
	data := hostileBundle()
	// Each pane, with its detail open and trees unfolded, so every string
	// of the bundle is drawn somewhere.
	setups := map[string][]string{
		"overview": {"1", "G", "pgup", "j", "j"},
		"events":   {"2", "j", "enter", "G", "right", "right", "G"},
		"events-3": {"2", "G", "enter"},
		"aliases":  {"3", "G"},
		"aliases0": {"3", "g", "enter"},
		"graph":    {"4", "g"},
		"graph-in": {"4", "g", "enter"},
		"graph-G":  {"4", "G", "enter"},
		"keys":     {"5", "enter", "G"},
		"state":    {"6", "G"},
		"forks":    {"7", "enter"},
		"raw":      {"8", "j", "j", "j", "j", "j", "j", "j", "enter", "j", "enter", "j", "right"},
		"help":     {"?"},
		"prompt":   {"o"},
	}
	signed, trust := signedHostileBundle()
	bundles := []struct {
		name  string
		data  []byte
		trust *verify.TrustStore
	}{{"tampered", data, nil}, {"signed", signed, trust}}
	for _, size := range sizes {
		for name, keys := range setups {
			for _, b := range bundles {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", b.name, name, size.w, size.h), func(t *testing.T) {
					m := openModel(t, testConfig(t, b.data, "hostile"+evil+".json", b.trust), size.w, size.h)
					press(t, m, keys...)
					for step := 0; step < 6; step++ {
						view := m.View()
						checkScreen(t, view, size.w, size.h)
						for i, r := range view {
							if unsafeRune(r) {
								t.Fatalf("raw %U at byte %d reached the screen:\n%q", r, i, view)
							}
						}
						press(t, m, "j")
					}
				})
			}
		}
	}
}

// TestHostileCopyIsEscaped: y never puts a control character on the
// clipboard unannounced: a value holding one is copied in its escaped
// form (base64 in OSC 52), and the status line says so.
func TestHostileCopyIsEscaped(t *testing.T) {
	var clip strings.Builder
	cfg := testConfig(t, hostileBundle(), "hostile.json", nil)
	cfg.Clipboard = &clip
	m := openModel(t, cfg, 80, 24)
	press(t, m, "3", "G", "y")
	if !strings.HasPrefix(clip.String(), "\x1b]52;c;") || strings.ContainsAny(clip.String()[7:len(clip.String())-1], "\x1b\a") {
		t.Fatalf("the OSC 52 sequence must carry the value base64-encoded: %q", clip.String()[:40])
	}
	if got := osc52Value(t, clip.String()); got != model.Printable(evil) {
		t.Fatalf("the clipboard holds %.60q, want the escaped form of the value", got)
	}
	if !strings.Contains(m.status, ", escaped: it holds control or invisible characters") {
		t.Fatalf("the status should say the copy is escaped: %q", m.status)
	}
	for _, r := range m.View() {
		if unsafeRune(r) {
			t.Fatalf("raw %U in the status after copying", r)
		}
	}
	press(t, m, "g", "j", "y") // a plain value is copied as it is, unannounced
	if got := osc52Value(t, clip.String()); got != "2101.00001v1" || strings.Contains(m.status, "escaped") {
		t.Fatalf("a plain value: copied %q, status %q", got, m.status)
	}
}

// statusText is the status lines as drawn, joined.
func statusText(m *Model) string {
	lines := strings.Split(m.View(), "\n")
	return strings.Join(lines[len(lines)-1-m.env.layout.statusLines:len(lines)-1], " ")
}

// TestEscapedOnce: a bundle's string is escaped once on its way to the
// screen, so a control character (shown \u202e) never reads like the six
// characters \u202e typed in the bundle (shown \\u202e), in a pane, in
// the header, on the status line.
func TestEscapedOnce(t *testing.T) {
	b := verifytest.New().WithRecord()
	title := "typed \\u202e, real \u202e"
	b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	data := verifytest.Restate(verifytest.Edit(b.Build(), func(m map[string]any) {
		m["source_aliases"] = append(m["source_aliases"].([]any), map[string]any{"alias_kind": "kind\u202e", "alias_value": "plain", "created_at": "2026-01-01T00:00:00Z"})
	}), b.Signer, b.Signer.Trust())
	m := openModel(t, testConfig(t, data, "once.json", b.Signer.Trust()), 200, 50)
	want := `typed \\u202e, real \u202e`
	if got := model.Printable(title); got != want {
		t.Fatalf("Printable(%q) = %q, want %q", title, got, want)
	}
	if header := strings.Split(m.View(), "\n")[0]; !strings.HasPrefix(header, want+" ") {
		t.Errorf("the header should show the title escaped once: %q", header)
	}
	press(t, m, "3", "G", "y")
	if footer := statusText(m); !strings.HasPrefix(footer, `copied kind\u202e alias (5 bytes) to the clipboard `) {
		t.Errorf("the status should show the alias kind escaped once: %q", footer)
	}
	press(t, m, "8", "/")
	typeText(t, m, "typed")
	press(t, m, "enter", "y")
	view := m.View()
	footer := statusText(m)
	if !strings.Contains(view, want) || !strings.HasPrefix(footer, "copied $.events[1].payload.graph_snapshot.") ||
		!strings.Contains(m.status, "to the clipboard, escaped: it holds control or invisible characters") {
		t.Errorf("Raw shows the value escaped once, and the status says what was copied, escaped:\n%s", view)
	}
}

// FuzzUpdate feeds random key, mouse and resize sequences to the explorer
// on the real bundle: nothing may panic, and every frame must fill the
// terminal exactly.
func FuzzUpdate(f *testing.F) {
	for _, seed := range []string{"2jjl\rkkhq", "8\r\r\rjjjj/a\rnN", "7\re\x1b\x1b", "o1711\r\x1b", "?\x1b\t\t\t3yy", "/zz\x7f\x7f\r", "6G\rlllhhh",
		"2!]][[!", "8E-+CYy\rjjj\r", "7\rdnNd", "\x124/gra\r", "1!]\x13\x7f", "o\x0f\x0e\r"} {
		f.Add([]byte(seed))
	}
	data := verifytest.RealBundle(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 200 {
			script = script[:200]
		}
		cfg := testConfig(t, data, "embedded", nil)
		cfg.EvidenceDir = dir
		cfg.Watch = time.Millisecond // w must not start a 30s timer the harness would wait on
		m := openModel(t, cfg, 80, 24)
		w, h := 80, 24
		for i := 0; i < len(script); i++ {
			msg := fuzzMsg(script, &i)
			if size, ok := msg.(tea.WindowSizeMsg); ok {
				w, h = size.Width, size.Height
			}
			settle(t, m, func() tea.Msg { return msg })
			if view := m.View(); w >= minUsableWidth && h >= minUsableHeight {
				checkScreen(t, view, w, h)
			}
		}
	})
}

// fuzzMsg turns the byte at *i (and maybe the ones after it) into a
// message: mostly keys, sometimes a resize or a mouse event.
func fuzzMsg(script []byte, i *int) tea.Msg {
	c := script[*i]
	next := func() int {
		if *i+1 < len(script) {
			*i++
			return int(script[*i])
		}
		return 0
	}
	switch c {
	case 0x01:
		return tea.WindowSizeMsg{Width: next()%220 + 1, Height: next()%60 + 1}
	case 0x02:
		return tea.MouseMsg{X: next() % 200, Y: next() % 50, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
	case 0x03:
		return tea.MouseMsg{X: next() % 200, Y: next() % 50, Button: tea.MouseButtonWheelDown}
	case 0x04:
		return tea.MouseMsg{X: next() % 200, Y: next() % 50, Button: tea.MouseButtonWheelUp}
	case '\r':
		return keyMsg("enter")
	case 0x1b:
		return keyMsg("esc")
	case '\t':
		return keyMsg("tab")
	case 0x7f:
		return keyMsg("backspace")
	case 0x05:
		return keyMsg("shift+tab")
	case 0x06:
		return keyMsg("pgdown")
	case 0x0e:
		return keyMsg("up")
	case 0x0f:
		return keyMsg("down")
	case 0x10:
		return keyMsg("left")
	case 0x11:
		return keyMsg("right")
	case 0x12:
		// letters read together (a paste): the next few bytes, one message
		n := next() % 8
		var runes []rune
		for range n {
			runes = append(runes, rune(next()))
		}
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: runes}
	case 0x13:
		return tea.KeyMsg{Type: tea.KeyLeft, Alt: true}
	case 'q':
		return keyMsg("x") // quitting would end the script early
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{rune(c)}}
}
