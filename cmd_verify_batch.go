package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// verifyBatch verifies many bundles on a pool of workers and streams one
// result per bundle. Each worker drops a bundle once its result line is
// made, so memory stays flat however many bundles there are.
type verifyBatch struct {
	src    *sourceFlags
	trust  *verify.TrustStore
	asJSON bool
	jobs   int
	stdout io.Writer
	stderr io.Writer
}

// batchResult is one bundle's outcome, reduced to what is printed and counted.
type batchResult struct {
	source string
	line   []byte   // the text or JSON line for this bundle
	ok     bool     // every check passed
	failed []string // names of the checks that failed or are unknown
	err    error    // the bundle could not be read or parsed
	notes  []string // what the cache made of it, for stderr
}

// batchSummary counts bundles and failed checks by name.
type batchSummary struct {
	Bundles struct {
		Total      int `json:"total"`
		OK         int `json:"ok"`
		Failed     int `json:"failed"`
		Unreadable int `json:"unreadable"`
	} `json:"bundles"`
	FailedChecks map[string]int `json:"failed_checks"`
}

func (v *verifyBatch) run(ctx context.Context, refs []string, dir string, stdin io.Reader) int {
	if dir != "" {
		found, err := bundleFiles(dir)
		if err != nil {
			fmt.Fprintln(v.stderr, "pithscope verify:", model.Printable(err.Error()))
			return exitBadInput
		}
		refs = append(refs, found...)
	}
	jobs := v.jobs
	if jobs < 1 {
		jobs = 1
	}
	work := make(chan string)
	results := make(chan batchResult, jobs)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ref := range work {
				results <- v.verify(ctx, ref, stdin)
			}
		}()
	}
	go func() {
		defer close(work)
		for _, ref := range refs {
			select {
			case work <- ref:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	sum := batchSummary{FailedChecks: map[string]int{}}
	sum.Bundles.Total = len(refs)
	progress := newProgressLine(v.stderr, len(refs))
	for r := range results {
		progress.clear()
		v.stdout.Write(r.line)
		for _, note := range r.notes {
			fmt.Fprintln(v.stderr, "pithscope verify:", model.Printable(note))
		}
		switch {
		case r.err != nil:
			sum.Bundles.Unreadable++
		case r.ok:
			sum.Bundles.OK++
		default:
			sum.Bundles.Failed++
			for _, name := range r.failed {
				sum.FailedChecks[name]++
			}
		}
		progress.update(sum.Bundles.OK + sum.Bundles.Failed + sum.Bundles.Unreadable)
	}
	progress.clear()
	v.writeSummary(sum)
	switch {
	case sum.Bundles.Unreadable > 0:
		return exitBadInput
	case sum.Bundles.Failed > 0:
		return exitFailed
	}
	return exitOK
}

// verify checks one bundle with one goroutine (the pool is the
// parallelism) and renders its line.
func (v *verifyBatch) verify(ctx context.Context, ref string, stdin io.Reader) batchResult {
	report, in, err := verifyOne(ctx, v.src, v.trust, ref, stdin, 1)
	source := ref
	if in != nil {
		source = in.source
	}
	res := batchResult{source: source, err: err}
	if err != nil {
		if v.asJSON {
			line, _ := json.Marshal(map[string]any{"ok": false, "source": source, "error": err.Error()})
			res.line = append(model.EscapeJSONForTerminal(line), '\n')
		} else {
			res.line = []byte(fmt.Sprintf("! UNREADABLE  %s\n", model.Printable(err.Error()))) // the error names the source
		}
		return res
	}
	verdict, ok := report.Verdict()
	res.ok, res.notes = ok, in.notes
	seen := map[string]bool{}
	for _, c := range report.Checks {
		if c.Status != verify.OK && !seen[c.Name] {
			seen[c.Name] = true
			res.failed = append(res.failed, c.Name)
		}
	}
	if v.asJSON {
		res.line, _ = verify.MarshalReport(report, source)
		res.line = append(res.line, '\n')
		return res
	}
	s := report.Summary()
	if res.ok {
		res.line = []byte(fmt.Sprintf("✓ %-12s %s  %s  (%d checks)\n", model.Printable(verdict), model.Printable(report.PithNumber), model.Printable(source), len(report.Checks)))
	} else {
		res.line = []byte(fmt.Sprintf("✗ FAILED      %s  %s  (%d failed, %d unknown: %s)\n", model.Printable(report.PithNumber),
			model.Printable(source), s.Fail, s.Unknown, strings.Join(res.failed, ", ")))
	}
	return res
}

func (v *verifyBatch) writeSummary(sum batchSummary) {
	if v.asJSON {
		out, _ := json.Marshal(sum)
		fmt.Fprintf(v.stdout, "%s\n", model.EscapeJSONForTerminal(out))
		return
	}
	b := sum.Bundles
	fmt.Fprintf(v.stdout, "\n%d bundles: %d ok, %d failed, %d unreadable\n", b.Total, b.OK, b.Failed, b.Unreadable)
	if len(sum.FailedChecks) > 0 {
		names := make([]string, 0, len(sum.FailedChecks))
		for name := range sum.FailedChecks {
			names = append(names, name)
		}
		sort.Strings(names)
		var parts []string
		for _, name := range names {
			parts = append(parts, fmt.Sprintf("%s %d", name, sum.FailedChecks[name]))
		}
		fmt.Fprintf(v.stdout, "failed checks (bundles): %s\n", strings.Join(parts, ", "))
	}
}

// bundleFiles lists every *.json file below dir, sorted.
func bundleFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(strings.ToLower(d.Name()), ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--dir: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("--dir %s: no *.json files", dir)
	}
	sort.Strings(files)
	return files, nil
}

// progressLine shows "done/total, rate" on stderr when stderr is a
// terminal; elsewhere (a pipe, a log, a test) it prints nothing.
type progressLine struct {
	w     io.Writer
	total int
	start time.Time
	shown bool
}

func newProgressLine(w io.Writer, total int) *progressLine {
	if !isTerminal(w) {
		return &progressLine{}
	}
	return &progressLine{w: w, total: total, start: time.Now()}
}

func (p *progressLine) update(done int) {
	if p.w == nil {
		return
	}
	rate := float64(done) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r%d/%d bundles, %.0f/s", done, p.total, rate)
	p.shown = true
}

func (p *progressLine) clear() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
