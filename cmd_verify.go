package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const verifyUsage = `Usage: pithscope verify [--json] [--trust-key FILE] [--resolver URL] [--offline] [REF]
       pithscope verify [flags] [--jobs N] REF... | --dir DIR

Verifies every digest, signature and derivation of a bundle, recomputes its
merged state, and prints one line per check (or, with --json, one report).
REF is a pith number (pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T, its body, or
pith:M5BNRHPU and the other short forms), an arXiv id (1711.04623v3), a DOI,
an http(s) URL, a file path, or - for standard input; with no REF, the
embedded bundle. A bundle fetched by id must be the one asked for
(requested_id), and must keep every event a version seen before had
(rollback).

An equivocation evidence file (written by the explorer's "e" key) is
recognised and checked on its own, with its own verdict: "FORK PROVEN: KEY
signed N events for TARGET after PREV" (exit 0) when its events are validly
signed by one key you trust (pinned or --trust-key) for the same place in
its chain, else "FORK NOT PROVEN: why" (exit 1).

The text report ends with the keys whose signatures verified and what each
signed, the graph snapshot a reader may show (the last one applied), the
values no check proves ("not verified"), and the verdict: VERIFIED (naming
the keys behind it when one is not pinned: VERIFIED · pith-v1-2026-05 + your
key test-key-1) or NOT VERIFIED.

With several REFs or --dir (every *.json file below DIR), bundles are
verified in parallel (--jobs, default one per core) and one result is
printed per bundle as it finishes (with --json, one JSON object per line:
the single-bundle schema plus "source", or {"source","error"} when a bundle
cannot be read), then a summary (bundles ok / failed / unreadable, failed
checks by name). A progress line goes to stderr when it is a terminal.

Exit codes: 0 every check ok (every bundle passed), 1 some check failed or
is unknown, 2 some input could not be read, fetched or parsed.

Flags:
`

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", "", stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	dir := fs.String("dir", "", "verify every *.json bundle below `DIR`")
	jobs := fs.Int("jobs", runtime.GOMAXPROCS(0), "verify `N` bundles at once (batch mode)")
	var src sourceFlags
	src.register(fs)
	fs.Usage = func() { writeVerifyUsage(stderr, fs) } // on stderr, like fetch and serve
	refs, exit, done := parseArgs(fs, args)
	if done {
		return exit
	}
	trust, err := src.trustStore()
	if err != nil {
		fmt.Fprintln(stderr, "pithscope verify:", model.Printable(err.Error()))
		return exitBadInput
	}
	if *dir != "" || len(refs) > 1 {
		batch := &verifyBatch{src: &src, trust: trust, asJSON: *asJSON, jobs: *jobs, stdout: stdout, stderr: stderr}
		return batch.run(context.Background(), refs, *dir, stdin)
	}
	ref := ""
	if len(refs) == 1 {
		ref = refs[0]
	}
	report, in, err := verifyOne(context.Background(), &src, trust, ref, stdin, 0)
	if err != nil {
		fmt.Fprintln(stderr, "pithscope verify:", model.Printable(err.Error()))
		return exitBadInput
	}
	if in.stale != "" {
		fmt.Fprintln(stderr, "pithscope verify: note:", model.Printable(in.stale))
	}
	for _, note := range in.notes {
		fmt.Fprintln(stderr, "pithscope verify:", model.Printable(note))
	}
	if *asJSON {
		if err := verify.WriteReportJSON(stdout, report, in.source); err != nil {
			fmt.Fprintln(stderr, "pithscope verify:", model.Printable(err.Error()))
			return exitBadInput
		}
	} else {
		writeTextReport(stdout, report, in.source)
	}
	if _, ok := report.Verdict(); ok {
		return exitOK
	}
	return exitFailed
}

// writeVerifyUsage prints verify's help: usage, flags, and every check
// with what its pass proves (from verify.Registry, so the list cannot
// drift from the code).
func writeVerifyUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, verifyUsage)
	printFlags(w, fs)
	fmt.Fprint(w, "\nChecks (each with a subject: bundle, event:ID, key:ID, alias:KIND, fork:N,\nchain:N; and a status: ok, fail, or unknown when it cannot be decided):\n")
	for _, s := range verify.Registry {
		fmt.Fprint(w, helpParagraph("  "+s.Name, s.Help, 22))
	}
}

