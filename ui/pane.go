package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// env is what every pane shares: styles, keys, the layout of the last
// resize and the open session. Panes read the layout; only the root's
// resize handler writes it.
type env struct {
	styles *Styles
	keys   KeyMap
	layout layout
	sess   *session
	// linkRef reads a bundle's string as a reference (Config.LinkRef).
	linkRef func(string) (Link, bool)
}

// link is the bundle a string of the open bundle refers to, or nil: for
// a string that names no bundle, or names the open one (its own number
// and aliases are no way out of it).
func (e *env) link(s string) *Link {
	if e.linkRef == nil || e.sess == nil {
		return nil
	}
	l, ok := e.linkRef(s)
	if !ok || e.sess.names(l.Request) {
		return nil
	}
	return &l
}

// paneID names a pane. Each pane file declares its own; the pane table
// (panes.go) puts them in order.
type paneID string

// target is a place a link leads to.
type target struct {
	pane  paneID
	row   int    // the row to select in that pane, when key is ""
	keyID string // the Keys pane selects by key id
	item  string // the label of the detail item to put the cursor on, or ""
	// steps is a JSON tree node's index path: the Raw pane selects it
	// (unfolding what hides it) rather than a row, which folds move.
	steps []int
}

// pane is what the root routes to. Every pane draws exactly the body
// area the layout gives it.
type pane interface {
	// tabStatus is what the pane's tab shows after its title (a row
	// count), or "".
	tabStatus() string
	reset()   // a new session was opened
	refresh() // checks arrived or verification finished
	resize()
	key(msg tea.KeyMsg) tea.Cmd
	mouse(x, y int, msg tea.MouseMsg) tea.Cmd // pane-local cell coordinates
	view() []string
	helpKeys() []key.Binding
	capturing() bool // typing into a filter: keys go here first
	// modal is a sub-screen (a filter being typed, a comparison) that Esc
	// leaves before it goes back in the jump history.
	modal() bool
	back() bool // handled Esc itself
	show(t target) bool
	location() target
	// describe names a place in the pane for the trail of jumps ("event
	// #2", "key pith-v1-2026-05"), or "".
	describe(t target) string
}

// Messages panes send to the root.
type (
	jumpMsg struct{ to target }
	// openMsg opens the bundle a link refers to.
	openMsg   struct{ link Link }
	statusMsg struct{ text string }
	copyMsg   struct{ what, value string } // both as they are, unescaped
)

func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
