package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// compareTest runs a comparison of ref's sources and records every update.
type compareTest struct {
	updates map[int][]verify.SourceVerdict // per source, the verdicts it was shown with
}

func (ct *compareTest) run(t *testing.T, f *Fetcher, ref string, opts CompareOptions) *verify.Comparison {
	t.Helper()
	ct.updates = map[int][]verify.SourceVerdict{}
	opts.Update = func(i int, s verify.Source) { ct.updates[i] = append(ct.updates[i], s.Verdict) }
	c, err := f.CompareSources(context.Background(), mustRef(t, ref), opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sourceLines lists each source as "kind verdict name".
func sourceLines(c *verify.Comparison) []string {
	var out []string
	for _, s := range c.Sources {
		out = append(out, fmt.Sprintf("%s %s %s", s.Kind, s.Verdict, s.Name))
	}
	return out
}

func TestCompareSourcesAsksEverySourceAndLearns(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	body := model.BodyOf(cp.PithNumber)
	hinted := mirrorOf(t, trust, cp.Current)
	// The resolver's copy names a mirror: once it verifies, the mirror is
	// asked too.
	current := verifytest.Sign(verifytest.Edit(cp.Current, func(m map[string]any) {
		m["mirror_hints"] = []any{map[string]any{"mirror_type": "https", "name": "m", "bundle_url": hinted.URL + "/pith/" + body + "/bundle.json"}}
	}), cp.Signer)
	resolver := mirrorOf(t, trust, current)
	stale, split := mirrorOf(t, trust, cp.Behind), mirrorOf(t, trust, cp.Split)
	dir := t.TempDir()
	f := newFetcher(t, resolver.URL, dir)
	var ct compareTest
	c := ct.run(t, f, "2101.00042", CompareOptions{Trust: trust, Mirrors: []string{stale.URL, split.URL + "/pith/" + body + "/bundle.json"}})
	want := []string{
		"resolver split view " + resolver.URL + "/pith/2101.00042/bundle.json",
		"resolver well-known split view " + resolver.URL + "/.well-known/pith/2101.00042/bundle.json",
		"mirror behind " + stale.URL + "/pith/2101.00042/bundle.json",
		"mirror behind " + stale.URL + "/.well-known/pith/2101.00042/bundle.json",
		"mirror split view " + split.URL + "/pith/" + body + "/bundle.json",
		"mirror hint split view " + hinted.URL + "/pith/" + body + "/bundle.json",
	}
	if got := sourceLines(c); !slices.Equal(got, want) {
		t.Fatalf("sources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.Verdict != verify.SourceSplit || len(c.Forks) != 1 || !c.Forks[0].Across || len(c.Proofs) != 1 {
		t.Errorf("verdict %s, forks %+v, proofs %d", c.Verdict, c.Forks, len(c.Proofs))
	}
	for i := range c.Sources {
		if u := ct.updates[i]; len(u) != 2 || u[0] != verify.SourcePending || u[1] != verify.SourceVerified {
			t.Errorf("source %d was shown as %v, want pending then verified", i, u)
		}
	}

	// Every verified copy that is not behind was learned: the history has
	// both branches, and the cached bytes are not the stale copy's.
	h, ok := f.opts.Cache.readHistory(body)
	if !ok || len(h.Events) != 4 {
		t.Fatalf("history after the comparison: %+v", h)
	}
	cached, err := f.opts.Cache.Lookup(mustRef(t, cp.PithNumber))
	if err != nil || cached == nil || len(cached.Bundle.Events) != 3 {
		t.Fatalf("cached copy: %v %+v", err, cached)
	}

	// Offline, the cache and its history are what is compared.
	offline := newFetcher(t, resolver.URL, dir, func(o *Options) { o.Offline = true })
	c = ct.run(t, offline, "2101.00042", CompareOptions{Trust: trust, Mirrors: []string{stale.URL}})
	if got := sourceLines(c); len(got) != 2 || !strings.HasPrefix(got[0], "cache behind cache") || got[1] != "history agree history" {
		t.Errorf("offline: %q", got)
	}
	if !strings.HasPrefix(c.Sources[0].Why, "fetched from http://127.0.0.1:") {
		t.Errorf("the cached copy does not say where it came from: %q", c.Sources[0].Why)
	}
}

// At most MaxParallelSources sources are asked at once, and that many are.
func TestCompareSourcesAsksInParallelBounded(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	var mu sync.Mutex
	var filled sync.Once
	inFlight, most := 0, 0
	full := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight == MaxParallelSources {
			filled.Do(func() { close(full) })
		}
		mu.Unlock()
		select { // wait until as many as allowed are in flight
		case <-full:
		case <-time.After(3 * time.Second):
		}
		w.Write(cp.Current)
		mu.Lock()
		inFlight--
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	var mirrors []string
	for i := range 6 {
		mirrors = append(mirrors, fmt.Sprintf("%s/m%d/", srv.URL, i))
	}
	var ct compareTest
	c := ct.run(t, newFetcher(t, srv.URL, ""), "2101.00042", CompareOptions{Trust: cp.Signer.Trust(), Mirrors: mirrors})
	if len(c.Sources) != 14 || c.Verdict != verify.SourceAgree {
		t.Fatalf("%d sources, %s: %s", len(c.Sources), c.Verdict, c.Summary())
	}
	if most != MaxParallelSources {
		t.Errorf("at most %d sources were asked at once, want %d", most, MaxParallelSources)
	}
}

// Each way a source fails makes it unreachable, with why, without holding
// up the others: a timeout, the overall deadline, a body over the limit,
// another bundle, a refused connection.
func TestCompareSourcesLimits(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	other := verifytest.New().WithRecord().Build()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)
	big := serveBytes(t, append(bytes.Repeat([]byte(" "), 4096), cp.Current...))
	wrong, good := serveBytes(t, other), serveBytes(t, cp.Current)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	edit := func(o *Options) { o.Timeout, o.MaxBytes = 300*time.Millisecond, int64(len(cp.Current)+100) }
	var ct compareTest
	c := ct.run(t, newFetcher(t, good.URL, "", edit), "2101.00042", CompareOptions{Trust: cp.Signer.Trust(),
		Mirrors: []string{hang.URL + "/b.json", big.URL + "/b.json", wrong.URL + "/b.json", closed.URL + "/b.json"}})
	whys := map[string]string{hang.URL: "timed out after 300ms", big.URL: "body over the size limit", wrong.URL: "answered with another bundle", closed.URL: "connection refused"}
	for _, s := range c.Sources[2:] {
		for base, why := range whys {
			if strings.HasPrefix(s.Name, base) && (s.Verdict != verify.SourceUnreachable || !strings.Contains(s.Why, why)) {
				t.Errorf("%s: %s %q, want unreachable: %s", s.Name, s.Verdict, s.Why, why)
			}
		}
	}
	if c.Verdict != verify.SourceAgree || c.Summary() != "2 sources agree; 4 unreachable" {
		t.Errorf("%s: %s", c.Verdict, c.Summary())
	}

	deadline := func(o *Options) { o.Timeout, o.Deadline = 5*time.Second, 300*time.Millisecond }
	c = ct.run(t, newFetcher(t, hang.URL, "", deadline), "2101.00042", CompareOptions{})
	if c.Verdict != verify.SourceUnreachable || c.Sources[0].Why != "no answer within the overall deadline of 300ms" {
		t.Errorf("past the deadline: %s %q", c.Verdict, c.Sources[0].Why)
	}
}

// The mirror hints a verified copy names are asked under the guard on
// hints: from a public resolver, no plain http and no address that is not
// public; a refused hint is listed as unreachable, never requested.
func TestCompareSourcesGuardsHints(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	hints := []string{"http://plain.test/b.json", "https://127.0.0.1:9/b.json", "https://mirror.test/b.json"}
	var list []any
	for _, u := range hints {
		list = append(list, map[string]any{"mirror_type": "https", "name": "m", "bundle_url": u})
	}
	data := verifytest.Sign(verifytest.Edit(cp.Current, func(m map[string]any) { m["mirror_hints"] = list }), cp.Signer)
	rt := &recordingTransport{serveHost: "resolver.test", data: data}
	var ct compareTest
	c := ct.run(t, newFetcher(t, "https://resolver.test", "", func(o *Options) { o.Transport = rt }), "2101.00042", CompareOptions{Trust: cp.Signer.Trust()})
	got := sourceLines(c)[2:]
	want := []string{"mirror hint unreachable " + hints[0], "mirror hint unreachable " + hints[1], "mirror hint unreachable " + hints[2]}
	if !slices.Equal(got, want) {
		t.Fatalf("hints: %q", got)
	}
	for i, s := range c.Sources[2:4] {
		if !strings.Contains(s.Why, "mirror hint not followed") || slices.Contains(rt.urls, hints[i]) {
			t.Errorf("%s: %q (requested: %v)", s.Name, s.Why, slices.Contains(rt.urls, hints[i]))
		}
	}
	if s := c.Sources[4]; s.Why != "HTTP 404 Not Found" || !slices.Contains(rt.urls, hints[2]) {
		t.Errorf("the allowed hint: %q, requested %v", s.Why, rt.urls)
	}
}

// A file compared with a mirror alone (verify --compare-with): nothing
// else is asked, and the file is behind what the mirror serves.
func TestCompareSourcesOnlyLocalAndMirrors(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	mirror := mirrorOf(t, trust, cp.Current)
	dir := t.TempDir()
	cacheBundle(t, dir, cp.Current, time.Now(), trust)
	var ct compareTest
	c := ct.run(t, newFetcher(t, "http://127.0.0.1:1", dir), cp.PithNumber, CompareOptions{Trust: trust, Only: true,
		Mirrors: []string{mirror.URL}, Local: &LocalCopy{Name: "old.json", Bundle: mustParse(cp.Behind)}})
	got := sourceLines(c)
	if len(got) != 3 || got[0] != "file behind old.json" || !strings.HasPrefix(got[1], "mirror agree "+mirror.URL) {
		t.Errorf("sources: %q", got)
	}
}

func TestCompareSourcesNeedsAnID(t *testing.T) {
	f := newFetcher(t, "http://127.0.0.1:1", "")
	for _, ref := range []Ref{{Kind: URL, URL: "https://x.test/b.json"}, {Kind: File, Path: "b.json"}, {Kind: Embedded}} {
		if _, err := f.CompareSources(context.Background(), ref, CompareOptions{}); !errors.Is(err, ErrNoID) {
			t.Errorf("%s: %v", ref, err)
		}
	}
	if _, err := f.CompareSources(context.Background(), mustRef(t, "2101.00042"), CompareOptions{Mirrors: []string{"ftp://x"}}); err == nil {
		t.Error("a mirror that is not an http(s) URL was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.CompareSources(ctx, mustRef(t, "2101.00042"), CompareOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// BenchmarkCompareSources compares copies of a 1,000-event bundle served
// on loopback by one source and by four (two mirrors, both their paths):
// the same bytes are verified once, so four sources cost the fetches and
// parses, not four verifications.
func BenchmarkCompareSources(b *testing.B) {
	data := verifytest.Generate(1000)
	trust := verifytest.New().Signer.Trust()
	bundle := mustParse(data)
	m1, m2 := mirrorOf(b, trust, data), mirrorOf(b, trust, data)
	ref := mustRef(b, bundle.PithNumber)
	for _, bc := range []struct {
		name    string
		mirrors []string
	}{
		{"sources=1", []string{m1.URL + "/pith/" + model.BodyOf(bundle.PithNumber) + "/bundle.json"}},
		{"sources=4", []string{m1.URL, m2.URL}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := newFetcher(b, "http://127.0.0.1:1", "")
			for b.Loop() {
				c, err := f.CompareSources(context.Background(), ref, CompareOptions{Trust: trust, Only: true, Mirrors: bc.mirrors})
				if err != nil || c.Verdict != verify.SourceAgree {
					b.Fatalf("%v %v", err, c.Verdict)
				}
			}
		})
	}
}

// A copy that does not verify teaches the cache nothing: its events stay
// out of the history and its bytes are kept apart; the verified copy is
// learned.
func TestCompareSourcesLearnsOnlyVerifiedCopies(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	forged := verifytest.Edit(cp.Split, func(m map[string]any) {
		verifytest.At(m, "events", 2, "payload", "graph_snapshot", "paper").(map[string]any)["headline"] = "forged"
	})
	resolver, mirror := mirrorOf(t, trust, cp.Current), serveBytes(t, forged)
	dir := t.TempDir()
	f := newFetcher(t, resolver.URL, dir)
	var ct compareTest
	c := ct.run(t, f, "2101.00042", CompareOptions{Trust: trust, Mirrors: []string{mirror.URL + "/b.json"}})
	if c.Verdict != verify.SourceAgree || c.Sources[2].Verdict != verify.SourceUnverified {
		t.Fatalf("%s: %q", c.Verdict, sourceLines(c))
	}
	body := model.BodyOf(cp.PithNumber)
	if h, ok := f.opts.Cache.readHistory(body); !ok || len(h.Events) != 3 {
		t.Errorf("history: %+v", h)
	}
	if kept, err := os.ReadFile(f.opts.Cache.QuarantinePath(body)); err != nil || !bytes.Equal(kept, forged) {
		t.Errorf("the unverified bytes are not kept apart: %v", err)
	}
}
