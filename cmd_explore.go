package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/ui"
	"github.com/pithscope/pithscope/verify"
)

const exploreUsage = `Usage: pithscope [--trust-key FILE] [--resolver URL] [--offline] [--watch DURATION] [--prompt] [--theme THEME] [--sources] [--mirror URL] [REF]

Opens the terminal explorer on REF (a pith number, short number, arXiv id,
DOI, URL, file path, or - for standard input); with no REF, the bundle built
into the program, offline. Every check runs in the background and its badge
turns from … to ✓ ok, ✗ fail or ? unknown as it is decided. Press ? inside
for the keys.

Flags:
`

// runExplore parses the explorer's flags and runs the ui with a loader
// that reads REF the way pithscope verify does.
func runExplore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("pithscope", exploreUsage, stderr)
	var src sourceFlags
	src.register(fs)
	watch := fs.Duration("watch", 0, "refetch and re-verify every `DURATION` (w toggles watching)")
	prompt := fs.Bool("prompt", false, "with no REF, start at the open prompt instead of the embedded bundle")
	themeName := fs.String("theme", "", "colours for a `THEME` background: auto, dark or light (default $PITHSCOPE_THEME, else auto)")
	var sf sourcesFlags
	fs.BoolVar(&sf.sources, "sources", false, "compare what every source serves for the bundle as soon as it opens (s does it inside)")
	fs.Var(&sf.mirrors, "mirror", "also compare the mirror at `URL` (a base URL or a bundle URL; repeatable; also $PITH_MIRRORS, comma-separated)")
	refs, exit, done := parseArgs(fs, args)
	if done {
		return exit
	}
	if len(refs) > 1 {
		fmt.Fprintln(stderr, "pithscope: give one REF (or none for the embedded bundle)")
		return exitBadInput
	}
	ref := ""
	if len(refs) == 1 {
		ref = refs[0]
	}
	if _, err := fetch.ParseRef(ref); err != nil {
		fmt.Fprintln(stderr, "pithscope:", model.Printable(err.Error()))
		return exitBadInput
	}
	if *themeName == "" {
		*themeName = os.Getenv("PITHSCOPE_THEME")
	}
	theme, err := ui.ParseTheme(*themeName)
	if err != nil {
		fmt.Fprintln(stderr, "pithscope: --theme or PITHSCOPE_THEME:", model.Printable(err.Error()))
		return exitBadInput
	}
	trust, err := src.trustStore()
	if err != nil {
		fmt.Fprintln(stderr, "pithscope:", model.Printable(err.Error()))
		return exitBadInput
	}
	for _, m := range sf.mirrorList() {
		if err := fetch.CheckMirror(m); err != nil {
			fmt.Fprintln(stderr, "pithscope: --mirror:", model.Printable(err.Error()))
			return exitBadInput
		}
	}
	// Standard input can be read once: keep it, so that refreshing or
	// reopening "-" shows the same bytes instead of an empty read. It is
	// read before the program starts, which then takes its keys from the
	// terminal.
	var stdinData []byte
	if ref == "-" {
		l, err := src.load(context.Background(), "-", stdin, nil)
		if err != nil {
			fmt.Fprintln(stderr, "pithscope:", model.Printable(err.Error()))
			return exitBadInput
		}
		stdinData = l.data
	}
	err = ui.Run(ui.Config{
		Ref: ref, Load: src.exploreLoader(stdinData), ValidateRef: describeRef, AcceptedForms: fetch.AcceptedForms, Recent: src.recentBundles, LinkRef: linkRef,
		Trust: trust, TrustKeyFiles: src.trustKeys, Watch: *watch, Prompt: *prompt, Theme: theme,
		Sources: compareSourcesFunc(&src, trust, sf.mirrorList()), SourcesAtOpen: sf.sources,
	})
	if err != nil {
		fmt.Fprintln(stderr, "pithscope:", model.Printable(err.Error()))
		return exitBadInput
	}
	return exitOK
}

