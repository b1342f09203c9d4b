package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// sourcesFlags are verify's flags for comparing sources.
type sourcesFlags struct {
	sources     bool
	mirrors     stringList
	compareWith string
	evidenceDir string
}

func (s *sourcesFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.sources, "sources", false, "fetch REF from every source known, verify each copy, compare them")
	fs.Var(&s.mirrors, "mirror", "with --sources, also compare the mirror at `URL` (a base URL or a bundle URL; repeatable; also $PITH_MIRRORS, comma-separated)")
	fs.StringVar(&s.compareWith, "compare-with", "", "compare every bundle file given (or below --dir) with the source at `URL`")
	fs.StringVar(&s.evidenceDir, "evidence-dir", "", "with --sources, write the evidence file of each split view into `DIR`")
}

// mirrorList is every --mirror given, then $PITH_MIRRORS.
func (s *sourcesFlags) mirrorList() []string {
	out := append([]string{}, s.mirrors...)
	for _, m := range strings.Split(os.Getenv("PITH_MIRRORS"), ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// check refuses flag combinations that mean nothing.
func (s *sourcesFlags) check(refs []string, dir string) error {
	switch {
	case s.sources && s.compareWith != "":
		return errors.New("give --sources (every source of one id) or --compare-with (files against one source), not both")
	case s.sources && (dir != "" || len(refs) != 1):
		return errors.New("--sources compares the sources of one REF: give exactly one, and no --dir")
	case !s.sources && (len(s.mirrors) > 0 || s.evidenceDir != ""):
		return errors.New("--mirror and --evidence-dir go with --sources")
	case s.compareWith != "" && dir == "" && len(refs) == 0:
		return errors.New("--compare-with compares bundle files: give --dir DIR or the files")
	}
	return nil
}

// runSources is verify --sources REF: one line per source, the forks and
// splits found, the summary; exit 0 when the sources agree or some are
// only behind, 1 on a split view or a fork (or when no copy verifies), 2
// when nothing could be fetched.
func runSources(ctx context.Context, src *sourceFlags, sf *sourcesFlags, trust *verify.TrustStore, refText string, asJSON bool, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(stderr, "pithscope verify:", model.Printable(err.Error()))
		return exitBadInput
	}
	ref, err := fetch.ParseRef(refText)
	if err != nil {
		return fail(err)
	}
	f, err := src.fetcher(nil)
	if err != nil {
		return fail(err)
	}
	c, err := f.CompareSources(ctx, ref, fetch.CompareOptions{Trust: trust, Mirrors: sf.mirrorList()})
	if err != nil {
		return fail(err)
	}
	for _, note := range c.Notes {
		fmt.Fprintln(stderr, "pithscope verify:", note)
	}
	var written []string
	if sf.evidenceDir != "" {
		for n := range c.Proofs {
			path, err := verify.WriteSplitEvidenceFile(sf.evidenceDir, c, n+1)
			if err != nil {
				return fail(fmt.Errorf("--evidence-dir: %w", err))
			}
			written = append(written, path)
		}
	}
	if asJSON {
		out, err := verify.MarshalSources(c, "")
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "%s\n", out)
	} else {
		writeSources(stdout, c, ref.String(), time.Now())
		for _, path := range written {
			fmt.Fprintf(stdout, "wrote %s\ncheck it with: %s\n", model.Printable(path), model.Printable(verify.CheckEvidenceCommand(src.trustKeys, path)))
		}
	}
	return sourcesExit(c)
}

// sourcesExit is the exit status of a comparison.
func sourcesExit(c *verify.Comparison) int {
	switch {
	case c.OK():
		return exitOK
	case c.Verdict == verify.SourceUnreachable:
		return exitBadInput
	}
	return exitFailed
}

// writeSources prints a comparison: a line per source (verdict, valid
// events, bundle digest, age of its newest event, where), with what
// stands behind its verdict under it; the forks found over the union of
// every verified copy; the evidence files it offers; the summary.
func writeSources(w io.Writer, c *verify.Comparison, asked string, now time.Time) {
	number := c.PithNumber
	if number == "" {
		number = "no verified copy"
	}
	fmt.Fprintf(w, "%s  (the sources of %s)\n\n", model.Printable(number), model.Printable(asked))
	fmt.Fprintf(w, "  %-13s %6s  %-12s  %-6s  %s\n", "VERDICT", "EVENTS", "BUNDLE", "NEWEST", "SOURCE")
	for i, s := range c.Sources {
		events, digest, newest := "-", "-", "-"
		if s.Verdict != verify.SourceUnreachable && s.Verdict != verify.SourceUnverified {
			events = fmt.Sprint(len(s.Events))
		}
		if d := s.Digest(); len(d) >= 12 {
			digest = d[:12]
		}
		if !s.Newest.IsZero() {
			newest = verify.Age(now.Sub(s.Newest))
		}
		where := model.Printable(s.Name)
		if s.Name != string(s.Kind) {
			where += " (" + string(s.Kind) + ")"
		}
		fmt.Fprintf(w, "  %s %-11s %6s  %-12s  %-6s  %s\n", s.Verdict.Mark(), s.Verdict, events, digest, newest, where)
		if why := c.Explain(i); why != "" {
			fmt.Fprintf(w, "  %13s %6s  %s\n", "", "", model.Printable(why))
		}
	}
	if len(c.Forks) > 0 {
		fmt.Fprintf(w, "\nforks over every verified copy's events\n")
		for _, f := range c.Forks {
			where := "on one source"
			if f.Across {
				where = "across sources"
			}
			fmt.Fprintf(w, "  ✗ %s: %s\n", where, model.Printable(strings.Join(f.EventIDs, ", ")))
		}
	}
	if len(c.Proofs) > 0 {
		fmt.Fprintf(w, "\nevidence (--evidence-dir DIR writes each; pithscope verify FILE checks it offline)\n")
		for n, p := range c.Proofs {
			fmt.Fprintf(w, "  %d. %s\n", n+1, model.Printable(p.Describe(c)))
		}
	}
	fmt.Fprintf(w, "\n%s\n", model.Printable(c.Summary()))
}

