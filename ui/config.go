// Package ui is pithscope's terminal explorer: one root model (root.go)
// that routes messages to one model per pane (pane_*.go, in the order of
// the pane table, panes.go), over a bundle that loads and verifies in the
// background. It depends on model and verify and knows
// nothing of how bundles are fetched: the command wires that in through
// Config.
package ui

import (
	"context"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/pithscope/pithscope/verify"
)

// Loaded is a bundle's bytes and what is known of where they came from.
type Loaded struct {
	Data      []byte
	Source    string // for people: a path, a URL, "embedded", "cache (fetched 3m ago)"
	Requested verify.Request
	Previous  *verify.PreviousVersion
	Stale     string    // non-empty when served from a cache after a network failure: says so and when
	Attempts  []Attempt // every source tried
	// Learn, when set, is called once with the finished report, off the UI
	// goroutine (it writes the cache); what it returns is shown as a
	// warning on the status line.
	Learn func(*verify.Report) error
}

// Attempt is one source a fetch tried: where, and why it gave no bundle,
// in a few words that tell failures apart ("connection refused", "HTTP
// 500 Internal Server Error", "timed out after 10s"); Why is "" for the
// source that gave the bundle. Both are raw: escaped when drawn.
type Attempt struct {
	Source string
	Why    string
}

// Link is a string of a bundle read as a reference to a bundle: what to
// open (Ref, given to Load) and what the bundle opened must be.
type Link struct {
	Ref     string
	Request verify.Request
}

// RecentBundle is a bundle opened before. Its texts are raw: escaped
// when drawn.
type RecentBundle struct {
	PithNumber string
	Title      string
	Verdict    string // "verified", or the checks that were not ok when last opened
	OpenedAt   time.Time
}

// LoadFunc fetches or reads REF. progress, when called, says what is being
// tried (shown beside the spinner). On failure it may still return the
// attempts made, which the error screen lists.
type LoadFunc func(ctx context.Context, ref string, progress func(string)) (Loaded, error)

// SourcesFunc compares what every source serves for a pith number: each
// copy verified on its own with the explorer's trust, then compared.
// update is told of every source as it is listed and as it answers (its
// index among the comparison's sources), from one goroutine at a time; the
// comparison is returned once every source answered.
type SourcesFunc func(ctx context.Context, pithNumber string, update func(i int, s verify.Source)) (*verify.Comparison, error)

// Config is what the command gives the explorer.
type Config struct {
	// Ref is what to open first; "" opens what Load("") returns (the
	// embedded bundle), unless Prompt asks for the open prompt instead.
	Ref  string
	Load LoadFunc
	// ValidateRef says which form a typed reference has ("pith number",
	// "arXiv id"…) or why it is not one; nil accepts anything.
	ValidateRef func(string) (form string, err error)
	// LinkRef reads a string of a bundle as a reference to a bundle (a
	// pith number in any form, an arXiv id, a DOI, a URL naming one): such
	// strings are links, which enter opens (fetched with Load and verified
	// like any other). nil: no links.
	LinkRef func(s string) (Link, bool)
	// AcceptedForms is the one-line list of what the open prompt accepts.
	AcceptedForms string
	Trust         *verify.TrustStore
	// TrustKeyFiles are the --trust-key files Trust was built from: the
	// command `e` shows to check an evidence file names each of them.
	TrustKeyFiles []string
	// Watch, when positive, refetches every Watch from the start; `w`
	// toggles watching (with DefaultWatch when Watch is zero).
	Watch time.Duration
	// Prompt opens the open prompt first when Ref is empty.
	Prompt bool
	// Sources compares the open record's sources (s, the Sources pane);
	// nil: not available. SourcesAtOpen starts it when the first bundle
	// opens.
	Sources       SourcesFunc
	SourcesAtOpen bool
	// EvidenceDir is where `e` writes evidence files ("" = current dir).
	EvidenceDir string
	// Recent lists at most limit bundles opened before (from the cache,
	// which holds only verified ones), most recent first, for the open
	// prompt; nil: none.
	Recent func(limit int) ([]RecentBundle, error)
	// Theme picks the colours for a dark or a light background ("" is
	// auto: ask the terminal).
	Theme Theme
	// Clipboard receives OSC 52 copy sequences (nil: the program's own
	// output, the terminal it draws on).
	Clipboard io.Writer
}

// DefaultWatch is the refetch period `w` uses when --watch was not given.
const DefaultWatch = 30 * time.Second

// Run starts the explorer on the terminal and returns when it quits.
func Run(cfg Config) error {
	// Ask the terminal for its background (unless the theme says) before
	// Bubble Tea owns it: a query sent later would race the program's own
	// input reading.
	if cfg.Theme != ThemeDark && cfg.Theme != ThemeLight {
		lipgloss.HasDarkBackground()
	}
	out := newTerminalOutput(os.Stdout)
	if cfg.Clipboard == nil {
		cfg.Clipboard = out
	}
	m := New(cfg)
	m.clipModes = clipboardModes(os.Getenv)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithOutput(out))
	_, err := p.Run()
	m.shutdown()
	return err
}
