package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// servedCopy is what a fake source serves.
type servedCopy struct {
	name string
	kind verify.SourceKind
	data []byte // nil: unreachable
}

// fakeSources compares the copies as fetch.CompareSources does, without a
// network: each listed (pending), then each verified on its own and
// shown, then compared. hold, when not nil, is waited for (or the
// cancellation) once every source is listed and the first answered.
func fakeSources(trust *verify.TrustStore, hold chan struct{}, copies ...servedCopy) SourcesFunc {
	return func(ctx context.Context, number string, update func(int, verify.Source)) (*verify.Comparison, error) {
		states := make([]verify.Source, len(copies))
		for i, c := range copies {
			states[i] = verify.PendingSource(c.name, c.kind)
			update(i, states[i])
		}
		for i, c := range copies {
			if c.data == nil {
				states[i] = verify.UnreachableSource(c.name, c.kind, "HTTP 404 Not Found")
			} else {
				b, err := model.Parse(c.data)
				if err != nil {
					return nil, err
				}
				states[i] = verify.CopySource(c.name, c.kind, verify.Verify(b, verify.Options{Trust: trust}), time.Time{})
			}
			update(i, states[i])
			if i == 0 && hold != nil {
				select {
				case <-hold:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
		}
		return verify.CompareSources(states), nil
	}
}

// sourcesModel opens the Current copy of verifytest.NewSourceCopies with
// a comparison of copies wired in, its clock fixed.
func sourcesModel(t *testing.T, w, h int, hold chan struct{}, copies ...servedCopy) (*Model, verifytest.SourceCopies) {
	t.Helper()
	cp := verifytest.NewSourceCopies()
	cfg := testConfig(t, cp.Current, "current.json", cp.Signer.Trust())
	cfg.Sources = fakeSources(cp.Signer.Trust(), hold, copies...)
	m := openModel(t, cfg, w, h)
	m.sourcesPane().now = func() time.Time { return time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC) }
	return m, cp
}

const (
	resolverURL = "https://resolver.test/pith/2101.00042/bundle.json"
	mirrorURL   = "https://mirror.test/pith/2101.00042/bundle.json"
	staleURL    = "https://stale.test/pith/2101.00042/bundle.json"
)

func TestSourcesPaneViews(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	cases := []struct {
		name   string
		copies []servedCopy
		mark   string
	}{
		{"agree", []servedCopy{{resolverURL, verify.SourceResolver, cp.Current}, {mirrorURL, verify.SourceMirror, cp.Current}}, "✓ 2 sources agree"},
		{"behind", []servedCopy{{resolverURL, verify.SourceResolver, cp.Current}, {staleURL, verify.SourceMirror, cp.Behind},
			{"https://gone.test/b.json", verify.SourceMirror, nil}}, "↓ 1 source agrees · 1 behind"},
		{"split", []servedCopy{{resolverURL, verify.SourceResolver, cp.Current}, {staleURL, verify.SourceMirror, cp.Behind},
			{mirrorURL, verify.SourceMirror, cp.Split}}, "✗ SPLIT VIEW"},
	}
	for _, c := range cases {
		for _, size := range []struct{ w, h int }{{80, 24}, {200, 50}} {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size.w, size.h), func(t *testing.T) {
				m, _ := sourcesModel(t, size.w, size.h, nil, c.copies...)
				press(t, m, "1", "s")
				if m.active != paneSources {
					t.Fatalf("s went to %q", m.active)
				}
				view := m.View()
				checkScreen(t, view, size.w, size.h)
				if header := strings.Split(view, "\n")[1]; !strings.Contains(header, c.mark) {
					t.Errorf("the header does not say %q: %q", c.mark, header)
				}
				golden.RequireEqual(t, []byte(view))
			})
		}
	}
}

// The table fills in as sources answer, each pending one with a spinner;
// esc cancels the comparison under way.
func TestSourcesPaneIsLiveAndCancellable(t *testing.T) {
	hold := make(chan struct{})
	cp := verifytest.NewSourceCopies()
	m, _ := sourcesModel(t, 120, 30, hold, servedCopy{resolverURL, verify.SourceResolver, cp.Current}, servedCopy{mirrorURL, verify.SourceMirror, cp.Split})
	_, cmd := m.Update(keyMsg("s"))
	batch, ok := runCmd(t, cmd).(tea.BatchMsg)
	if !ok {
		t.Fatal("s did not start a comparison")
	}
	next := batch[0]
	for range 3 { // two sources listed, the first answered
		_, next = m.Update(runCmd(t, next))
	}
	view := m.View()
	checkScreen(t, view, 120, 30)
	for _, want := range []string{"sources 1/2", "✓ verified", "⠋ fetching", "comparing: each source is verified as it answers", "esc cancel"} {
		if !strings.Contains(view, want) {
			t.Errorf("the live view lacks %q:\n%s", want, view)
		}
	}
	press(t, m, "esc")
	if m.sourcesPane().running() || m.active != paneSources {
		t.Fatalf("esc left the comparison running (%v) or the pane (%q)", m.sourcesPane().running(), m.active)
	}
	if view := m.View(); !strings.Contains(view, "stopped: cancelled") || strings.Contains(view, "sources 1/2") {
		t.Errorf("after esc:\n%s", view)
	}
	if msg := runCmd(t, next); msg != nil { // the run ends, sending nothing more
		m.Update(msg)
		if m.sourcesPane().result != nil {
			t.Error("a cancelled comparison's result was taken")
		}
	}
	press(t, m, "esc")
	if m.active != paneOverview {
		t.Errorf("the second esc went to %q, want back to the overview", m.active)
	}
}