// runCompareWith is verify --compare-with URL (--dir DIR | FILE...): each
// bundle file is compared with the copy the source at URL serves for its
// pith number, one line per bundle (agree, behind, split view,
// unverified, unreachable), then a summary with the same words. Exit 1
// when some bundle is split from the source (or does not verify), else 2
// when some file could not be read or the source answered nothing for
// it, else 0.
func runCompareWith(ctx context.Context, src *sourceFlags, sf *sourcesFlags, trust *verify.TrustStore, refs []string, dir string, asJSON bool, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(stderr, "pithscope verify:", model.Printable(err.Error()))
		return exitBadInput
	}
	if err := fetch.CheckMirror(sf.compareWith); err != nil {
		return fail(fmt.Errorf("--compare-with: %w", err))
	}
	files := refs
	if dir != "" {
		found, err := bundleFiles(dir)
		if err != nil {
			return fail(err)
		}
		files = append(files, found...)
	}
	f, err := src.fetcher(nil)
	if err != nil {
		return fail(err)
	}
	counts := map[verify.SourceVerdict]int{}
	unreadable := 0
	for _, path := range files {
		c, err := compareFile(ctx, f, trust, path, sf.compareWith)
		if err != nil {
			if ctx.Err() != nil {
				return fail(err)
			}
			unreadable++
			if asJSON {
				line, _ := json.Marshal(map[string]any{"ok": false, "source": path, "error": err.Error()})
				fmt.Fprintf(stdout, "%s\n", model.EscapeJSONForTerminal(line))
			} else {
				fmt.Fprintf(stdout, "! UNREADABLE  %s\n", model.Printable(err.Error()))
			}
			continue
		}
		word := fileVerdict(c)
		counts[word]++
		for _, note := range c.Notes {
			fmt.Fprintln(stderr, "pithscope verify:", note)
		}
		if asJSON {
			line, err := verify.MarshalSources(c, path)
			if err != nil {
				return fail(err)
			}
			fmt.Fprintf(stdout, "%s\n", line)
			continue
		}
		fmt.Fprintf(stdout, "%s %-11s %s  %s\n", word.Mark(), word, model.Printable(c.PithNumber), model.Printable(path))
		for i, s := range c.Sources {
			fmt.Fprintf(stdout, "    %s %s: %s", s.Verdict.Mark(), model.Printable(s.Name), s.Verdict)
			if why := c.Explain(i); why != "" {
				fmt.Fprintf(stdout, " (%s)", model.Printable(why))
			}
			fmt.Fprintln(stdout)
		}
	}
	words := []verify.SourceVerdict{verify.SourceAgree, verify.SourceBehind, verify.SourceSplit, verify.SourceFork, verify.SourceUnverified, verify.SourceUnreachable}
	if asJSON {
		sum := map[string]int{"total": len(files), "unreadable": unreadable}
		for _, w := range words {
			sum[string(w)] = counts[w]
		}
		out, _ := json.Marshal(map[string]any{"bundles": sum})
		fmt.Fprintf(stdout, "%s\n", out)
	} else {
		parts := []string{}
		for _, w := range words {
			if counts[w] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[w], w))
			}
		}
		if unreadable > 0 {
			parts = append(parts, fmt.Sprintf("%d unreadable", unreadable))
		}
		noun := "bundles"
		if len(files) == 1 {
			noun = "bundle"
		}
		fmt.Fprintf(stdout, "\n%d %s compared with %s: %s\n", len(files), noun, model.Printable(sf.compareWith), strings.Join(parts, ", "))
	}
	switch {
	case counts[verify.SourceSplit]+counts[verify.SourceFork] > 0:
		return exitFailed
	case unreadable+counts[verify.SourceUnreachable] > 0:
		return exitBadInput
	case counts[verify.SourceUnverified] > 0:
		return exitFailed
	}
	return exitOK
}

// compareFile compares one bundle file with the source at url, asked for
// the pith number the file states (its requested_id and pith_number
// checks hold the file to it).
func compareFile(ctx context.Context, f *fetch.Fetcher, trust *verify.TrustStore, path, url string) (*verify.Comparison, error) {
	l, err := readFile(path)
	if err != nil {
		return nil, err
	}
	b, err := model.Parse(l.data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ref, err := fetch.ParseRef(b.PithNumber)
	if err != nil || ref.Kind != fetch.PithNumber {
		return nil, fmt.Errorf("%s: its pith_number %s is not a pith number", path, model.Quote(b.PithNumber))
	}
	return f.CompareSources(ctx, ref, fetch.CompareOptions{Trust: trust, Mirrors: []string{url}, Only: true,
		Local: &fetch.LocalCopy{Name: path, Bundle: b}})
}

// fileVerdict is what a comparison says of the file it compared (listed
// first): a split view or a fork, nothing fetched, else the file's own
// verdict (agree, behind, unverified).
func fileVerdict(c *verify.Comparison) verify.SourceVerdict {
	switch c.Verdict {
	case verify.SourceSplit, verify.SourceFork, verify.SourceUnreachable:
		return c.Verdict
	}
	return c.Sources[0].Verdict
}
