package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const fetchUsage = `Usage: pithscope fetch [flags] REF [-o FILE] [-v]

Fetches the bundle REF names, verifies it, and writes its bytes, exactly as
received, to standard output or FILE. A bundle is accepted only when it is
the one asked for: one fetched by pith number must hash to it, one fetched
by alias must list it. Sources, in order: the resolver's
/pith/ID/bundle.json, its /.well-known/pith/ID/bundle.json, then the
mirrors a verified copy named; a network failure falls back to the cache,
with a note that it may be stale.

Only a bundle whose every signature verifies with a trusted key (the pinned
Pith key, or --trust-key) is cached, and only it teaches the rollback
history, the alias index and the mirror list; the bytes of one that does not
are written all the same, kept apart in the cache, and the exit code is 1.

REF: pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T, M5BNRHPUWGA7MHPFDKCQKNVN6T,
pith:M5BNRHPU, M5BNRHPU (or 12 or 16 characters), 1711.04623, 1711.04623v3,
arXiv:1711.04623, 10.48550/arxiv.1711.04623, https://arxiv.org/abs/1711.04623,
https://doi.org/10.48550/arXiv.1711.04623, an http(s) URL of a bundle, a
file (./NAME, a path with a slash, or NAME.json), or -.

Exit codes: 0 written and verified, 1 written but some check failed or is
unknown (see pithscope verify), 2 the bundle could not be fetched or written.

Flags:
`

func runFetch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("fetch", fetchUsage, stderr)
	out := fs.String("o", "", "write the bundle to `FILE` (a new or regular file is replaced atomically; a symlink, device or FIFO is written through)")
	verbose := fs.Bool("v", false, "print every request made on standard error")
	var src sourceFlags
	src.register(fs)
	refs, exit, done := parseArgs(fs, args)
	if done {
		return exit
	}
	if len(refs) != 1 {
		fmt.Fprintln(stderr, "pithscope fetch: give one REF (see pithscope fetch --help)")
		return exitBadInput
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "pithscope fetch:", model.Printable(err.Error()))
		return exitBadInput
	}
	trust, err := src.trustStore()
	if err != nil {
		return fail(err)
	}
	in, err := src.load(context.Background(), refs[0], stdin, nil)
	if err != nil {
		var ferr *fetch.FetchError
		if *verbose && errors.As(err, &ferr) {
			writeAttempts(stderr, attemptLines(ferr.Attempts))
		}
		return fail(err)
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
	b, evidence, err := in.document()
	if err == nil && evidence != nil {
		err = errors.New("an evidence file, not a bundle")
	}
	if err != nil {
		fmt.Fprintf(stderr, "pithscope fetch: %s is not a bundle: %s\n", model.Printable(in.source), model.Printable(err.Error()))
		return exitBadInput
	}
	report := verify.Run(context.Background(), b, verify.Options{Trust: trust, Requested: in.requested, Previous: in.previous}, nil)
	for _, note := range in.learn(report) {
		fmt.Fprintln(stderr, "pithscope fetch:", model.Printable(note))
	}
	if code := writeFetched(*out, in.data, stdout, stderr); code != exitOK {
		return code
	}
	if !report.OK() {
		fmt.Fprintf(stderr, "pithscope fetch: written, but it did not verify (%s); see pithscope verify\n", model.Printable(fetch.NotOK(report)))
		return exitFailed
	}
	return exitOK
}

// writeFetched writes a bundle's bytes to the file -o names, or to
// standard output.
func writeFetched(path string, data []byte, stdout, stderr io.Writer) int {
	var err error
	switch {
	case path != "":
		err = fetch.WriteOutput(path, data)
	case isTerminal(stdout):
		// A terminal would act on C1 controls and bidi overrides the
		// bundle's strings may hold: show those escaped. A pipe or -o
		// gets the bytes exactly as received.
		fmt.Fprintln(stderr, "pithscope fetch: standard output is a terminal: control and format characters are shown escaped; use -o FILE or a pipe for the raw bytes")
		_, err = stdout.Write(printableLines(data))
	default:
		_, err = stdout.Write(data)
	}
	if err != nil {
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
