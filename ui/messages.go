package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Messages. Each long-running job carries the generation it was started
// with; the root ignores messages from jobs it has since replaced.
type (
	fetchProgressMsg struct {
		gen  int
		text string
		next tea.Cmd
	}
	bundleLoadedMsg struct {
		gen  int
		sess *session
	}
	fetchFailedMsg struct {
		gen      int
		ref      string
		err      error
		attempts []Attempt
	}
	// checkDoneMsg carries the checks decided since the last one (a batch,
	// so a 40,000-check run is not 40,000 renders), and, with the last
	// batch, the finished report.
	checkDoneMsg struct {
		gen    int
		checks []verify.Check
		done   *verifyDoneMsg
		next   tea.Cmd
	}
	verifyDoneMsg struct {
		report  *verify.Report
		diffs   []model.Difference
		diffErr error
	}
	// learnedMsg says the cache could not learn from the verified bundle
	// (Loaded.Learn's warning), after the verdict is shown.
	learnedMsg struct {
		gen int
		err error
	}
	tickMsg struct{ gen int }
	// clockMsg makes the ages on screen count ("1 min ago").
	clockMsg struct{ gen int }
	// recentMsg brings the open prompt the bundles opened before.
	recentMsg struct {
		list []RecentBundle
		err  error
	}
	// evidenceMsg asks the root to write the evidence file of a fork.
	evidenceMsg struct{ fork int }
	// evidenceWrittenMsg says where the evidence file of a fork of sess
	// was written.
	evidenceWrittenMsg struct {
		sess *session
		fork int
		path string
	}
)

// maxCheckBatch bounds how many checks one message carries, and
// checkFrame how long a message waits for more: checks arrive in bursts
// of a few, and a message (and a frame) per burst would cost the verdict
// more than drawing it once a frame does.
const (
	maxCheckBatch = 4096
	checkFrame    = 16 * time.Millisecond
)

// startFetch loads ref in the background; progress lines arrive as
// fetchProgressMsg, then one bundleLoadedMsg or fetchFailedMsg. The bundle
// is parsed and indexed off the UI goroutine.
func startFetch(ctx context.Context, gen int, load LoadFunc, ref string) tea.Cmd {
	const size = 16
	ch := make(chan tea.Msg, size)
	var listen tea.Cmd
	listen = func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		if p, isProgress := msg.(fetchProgressMsg); isProgress {
			p.next = listen
			return p
		}
		return msg
	}
	go func() {
		defer close(ch)
		progress := func(s string) {
			// keep one slot free for the result, so the goroutine never
			// blocks once nobody listens (a replaced fetch)
			if len(ch) < size-1 {
				ch <- fetchProgressMsg{gen: gen, text: s}
			}
		}
		l, err := load(ctx, ref, progress)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			ch <- fetchFailedMsg{gen: gen, ref: ref, err: err, attempts: l.Attempts}
			return
		}
		b, ev, err := model.ParseDocument(l.Data)
		switch {
		case err != nil:
			ch <- fetchFailedMsg{gen: gen, ref: ref, err: fmt.Errorf("%s: %w", l.Source, err), attempts: l.Attempts}
		case ev != nil && !l.Requested.IsZero():
			// asked for a bundle by id, given evidence: not what was asked for
			ch <- fetchFailedMsg{gen: gen, ref: ref, err: fmt.Errorf("%s is an equivocation evidence file, not the bundle asked for (%s)", l.Source, l.Requested.Text), attempts: l.Attempts}
		case ev != nil:
			ch <- bundleLoadedMsg{gen: gen, sess: newEvidenceSession(ref, l, ev)}
		default:
			ch <- bundleLoadedMsg{gen: gen, sess: newSession(ref, l, b)}
		}
	}()
	return listen
}

// startVerify runs every check in the background (of a bundle, or of an
// evidence file on its own) and streams them in batches (the "listen for activity" pattern: each message carries the
// command that waits for the next).
func startVerify(ctx context.Context, gen int, sess *session, trust *verify.TrustStore) tea.Cmd {
	checks := make(chan verify.Check, 4*maxCheckBatch)
	done := make(chan verifyDoneMsg, 1)
	b, opts := sess.bundle, verify.Options{Trust: trust, Requested: sess.loaded.Requested, Previous: sess.loaded.Previous}
	// learned carries the cache's warning, if any, once the verdict is
	// out: writing a large bundle to the cache must not delay it.
	learned := make(chan error, 1)
	go func() {
		defer close(learned)
		defer close(done)
		send := func(c verify.Check) {
			select {
			case checks <- c:
			case <-ctx.Done():
			}
		}
		var r *verify.Report
		if sess.evidence != nil {
			r = verify.VerifyEvidence(sess.evidence, verify.Options{Trust: trust})
			for _, c := range r.Checks {
				send(c)
			}
		} else {
			r = verify.Run(ctx, b, opts, send)
		}
		close(checks)
		if ctx.Err() != nil {
			return
		}
		res := verifyDoneMsg{report: r}
		res.diffs, res.diffErr = r.StateDifferences() // no walk when the states agree
		done <- res
		// the cache learns from bundles only
		if learn := sess.loaded.Learn; learn != nil && sess.evidence == nil {
			learned <- learn(r)
		}
	}()
	waitLearned := func() tea.Msg {
		if err, ok := <-learned; ok && err != nil {
			return learnedMsg{gen: gen, err: err}
		}
		return nil
	}
	var listen tea.Cmd
	listen = func() tea.Msg {
		msg := checkDoneMsg{gen: gen, next: listen}
		c, ok := <-checks
		frame := time.NewTimer(checkFrame)
		defer frame.Stop()
		for ok {
			msg.checks = append(msg.checks, c)
			if len(msg.checks) == maxCheckBatch {
				return msg
			}
			select {
			case c, ok = <-checks:
			case <-frame.C:
				return msg
			}
		}
		if d, ok := <-done; ok {
			msg.done, msg.next = &d, waitLearned
			return msg
		}
		if len(msg.checks) > 0 {
			msg.next = nil
			return msg
		}
		return nil // cancelled
	}
	return listen
}

func watchTick(gen int, every time.Duration) tea.Cmd {
	return tea.Tick(every, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// clockPeriod is how often ages on screen are counted again.
const clockPeriod = 20 * time.Second

func clockTick(gen int) tea.Cmd {
	return tea.Tick(clockPeriod, func(time.Time) tea.Msg { return clockMsg{gen: gen} })
}

// evidenceCmd writes the evidence file of fork n (1-based) into dir
// through verify.WriteEvidenceFile: named only after the verified pith
// number, created new, with a suffix when the name is taken.
func evidenceCmd(dir string, sess *session, n int) tea.Cmd {
	return func() tea.Msg {
		switch {
		case sess.evidence != nil:
			return statusMsg{text: "this is an evidence file already: pithscope verify checks it as it is"}
		case sess.report == nil:
			return statusMsg{text: "no fork to write evidence for (verification still running?)"}
		}
		if dir == "" {
			dir = "."
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		path, err := verify.WriteEvidenceFile(dir, sess.bundle, sess.report, n)
		if err != nil {
			return statusMsg{text: "evidence: " + err.Error()}
		}
		return evidenceWrittenMsg{sess: sess, fork: n, path: path}
	}
}
