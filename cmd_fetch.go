package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/model"
)

const fetchUsage = `Usage: pithscope fetch [flags] REF [-o FILE] [-v]

Fetches the bundle REF names and writes its bytes, exactly as received, to
standard output or FILE. A bundle is accepted only when it is the one asked
for: one fetched by pith number must hash to it, one fetched by alias must
list it. Sources, in order: the resolver's /pith/ID/bundle.json, its
/.well-known/pith/ID/bundle.json, then the mirrors a cached copy lists; a
network failure falls back to the cache, with a note that it may be stale.

REF: pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T, M5BNRHPUWGA7MHPFDKCQKNVN6T,
pith:M5BNRHPU, M5BNRHPU (or 12 or 16 characters), 1711.04623, 1711.04623v3,
arXiv:1711.04623, 10.48550/arxiv.1711.04623, an http(s) URL, a file, or -.

Exit codes: 0 written, 2 the bundle could not be fetched or written.

Flags:
`

func runFetch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("fetch", fetchUsage, stderr)
	out := fs.String("o", "", "write the bundle to `FILE` (atomically) instead of standard output")
	verbose := fs.Bool("v", false, "print every source tried on standard error")
	var src sourceFlags
	src.fetchFlags.register(fs)
	refs, exit, done := parseArgs(fs, args)
	if done {
		return exit
	}
	if len(refs) != 1 {
		fmt.Fprintln(stderr, "pithscope fetch: give one REF (see pithscope fetch --help)")
		return exitBadInput
	}
	in, err := src.load(context.Background(), refs[0], stdin, nil)
	if err != nil {
		var ferr *fetch.FetchError
		if *verbose && errors.As(err, &ferr) {
			writeAttempts(stderr, attemptLines(ferr.Attempts, nil))
		}
		fmt.Fprintln(stderr, "pithscope fetch:", model.Printable(err.Error()))
		return exitBadInput
	}
	if *verbose {
		writeAttempts(stderr, in.attempts)
		fmt.Fprintln(stderr, "source:", model.Printable(in.source))
	}
	if in.stale != "" {
		fmt.Fprintln(stderr, "pithscope fetch: note:", model.Printable(in.stale))
	}
	// Files and standard input are not checked on the way in; writing
	// something that is not a bundle would only move the problem.
	if _, err := model.Parse(in.data); err != nil {
		fmt.Fprintf(stderr, "pithscope fetch: %s is not a bundle: %s\n", model.Printable(in.source), model.Printable(err.Error()))
		return exitBadInput
	}
	if *out == "" {
		data := in.data
		if isTerminal(stdout) {
			// A terminal would act on C1 controls and bidi overrides the
			// bundle's strings may hold: show those escaped. A pipe or -o
			// gets the bytes exactly as received.
			data = printableLines(data)
			fmt.Fprintln(stderr, "pithscope fetch: standard output is a terminal: control and format characters are shown escaped; use -o FILE or a pipe for the raw bytes")
		}
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintln(stderr, "pithscope fetch:", model.Printable(err.Error()))
			return exitBadInput
		}
		return exitOK
	}
	if err := fetch.WriteFileAtomic(*out, in.data); err != nil {
		fmt.Fprintln(stderr, "pithscope fetch:", model.Printable(err.Error()))
		return exitBadInput
	}
	return exitOK
}

// printableLines escapes each line of data for a terminal, keeping the
// line breaks.
func printableLines(data []byte) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	var out strings.Builder
	for _, line := range lines {
		text, hasNewline := strings.CutSuffix(line, "\n")
		out.WriteString(model.Printable(text))
		if hasNewline {
			out.WriteString("\n")
		}
	}
	return []byte(out.String())
}

// writeAttempts lists the sources tried (lines already printable).
func writeAttempts(w io.Writer, lines []string) {
	for _, l := range lines {
		fmt.Fprintln(w, "  tried", l)
	}
}
