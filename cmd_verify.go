package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const verifyUsage = `Usage: pithscope verify [--json] [--trust-key FILE] [--resolver URL] [--offline] [REF]

Verifies every digest, signature and derivation of a bundle, recomputes its
merged state, and prints one line per check (or, with --json, one report).
REF is a pith number (pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T, its body, or
pith:M5BNRHPU and the other short forms), an arXiv id (1711.04623v3), a DOI,
an http(s) URL, a file path, or - for standard input; with no REF, the
embedded bundle. A bundle fetched by id must be the one asked for
(requested_id), and must keep every event a version seen before had
(rollback).

Exit codes: 0 every check ok, 1 some check failed or is unknown,
2 the input could not be read, fetched or parsed.

Flags:
`

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var src sourceFlags
	src.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, verifyUsage)
		fs.PrintDefaults()
	}
	refs, err := parseFlags(fs, args)
	if err == flag.ErrHelp {
		return exitOK
	}
	if err != nil {
		return exitBadInput
	}
	if len(refs) > 1 {
		fmt.Fprintln(stderr, "pithscope verify: give one REF")
		return exitBadInput
	}
	ref := ""
	if len(refs) == 1 {
		ref = refs[0]
	}
	trust, err := src.trustStore()
	if err != nil {
		fmt.Fprintln(stderr, "pithscope verify:", model.Printable(err.Error()))
		return exitBadInput
	}
	in, err := src.load(context.Background(), ref, stdin, nil)
	if err != nil {
		fmt.Fprintln(stderr, "pithscope verify:", model.Printable(err.Error()))
		return exitBadInput
	}
	if in.stale != "" {
		fmt.Fprintln(stderr, "pithscope verify: note:", in.stale)
	}
	b, evidence, err := model.ParseDocument(in.data)
	if err != nil {
		fmt.Fprintf(stderr, "pithscope verify: %s: %s\n", model.Printable(in.source), model.Printable(err.Error()))
		return exitBadInput
	}
	var report *verify.Report
	if evidence != nil {
		report = verify.VerifyEvidence(evidence, verify.Options{Trust: trust})
	} else {
		report = verify.Verify(b, verify.Options{Trust: trust, Requested: in.requested, Previous: in.previous})
	}
	if *asJSON {
		out, err := verify.MarshalReport(report, in.source)
		if err != nil {
			fmt.Fprintln(stderr, "pithscope verify:", err)
			return exitBadInput
		}
		fmt.Fprintf(stdout, "%s\n", out)
	} else {
		writeTextReport(stdout, report, in.source)
	}
	if report.OK() {
		return exitOK
	}
	return exitFailed
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

// writeTextReport prints one line per check, grouped by area, then a
// summary. Every string that came from the bundle is made printable.
func writeTextReport(w io.Writer, r *verify.Report, source string) {
	fmt.Fprintf(w, "%s  (%s)\n", model.Printable(r.PithNumber), model.Printable(source))
	area := ""
	for _, c := range r.Checks {
		if a := verify.Area(c.Name); a != area {
			area = a
			fmt.Fprintf(w, "\n%s\n", area)
		}
		fmt.Fprintf(w, "  %s  %-18s %s  %s\n", statusMark(c.Status), c.Name, model.Printable(c.Subject), model.Printable(c.Detail))
	}
	s := r.Summary()
	verdict := "VERIFIED"
	if !r.OK() {
		verdict = "NOT VERIFIED"
	}
	fmt.Fprintf(w, "\n%s: %d checks, %d ok, %d failed, %d unknown\n", verdict, len(r.Checks), s.OK, s.Fail, s.Unknown)
	if s.Fail > 0 {
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