// e writes the split view's evidence through the verify package's writer,
// and the file proves it offline.
func TestSourcesPaneWritesEvidence(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	m, _ := sourcesModel(t, 120, 30, nil, servedCopy{resolverURL, verify.SourceResolver, cp.Current}, servedCopy{mirrorURL, verify.SourceMirror, cp.Diverged})
	press(t, m, "s", "j", "e")
	path, ok := strings.CutPrefix(m.status, "wrote ")
	path, command, _ := strings.Cut(path, " · check it with: ")
	if command != "pithscope verify "+path {
		t.Errorf("the status does not give the command that checks it: %q", m.status)
	}
	if !ok || !strings.HasSuffix(path, "pith-evidence-"+model.BodyOf(cp.PithNumber)+"-split1.json") {
		t.Fatalf("status %q", m.status)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := verify.VerifyEvidence(verifytest.ParseEvidence(t, data), verify.Options{Trust: cp.Signer.Trust()})
	if verdict, ok := r.Verdict(); !ok || !strings.HasPrefix(verdict, "SPLIT VIEW PROVEN: "+resolverURL+" and "+mirrorURL) {
		t.Errorf("verdict %q", verdict)
	}
	press(t, m, "e")
	if !strings.HasSuffix(strings.SplitN(m.status, " · ", 2)[0], "-split1-2.json") {
		t.Errorf("a second e overwrote or failed: %q", m.status)
	}
}

// --sources starts the comparison when the bundle opens; a comparison
// that does not apply to a newly opened record is cleared.
func TestSourcesAtOpen(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	cfg := testConfig(t, cp.Current, "current.json", cp.Signer.Trust())
	cfg.Sources = fakeSources(cp.Signer.Trust(), nil, servedCopy{resolverURL, verify.SourceResolver, cp.Current})
	cfg.SourcesAtOpen = true
	m := openModel(t, cfg, 80, 24)
	p := m.sourcesPane()
	if m.active != paneSources || p.result == nil || p.result.Verdict != verify.SourceAgree || p.number != cp.PithNumber {
		t.Fatalf("at open: pane %q, result %+v, number %q", m.active, p.result, p.number)
	}
	press(t, m, "r") // a refetch of the same record keeps it
	if p.result == nil {
		t.Error("a refresh cleared the comparison")
	}
	other := verifytest.New().WithRecord().Build()
	m.Update(bundleLoadedMsg{gen: m.fetchGen, sess: newSession("other", Loaded{Data: other, Source: "other.json"}, mustParseBundle(t, other))})
	if p.result != nil || len(p.rows) != 0 || strings.Contains(m.View(), "sources agree") {
		t.Error("another record's comparison is still shown")
	}

	cfg.Sources = nil
	m = openModel(t, cfg, 80, 24)
	press(t, m, "s")
	if !strings.Contains(m.status, "not available") {
		t.Errorf("without a Sources func: %q", m.status)
	}
}

func mustParseBundle(t *testing.T, data []byte) *model.Bundle {
	t.Helper()
	b, err := model.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A split-view evidence file opens in the explorer with its own verdict.
func TestSplitEvidenceOpensInTheExplorer(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	copyOf := func(name string, data []byte) verify.Source {
		return verify.CopySource(name, verify.SourceMirror, verify.Verify(mustParseBundle(t, data), verify.Options{Trust: trust}), time.Time{})
	}
	c := verify.CompareSources([]verify.Source{copyOf(resolverURL, cp.Current), copyOf(mirrorURL, cp.Diverged)})
	data, err := verify.SplitEvidence(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := openModel(t, testConfig(t, data, "split.json", trust), 120, 30)
	view := m.View()
	if header := strings.Split(view, "\n")[0]; !strings.HasSuffix(strings.TrimRight(header, " "), "✓ SPLIT VIEW PROVEN") {
		t.Errorf("header %q", header)
	}
	press(t, m, "7")
	if view := m.View(); !strings.Contains(view, "✓ SPLIT VIEW PROVEN: "+resolverURL+" and https://mirror.test/") {
		t.Errorf("the Forks pane does not give the evidence's verdict:\n%s", view)
	}
}