// exploreLoader reads a reference for the explorer the way pithscope
// verify does; "-" is stdinData, read once before the program started.
func (src *sourceFlags) exploreLoader(stdinData []byte) ui.LoadFunc {
	return func(ctx context.Context, ref string, progress func(string)) (ui.Loaded, error) {
		if ref == "-" && stdinData != nil {
			return ui.Loaded{Data: stdinData, Source: "stdin"}, nil
		}
		l, err := src.load(ctx, ref, strings.NewReader(""), progress)
		if err != nil {
			// The explorer lists the attempts itself, one a line; the
			// error says what failed without repeating them.
			var fe *fetch.FetchError
			if errors.As(err, &fe) {
				return ui.Loaded{Attempts: uiAttempts(fe.Attempts)}, fmt.Errorf("cannot fetch %s: %w", fe.Ref, fe.Err)
			}
			return ui.Loaded{}, err
		}
		out := ui.Loaded{
			Data: l.data, Source: l.source, Requested: l.requested, Previous: l.previous, Stale: l.stale,
			Learn: func(r *verify.Report) error {
				if notes := l.learn(r); len(notes) > 0 {
					return errors.New(strings.Join(notes, "; "))
				}
				return nil
			},
		}
		if l.fetched != nil {
			out.Attempts = uiAttempts(l.fetched.Attempts)
		}
		return out, nil
	}
}

// recentBundles lists, for the open prompt, the bundles the cache holds
// (it holds only verified ones), most recently opened first.
func (f *fetchFlags) recentBundles(limit int) ([]ui.RecentBundle, error) {
	dir, err := fetch.DefaultCacheDir(f.cacheDir)
	if err != nil {
		return nil, err
	}
	list, err := (&fetch.Cache{Dir: dir}).Recent(limit)
	out := make([]ui.RecentBundle, len(list))
	for i, r := range list {
		out[i] = ui.RecentBundle{PithNumber: r.PithNumber, Title: r.Title, Verdict: r.Verdict, OpenedAt: r.OpenedAt}
	}
	return out, err
}

// linkRef reads a string of a bundle as a link to a bundle, the way
// fetch.ParseLink does: opening it fetches (and verifies) that id.
func linkRef(s string) (ui.Link, bool) {
	r, ok := fetch.ParseLink(s)
	if !ok {
		return ui.Link{}, false
	}
	return ui.Link{Ref: r.String(), Request: r.Request()}, true
}

// uiAttempts are the sources a fetch tried, as the explorer shows them.
func uiAttempts(attempts []fetch.Attempt) []ui.Attempt {
	out := make([]ui.Attempt, len(attempts))
	for i, a := range attempts {
		out[i] = ui.Attempt{Source: a.URL, Why: a.Why()}
	}
	return out
}

// compareSourcesFunc is the explorer's comparison of sources: what verify
// --sources does, for the pith number of the open bundle.
func compareSourcesFunc(src *sourceFlags, trust *verify.TrustStore, mirrors []string) ui.SourcesFunc {
	return func(ctx context.Context, number string, update func(int, verify.Source)) (*verify.Comparison, error) {
		ref, err := fetch.ParseRef(number)
		if err != nil {
			return nil, err
		}
		f, err := src.fetcher(nil)
		if err != nil {
			return nil, err
		}
		return f.CompareSources(ctx, ref, fetch.CompareOptions{Trust: trust, Mirrors: mirrors, Update: update})
	}
}

// describeRef says, for the open prompt, what a typed reference was
// recognised as, or (briefly: the prompt lists the accepted forms) why it
// is not one.
func describeRef(s string) (string, error) {
	r, err := fetch.ParseRef(s)
	if err != nil {
		msg := err.Error()
		if i := strings.Index(msg, "give "+fetch.AcceptedForms); i >= 0 {
			msg = strings.TrimRight(msg[:i], "; :")
		}
		return "", errors.New(msg)
	}
	form := r.Kind.String() + " " + r.String()
	if r.Kind != fetch.URL && strings.Contains(s, "://") {
		form += " from the page URL"
	}
	if r.Networked() {
		form += " (fetched, or read from the cache)"
	}
	return form, nil
}
