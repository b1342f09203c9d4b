package ui

import (
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// TestCopyInsideTmuxAndScreen: y sends the OSC 52 sequence the terminal
// multiplexer lets through: plain and in tmux's passthrough escape inside
// tmux, in a DCS escape inside screen, plain elsewhere.
func TestCopyInsideTmuxAndScreen(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("10.48550/arxiv.1711.04623"))
	plain := "\x1b]52;c;" + b64 + "\a"
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"terminal", map[string]string{"TERM": "xterm-256color"}, plain},
		{"tmux", map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen-256color"}, plain + "\x1bPtmux;\x1b" + plain + "\x1b\\"},
		{"screen", map[string]string{"TERM": "screen.xterm-256color"}, "\x1bP" + plain + "\x1b\\"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var clip bytes.Buffer
			cfg := testConfig(t, verifytest.RealBundle(t), "embedded", nil)
			cfg.Clipboard = &clip
			m := openModel(t, cfg, 80, 24)
			m.clipModes = clipboardModes(func(k string) string { return c.env[k] })
			press(t, m, "3", "j", "j", "y")
			if clip.String() != c.want {
				t.Fatalf("clipboard got %q, want %q", clip.String(), c.want)
			}
		})
	}
}

// TestTerminalOutputIsTheTerminal: the program's output is the terminal's
// file (Bubble Tea asks its Fd for the size), and whatever is written to
// it, by Write or io.WriteString, reaches the file.
func TestTerminalOutputIsTheTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "tty")
	if err != nil {
		t.Fatal(err)
	}
	out := newTerminalOutput(f)
	var file interface {
		io.ReadWriteCloser
		Fd() uintptr
	} = out
	if file.Fd() != f.Fd() {
		t.Fatal("the output should hand on its file's Fd")
	}
	if _, err := out.Write([]byte("frame")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(out, "\x1b]52;c;eA==\a"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())
	if string(got) != "frame\x1b]52;c;eA==\a" {
		t.Fatalf("the file holds %q", got)
	}
}

// TestLockedWriterKeepsWritesWhole writes frames and clipboard sequences
// from several goroutines to a writer that is not safe for concurrent
// use: under -race an unguarded write fails the test, and each write
// comes out whole.
func TestLockedWriterKeepsWritesWhole(t *testing.T) {
	var buf bytes.Buffer
	w := &lockedWriter{w: &buf}
	frame := strings.Repeat("F", 4096)
	seq := "\x1b]52;c;" + strings.Repeat("Q", 100) + "\a"
	var wg sync.WaitGroup
	for _, s := range []string{frame, seq, frame, seq} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				w.Write([]byte(s))
			}
		}()
	}
	wg.Wait()
	rest := buf.String()
	for len(rest) > 0 {
		switch {
		case strings.HasPrefix(rest, frame):
			rest = rest[len(frame):]
		case strings.HasPrefix(rest, seq):
			rest = rest[len(seq):]
		default:
			t.Fatalf("a write came out cut: %q…", rest[:min(len(rest), 40)])
		}
	}
}
