package ui

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
)

// clipboardModes are the ways an OSC 52 sequence is sent so that the
// terminal sees it. screen passes it on only inside its DCS escape. tmux
// takes it plainly with set-clipboard on, or passes it through inside its
// own escape with allow-passthrough on; both are sent, and a terminal that
// gets both sets the clipboard twice to the same value.
func clipboardModes(getenv func(string) string) []osc52.Mode {
	switch {
	case getenv("TMUX") != "":
		return []osc52.Mode{osc52.DefaultMode, osc52.TmuxMode}
	case strings.HasPrefix(getenv("TERM"), "screen"):
		return []osc52.Mode{osc52.ScreenMode}
	}
	return []osc52.Mode{osc52.DefaultMode}
}

// setClipboard sets the terminal's clipboard with OSC 52, in one write to w
// (the program's output). A value that holds a control or invisible
// character (ESC, a bidi override…) is copied in its escaped form
// (model.ClipboardText), never raw, and the status line says so: pasted
// into a shell, ESC[201~ would end a bracketed paste and run the rest.
// base64 keeps whatever the value holds from reaching the terminal here.
func setClipboard(w io.Writer, modes []osc52.Mode, what, value string) tea.Cmd {
	return func() tea.Msg {
		if w == nil {
			return statusMsg{text: "no terminal to copy to"}
		}
		text, escaped := model.ClipboardText(value)
		var seq strings.Builder
		for _, mode := range modes {
			seq.WriteString(osc52.New(text).Mode(mode).String())
		}
		if _, err := io.WriteString(w, seq.String()); err != nil {
			return statusMsg{text: "copy failed: " + err.Error()}
		}
		status := fmt.Sprintf("copied %s (%s) to the clipboard", what, plural(len(text), "byte"))
		if escaped {
			status += ", escaped: it holds control or invisible characters, copied spelled out as escapes so that pasting it cannot act"
		}
		return statusMsg{text: status}
	}
}

// terminalOutput is the program's output (tea.WithOutput) and the
// clipboard's: the terminal, every write whole under one lock, so a
// clipboard sequence goes out between two frames of the renderer, never
// inside one. It embeds the terminal's file for Bubble Tea, which reads
// the terminal's size through its Fd.
type terminalOutput struct {
	*os.File
	out lockedWriter
}

func newTerminalOutput(f *os.File) *terminalOutput {
	return &terminalOutput{File: f, out: lockedWriter{w: f}}
}

func (t *terminalOutput) Write(b []byte) (int, error) { return t.out.Write(b) }

// WriteString replaces the file's own, which would bypass the lock
// (the renderer writes some sequences with io.WriteString).
func (t *terminalOutput) WriteString(s string) (int, error) { return t.out.Write([]byte(s)) }

// lockedWriter makes each write to w whole: no other write through it
// starts before one ends.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
