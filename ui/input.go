package ui

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// maxInputChars bounds what a text input holds (a pasted bundle, say).
const maxInputChars = 4096

// newTextInput is a one-line input as the explorer uses them (the open
// prompt, a list's filter): a steady cursor, since blinking would keep a
// timer running for nothing.
func newTextInput(prompt, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = maxInputChars
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}

// editInput passes msg to the input, then keeps only printable text in
// it: a control, a bidi override or a zero-width character, typed or
// pasted (a value copied from a hostile bundle), never reaches the screen
// from an input.
func editInput(in *textinput.Model, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	if v := in.Value(); strings.IndexFunc(v, notPrintable) >= 0 {
		before := []rune(v)[:in.Position()]
		in.SetValue(strings.Map(dropUnprintable, v))
		in.SetCursor(len([]rune(strings.Map(dropUnprintable, string(before)))))
	}
	return cmd
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) }

// dropUnprintable is a strings.Map function that drops what notPrintable
// reports.
func dropUnprintable(r rune) rune {
	if notPrintable(r) {
		return -1
	}
	return r
}