// verifyOne loads, parses and verifies one REF (a bundle or an evidence
// file) with workers goroutines (0: one per core), then lets the cache
// learn from a fetched bundle (in.notes says what a person should know of
// that). A load or parse error names the source.
func verifyOne(ctx context.Context, src *sourceFlags, trust *verify.TrustStore, ref string, stdin io.Reader, workers int) (*verify.Report, *loaded, error) {
	in, err := src.load(ctx, ref, stdin, nil)
	if err != nil {
		return nil, nil, err
	}
	if workers == 0 { // one bundle, the whole process's
		boundMemory(len(in.data))
	}
	b, evidence, err := in.document()
	if err != nil {
		return nil, in, fmt.Errorf("%s: %w", in.source, err)
	}
	if evidence != nil {
		return verify.VerifyEvidence(evidence, verify.Options{Trust: trust}), in, nil
	}
	opts := verify.Options{Trust: trust, Requested: in.requested, Previous: in.previous, Workers: workers}
	report := verify.Run(ctx, b, opts, nil)
	in.notes = in.learn(report)
	return report, in, nil
}

// boundMemory sets a soft memory limit for verifying one input of n bytes,
// unless GOMEMLIMIT set one: the collector would otherwise let the heap
// grow to twice what is live, the input included, before collecting, and
// the process take 5x the file or more. What a verification keeps is about
// 2x the input (the input, its index, the events, the checks), so a limit
// of 2.5x costs a few more collections (under 10% more CPU on a 16 MB
// bundle of small events), not a struggle.
func boundMemory(n int) {
	if debug.SetMemoryLimit(-1) == math.MaxInt64 {
		debug.SetMemoryLimit(int64(n)*5/2 + 8<<20)
	}
}

// statusMark is how a status reads without colour.
func statusMark(s verify.Status) string {
	switch s {
	case verify.OK:
		return "✓ ok     "
	case verify.Fail:
		return "✗ FAIL   "
	default:
		return "? unknown"
	}
}

// maxUnverifiedLines bounds the "not verified" section of the text report.
const maxUnverifiedLines = 12

// writeTextReport prints one line per check, grouped by area; the keys
// whose signatures verified and what each signed; the current graph
// snapshot; the values no check proves; then the verdict and a summary.
// Every string that came from the bundle is made printable.
func writeTextReport(w io.Writer, r *verify.Report, source string) {
	fmt.Fprintf(w, "%s  (%s)\n", model.Printable(r.PithNumber), model.Printable(source))
	area := ""
	for _, c := range r.Checks {
		if a := string(verify.AreaOf(c.Name)); a != area {
			area = a
			fmt.Fprintf(w, "\n%s\n", area)
		}
		fmt.Fprintf(w, "  %s  %-18s %s  %s\n", statusMark(c.Status), c.Name, model.Printable(c.Subject), model.Printable(c.Detail))
	}
	if len(r.Vouchers) > 0 {
		fmt.Fprintf(w, "\nsigned by (signatures that verified)\n")
		for _, v := range r.Vouchers {
			fmt.Fprintf(w, "  %s (%s, fingerprint %s): %s\n", model.Printable(v.Name()), v.Trust, v.FingerprintHex, v.Signed())
		}
	}
	if r.Evidence == nil && r.Merge != nil {
		if i, ok := r.CurrentSnapshot(); ok {
			fmt.Fprintf(w, "\ncurrent graph snapshot: %s\n", model.Printable(r.Bundle().Events[i].EventID))
		} else {
			fmt.Fprintf(w, "\ncurrent graph snapshot: none (no graph snapshot is applied: each is invalid, superseded or forked, or there is none)\n")
		}
	}
	if places := r.Unverified(); len(places) > 0 {
		fmt.Fprintf(w, "\nnot verified (no check that passed proves these)\n")
		for n, p := range places {
			if n == maxUnverifiedLines {
				fmt.Fprintf(w, "  … and %d more (--json lists them all)\n", len(places)-n)
				break
			}
			fmt.Fprintf(w, "  %s  %s  %s\n", model.Printable(p.Path), model.Printable(shorten(p.Value, 40)), model.Printable(p.Coverage.String()))
		}
	}
	s := r.Summary()
	verdict, _ := r.Verdict()
	sep := ": " // a bundle's verdict and counts share a line; an evidence verdict is a sentence of its own
	if r.Evidence != nil {
		sep = "\n"
	}
	fmt.Fprintf(w, "\n%s%s%d checks, %d ok, %d failed, %d unknown\n", model.Printable(verdict), sep, len(r.Checks), s.OK, s.Fail, s.Unknown)
	if s.Fail > 0 || s.Unknown > 0 { // name what is not ok, undecided included
		var names []string
		seen := map[string]bool{}
		for _, c := range r.Checks {
			if c.Status != verify.OK && !seen[c.Name] {
				seen[c.Name] = true
				names = append(names, c.Name)
			}
		}
		fmt.Fprintf(w, "not ok: %s\n", strings.Join(names, ", "))
	}
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
