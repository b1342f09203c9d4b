package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap is every key the explorer answers to, with its help text. The
// short help line is built per pane from these bindings (helpLine); `?`
// shows FullHelp.
type KeyMap struct {
	NextPane, PrevPane, GoToPane  key.Binding
	Up, Down, Left, Right         key.Binding
	Top, Bottom, PageUp, PageDown key.Binding
	Enter, Back, PrevBundle       key.Binding
	Filter, NextMatch, PrevMatch  key.Binding
	FailingOnly                   key.Binding
	NextFailing, PrevFailing      key.Binding
	// the JSON trees: unfold and fold all, or one level across the tree
	UnfoldAll, FoldAll       key.Binding
	UnfoldLevel, FoldLevel   key.Binding
	Copy, CopyPath, Evidence key.Binding
	DiffOnly                 key.Binding // the fork comparison
	Open, Refresh, Watch     key.Binding
	Sources                  key.Binding // compare what every source serves
	Help, Quit               key.Binding
}

// DefaultKeyMap is the key map the explorer ships with.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		NextPane: b("tab", "pane", "tab"),
		PrevPane: b("shift+tab", "pane back", "shift+tab"),
		GoToPane: goToPane(),
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "move", "down", "j"),
		Left:     b("←/h", "fold / list", "left", "h"),
		Right:    b("→/l", "unfold / detail", "right", "l"),
		Top:      b("g/G", "top/bottom", "g", "home"),
		Bottom:   b("G", "bottom", "G", "end"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+d", " "),
		Enter:    b("enter", "open", "enter"),
		Back:     b("esc", "back", "esc", "backspace"),
		// backspace at the top level does it too
		PrevBundle: b("alt+←", "previous bundle (⌫ at the top)", "alt+left"),
		Filter:     b("/", "filter", "/"),
		NextMatch:  b("n/N", "next/prev", "n"),
		PrevMatch:  b("N", "prev", "N"),
		// ! and ] [ put failures first, in every list
		FailingOnly: b("!", "failing only", "!"),
		NextFailing: b("]/[", "next/prev failing", "]"),
		PrevFailing: b("[", "prev failing", "["),
		UnfoldAll:   b("E/C", "unfold/fold all", "E"),
		FoldAll:     b("C", "fold all", "C"),
		UnfoldLevel: b("+/-", "a level more/less", "+"),
		FoldLevel:   b("-", "a level less", "-"),
		Copy:        b("y", "copy", "y"),
		CopyPath:    b("Y", "copy JSON path", "Y"),
		Evidence:    b("e", "evidence file", "e"),
		DiffOnly:    b("d", "differences only", "d"),
		Open:        b("o", "open", "o"),
		Refresh:     b("r", "refresh", "r"),
		Watch:       b("w", "watch", "w"),
		Sources:     b("s", "compare sources", "s"),
		Help:        b("?", "help", "?"),
		Quit:        b("q", "quit", "q", "ctrl+c"),
	}
}

// goToPane is the number keys of the pane table: "1-9" for nine panes.
func goToPane() key.Binding {
	var keys []string
	for i := range paneTable {
		if k := paneKey(i); k != "" {
			keys = append(keys, k)
		}
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0]+"-"+keys[len(keys)-1], "pane"))
}

// moveDelta turns a movement key into a cursor step over total rows: one
// row, a page of page rows, or to either end; ok is false for other keys.
func (k KeyMap) moveDelta(msg tea.KeyMsg, total, page int) (delta int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.Top):
		return -total, true
	case key.Matches(msg, k.Bottom):
		return total, true
	case key.Matches(msg, k.PageUp):
		return -page, true
	case key.Matches(msg, k.PageDown):
		return page, true
	}
	return 0, false
}

// step is 1 when msg is the forward key of a pair (n of n/N, ] of ] [),
// else -1.
func step(msg tea.KeyMsg, forward key.Binding) int {
	if key.Matches(msg, forward) {
		return 1
	}
	return -1
}

// treeOp is the fold key msg is, if any.
func (k KeyMap) treeOp(msg tea.KeyMsg) (treeOp, bool) {
	switch {
	case key.Matches(msg, k.UnfoldAll):
		return unfoldAll, true
	case key.Matches(msg, k.FoldAll):
		return foldAll, true
	case key.Matches(msg, k.UnfoldLevel):
		return unfoldOne, true
	case key.Matches(msg, k.FoldLevel):
		return foldOne, true
	}
	return 0, false
}

// ShortHelp is the app-wide part of the bottom help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextPane, k.Help, k.Quit}
}

// FullHelp is the `?` screen, one column per group: moving, going
// places, finding, the JSON trees and copying, the program.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.Top, k.PageUp, k.PageDown},
		{k.NextPane, k.PrevPane, k.GoToPane, k.Enter, k.Back, k.PrevBundle},
		{k.Filter, k.NextMatch, k.FailingOnly, k.NextFailing, k.DiffOnly},
		{k.UnfoldAll, k.UnfoldLevel, k.Copy, k.CopyPath, k.Evidence},
		{k.Open, k.Refresh, k.Watch, k.Sources, k.Help, k.Quit},
	}
}
