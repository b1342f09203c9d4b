package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// loopbackOnly is a transport that can reach only this machine: the real
// bundle's mirror hints name https://pith.science, and no test may go there.
func loopbackOnly() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DisableCompression = true
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("test transport refuses %s: not loopback", addr)
		}
		return d.DialContext(ctx, network, addr)
	}
	return tr
}

// newFetcher is a fetcher for tests: loopback only, short limits.
func newFetcher(t testing.TB, resolver, cacheDir string, edit ...func(*Options)) *Fetcher {
	t.Helper()
	opts := Options{Resolver: resolver, Timeout: 2 * time.Second, Deadline: 5 * time.Second, UserAgent: "pithscope/test", Transport: loopbackOnly()}
	if cacheDir != "" {
		opts.Cache = &Cache{Dir: cacheDir}
	}
	for _, e := range edit {
		e(&opts)
	}
	return New(opts)
}

func mustRef(t testing.TB, s string) Ref {
	t.Helper()
	r, err := parseRef(s, noFiles)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// serveBytes answers every request with data.
func serveBytes(t testing.TB, data []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	t.Cleanup(srv.Close)
	return srv
}

// mirrorOf serves bundles through a Mirror, as pithscope serve does.
func mirrorOf(t testing.TB, trust *verify.TrustStore, bundles ...[]byte) *httptest.Server {
	t.Helper()
	m := NewMirror(trust)
	for i, b := range bundles {
		if !m.Add(fmt.Sprintf("bundle%d.json", i), b) {
			t.Fatalf("mirror refused bundle %d: %v", i, m.Skipped)
		}
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv
}

// allForms are every way a person may name the real bundle.
var allForms = []string{
	realNumber, realBody, strings.ToLower(realBody), "pith:M5BNRHPU", "M5BNRHPU", "M5BNRHPUWGA7", "M5BNRHPUWGA7MHPF",
	"1711.04623", "1711.04623v3", "arXiv:1711.04623", "10.48550/arxiv.1711.04623", "10.48550/ARXIV.1711.04623",
}

func TestFetchEveryForm(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	f := newFetcher(t, srv.URL, "")
	for _, form := range append(allForms, srv.URL+"/pith/M5BNRHPU/bundle.json") {
		res, err := f.Fetch(context.Background(), mustRef(t, form))
		if err != nil {
			t.Errorf("%s: %v", form, err)
			continue
		}
		if !bytes.Equal(res.Data, seed) || res.Bundle.PithNumber != realNumber {
			t.Errorf("%s: got %d bytes of %s", form, len(res.Data), res.Bundle.PithNumber)
		}
		if len(res.Attempts) != 1 || res.Attempts[0].Err != nil || res.Attempts[0].Status != 200 || !strings.HasPrefix(res.Source, srv.URL+"/pith/") {
			t.Errorf("%s: attempts %v, source %s; want one, accepted, from the /pith/ path", form, res.Attempts, res.Source)
		}
	}
}

func TestFetchSendsHeaders(t *testing.T) {
	seed := verifytest.RealBundle(t)
	var accept, agent, encoding string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept, agent, encoding = r.Header.Get("Accept"), r.Header.Get("User-Agent"), r.Header.Get("Accept-Encoding")
		w.Write(seed)
	}))
	defer srv.Close()
	if _, err := newFetcher(t, srv.URL, "").Fetch(context.Background(), mustRef(t, "M5BNRHPU")); err != nil {
		t.Fatal(err)
	}
	if accept != "application/json" || agent != "pithscope/test" || encoding != "gzip" {
		t.Errorf("Accept %q, User-Agent %q, Accept-Encoding %q", accept, agent, encoding)
	}
}

func TestWellKnownFallback(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/.well-known/pith/") {
			http.NotFound(w, r)
			return
		}
		w.Write(seed)
	}))
	defer srv.Close()
	res, err := newFetcher(t, srv.URL, "").Fetch(context.Background(), mustRef(t, "10.48550/arxiv.1711.04623"))
	if err != nil {
		t.Fatal(err)
	}
	var se *StatusError
	if len(res.Attempts) != 2 || !errors.As(res.Attempts[0].Err, &se) || se.Code != 404 || res.Attempts[1].Err != nil {
		t.Fatalf("attempts %v: want a 404 then the well-known path", res.Attempts)
	}
	if want := srv.URL + "/.well-known/pith/10.48550%2Farxiv.1711.04623/bundle.json"; res.Source != want {
		t.Errorf("source %s, want %s", res.Source, want)
	}
}

// withMirrorHint points a bundle's mirror_hints at base and re-signs it
// with s.
func withMirrorHint(data []byte, base string, s verifytest.Signer) []byte {
	body := model.BodyOf(mustParse(data).PithNumber)
	return verifytest.Sign(verifytest.Edit(data, func(m map[string]any) {
		m["mirror_hints"] = []any{map[string]any{
			"mirror_type": "https", "name": "test mirror", "base_url": base, "status": "primary",
			"bundle_url":            base + "/pith/" + body + "/bundle.json",
			"state_url":             base + "/pith/" + body + "/state.json",
			"well_known_bundle_url": base + "/.well-known/pith/" + body + "/bundle.json",
		}}
	}), s)
}

func mustParse(data []byte) *model.Bundle {
	b, err := model.Parse(data)
	if err != nil {
		panic(err)
	}
	return b
}

// learn verifies a fetched bundle with trust and lets the cache learn
// from it, as the commands do.
func learn(t testing.TB, res *Result, trust *verify.TrustStore) (Learned, *verify.Report) {
	t.Helper()
	report := verify.Verify(res.Bundle, verify.Options{Trust: trust, Requested: res.Ref.Request(), Previous: res.Previous})
	learned, err := res.Learn(report)
	if err != nil {
		t.Fatal(err)
	}
	return learned, report
}

// fetchAndLearn fetches ref with f, then learns from it.
func fetchAndLearn(t testing.TB, f *Fetcher, ref string, trust *verify.TrustStore) (*Result, Learned) {
	t.Helper()
	res, err := f.Fetch(context.Background(), mustRef(t, ref))
	if err != nil {
		t.Fatal(err)
	}
	learned, _ := learn(t, res, trust)
	return res, learned
}

// cacheBundle puts a verified bundle in the cache at dir as if it had been
// fetched at at.
func cacheBundle(t testing.TB, dir string, data []byte, at time.Time, trust *verify.TrustStore) {
	t.Helper()
	res := &Result{Data: data, Bundle: mustParse(data), Source: "https://earlier.test/bundle.json", FetchedAt: at,
		cache: &Cache{Dir: dir}, now: func() time.Time { return at }}
	if learned, _ := learn(t, res, trust); learned.NotLearned != "" {
		t.Fatalf("not learned: %s", learned.NotLearned)
	}
}

// Every way a source can fail sends the fetcher on to the next one: here
// the resolver fails (both its paths) and the mirror a verified cached
// copy names answers.
func TestMirrorFallback(t *testing.T) {
	b := verifytest.New().WithRecord()
	trust := b.Signer.Trust()
	other := verifytest.New()
	other.Year, other.SourceID = "2022", "2202.00002"
	otherData := other.WithRecord().Build()
	var data []byte // names the mirror that serves it
	mirror := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer mirror.Close()
	data = withMirrorHint(b.Build(), mirror.URL, b.Signer)
	body := model.BodyOf(b.PithNumber())

	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    func(error) bool
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 500) },
			func(err error) bool { var se *StatusError; return errors.As(err, &se) && se.Code == 500 }},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, func(err error) bool { return errors.Is(err, ErrTimeout) }},
		{"truncated", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.Write(data[:len(data)/2])
		}, func(err error) bool { return errors.Is(err, ErrTruncated) }},
		{"truncated without length", func(w http.ResponseWriter, r *http.Request) {
			w.Write(data[:len(data)/2])
		}, func(err error) bool { return errors.Is(err, ErrNotBundle) }},
		{"oversized", func(w http.ResponseWriter, r *http.Request) {
			w.Write(bytes.Repeat([]byte(" "), 40000)) // chunked: no Content-Length to refuse early
			w.(http.Flusher).Flush()
			w.Write(bytes.Repeat([]byte(" "), 40000))
		}, func(err error) bool { return errors.Is(err, ErrTooLarge) }},
		{"oversized by Content-Length", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "80000")
			w.Write(bytes.Repeat([]byte(" "), 1000))
		}, func(err error) bool { return errors.Is(err, ErrTooLarge) }},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		}, func(err error) bool { return errors.Is(err, ErrRedirect) }},
		{"different bundle", func(w http.ResponseWriter, r *http.Request) { w.Write(otherData) },
			func(err error) bool { return errors.Is(err, ErrWrongBundle) }},
		{"not json", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>hello</html>")) },
			func(err error) bool { return errors.Is(err, ErrNotBundle) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := httptest.NewServer(c.handler)
			defer bad.Close()
			for _, form := range []string{model.ShortPithNumber(body), "2101.00001"} {
				dir := t.TempDir()
				cacheBundle(t, dir, data, time.Now(), trust)
				f := newFetcher(t, bad.URL, dir, func(o *Options) { o.Timeout = 200 * time.Millisecond; o.MaxBytes = 50000 })
				res, err := f.Fetch(context.Background(), mustRef(t, form))
				if err != nil {
					t.Fatalf("%s: %v", form, err)
				}
				if len(res.Attempts) != 3 || !c.want(res.Attempts[0].Err) || !c.want(res.Attempts[1].Err) || res.Attempts[2].Err != nil {
					t.Fatalf("%s: attempts %v; want the resolver's two paths rejected for %s, then the mirror", form, res.Attempts, c.name)
				}
				if res.Source != mirror.URL+"/pith/"+body+"/bundle.json" || res.FromCache || res.Stale != "" {
					t.Fatalf("%s: source %s, from cache %v, stale %q", form, res.Source, res.FromCache, res.Stale)
				}
			}
		})
	}
}

func TestRedirectLimit(t *testing.T) {
	seed := verifytest.RealBundle(t)
	hops := func(n int) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var i int
			fmt.Sscanf(r.URL.Query().Get("hop"), "%d", &i)
			if i < n {
				http.Redirect(w, r, fmt.Sprintf("%s?hop=%d", r.URL.Path, i+1), http.StatusFound)
				return
			}
			w.Write(seed)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	f := newFetcher(t, "http://127.0.0.1:1", "")
	five := hops(MaxRedirects)
	if _, err := f.Fetch(context.Background(), mustRef(t, five.URL+"/b.json")); err != nil {
		t.Errorf("%d redirects: %v", MaxRedirects, err)
	}
	six := hops(MaxRedirects + 1)
	_, err := f.Fetch(context.Background(), mustRef(t, six.URL+"/b.json"))
	if !errors.Is(err, ErrSourcesFailed) || !strings.Contains(err.Error(), "more than 5 redirects") {
		t.Errorf("%d redirects: %v, want refused", MaxRedirects+1, err)
	}
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer elsewhere.Close()
	_, err = f.Fetch(context.Background(), mustRef(t, elsewhere.URL+"/b.json"))
	var fe *FetchError
	if !errors.As(err, &fe) || len(fe.Attempts) != 1 || !errors.Is(fe.Attempts[0].Err, ErrRedirect) {
		t.Errorf("redirect to file: %v, want refused", err)
	}
}

func TestGzipIsCapped(t *testing.T) {
	seed := verifytest.RealBundle(t)
	gz := func(data []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		return buf.Bytes()
	}
	serveGzip := func(body []byte) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(body)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	f := newFetcher(t, "http://127.0.0.1:1", "", func(o *Options) { o.MaxBytes = 64 << 10 })
	res, err := f.Fetch(context.Background(), mustRef(t, serveGzip(gz(seed)).URL+"/pith/M5BNRHPU/bundle.json"))
	if err != nil || !bytes.Equal(res.Data, seed) {
		t.Fatalf("gzip body: %v", err)
	}
	bomb := gz(bytes.Repeat([]byte(" "), 4<<20)) // a few KiB that decode to 4 MiB
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed", len(bomb))
	}
	_, err = f.Fetch(context.Background(), mustRef(t, serveGzip(bomb).URL+"/b.json"))
	if !errors.Is(err, ErrSourcesFailed) || !strings.Contains(err.Error(), "decompresses to over") {
		t.Errorf("gzip bomb: %v, want refused as too large", err)
	}
}

func TestDefaultSizeLimitRefusesEarly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(model.MaxBundleBytes+1))
		w.Write([]byte("{"))
	}))
	defer srv.Close()
	_, err := newFetcher(t, srv.URL, "").Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	var fe *FetchError
	if !errors.As(err, &fe) || !errors.Is(fe.Attempts[0].Err, ErrTooLarge) || !strings.Contains(err.Error(), "33554433 is over the 33554432-byte limit") {
		t.Errorf("got %v", err)
	}
}

func TestCacheAndAliasIndexAcrossFetchers(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	fetchAndLearn(t, newFetcher(t, srv.URL, dir), "1711.04623", nil)
	srv.Close()

	offline := newFetcher(t, srv.URL, dir, func(o *Options) {
		o.Offline = true
		o.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			t.Errorf("offline fetcher made a request to %s", r.URL)
			return nil, errors.New("offline")
		})
	})
	// Every form, a short number included: what `o M5BNRHPU` reopens.
	for _, form := range allForms {
		res, err := offline.Fetch(context.Background(), mustRef(t, form))
		if err != nil {
			t.Errorf("%s offline: %v", form, err)
			continue
		}
		if !res.FromCache || !bytes.Equal(res.Data, seed) || res.Stale != "" || !strings.HasPrefix(res.Source, "cache, fetched ") {
			t.Errorf("%s offline: from cache %v, stale %q, source %q", form, res.FromCache, res.Stale, res.Source)
		}
	}
	for _, form := range []string{"2101.00001", "pith:AAAAAAAA", "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6A"} {
		_, err := offline.Fetch(context.Background(), mustRef(t, form))
		if !errors.Is(err, ErrNotCached) {
			t.Errorf("%s offline: %v, want not cached", form, err)
		}
	}
	// A year that is not the record's is not the bundle asked for, cached or not.
	if _, err := offline.Fetch(context.Background(), mustRef(t, "pith:2018:"+realBody)); !errors.Is(err, ErrNotCached) {
		t.Errorf("wrong year offline: %v, want not cached", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestOfflineWithoutCache(t *testing.T) {
	f := newFetcher(t, "http://127.0.0.1:1", "", func(o *Options) { o.Offline = true })
	_, err := f.Fetch(context.Background(), mustRef(t, "1711.04623"))
	if !errors.Is(err, ErrNotCached) || !strings.Contains(err.Error(), "no cache") {
		t.Errorf("got %v", err)
	}
}

func TestNotFetchable(t *testing.T) {
	_, err := newFetcher(t, "http://127.0.0.1:1", "").Fetch(context.Background(), mustRef(t, "a/b.json"))
	if !errors.Is(err, ErrNotFetchable) {
		t.Errorf("got %v", err)
	}
}

func TestStaleFallback(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	fetchedAt := time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)
	first := newFetcher(t, srv.URL, dir, func(o *Options) { o.Now = func() time.Time { return fetchedAt } })
	fetchAndLearn(t, first, "arXiv:1711.04623", nil)
	srv.Close() // the network is gone

	later := newFetcher(t, srv.URL, dir, func(o *Options) { o.Now = func() time.Time { return fetchedAt.Add(3*time.Hour + 5*time.Minute) } })
	res, err := later.Fetch(context.Background(), mustRef(t, "1711.04623v3"))
	if err != nil {
		t.Fatal(err)
	}
	want := "may be stale; fetched 2026-05-18T09:00:00Z (3h ago)"
	if !res.FromCache || !strings.HasPrefix(res.Stale, want) || !bytes.Equal(res.Data, seed) {
		t.Errorf("stale %q, from cache %v; want a note starting %q", res.Stale, res.FromCache, want)
	}
	// Both resolver paths, then the mirrors the cached copy names (the real
	// one's, refused by the loopback-only transport), then the cache.
	if n := len(res.Attempts); n < 3 || res.Attempts[0].Err == nil || res.Attempts[n-1].Err != nil || !strings.HasPrefix(res.Attempts[n-1].URL, "cache:") {
		t.Errorf("attempts %v", res.Attempts)
	}
}

// The caller's cancellation ends the fetch at once, with no fallback.
func TestCancel(t *testing.T) {
	seed := verifytest.RealBundle(t)
	started := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	dir := t.TempDir()
	cacheBundle(t, dir, seed, time.Now(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	begin := time.Now()
	// Limits far longer than the bound below: only the cancel can end it.
	f := newFetcher(t, srv.URL, dir, func(o *Options) { o.Timeout, o.Deadline = 20*time.Second, 40*time.Second })
	_, err := f.Fetch(ctx, mustRef(t, "M5BNRHPU"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want cancelled", err)
	}
	if time.Since(begin) > 5*time.Second {
		t.Errorf("took %s to notice the cancel", time.Since(begin))
	}
}

func TestOverallDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	f := newFetcher(t, srv.URL, "", func(o *Options) { o.Timeout = 20 * time.Second; o.Deadline = 150 * time.Millisecond })
	begin := time.Now()
	_, err := f.Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	var fe *FetchError
	if !errors.As(err, &fe) || !errors.Is(err, ErrSourcesFailed) || !strings.Contains(err.Error(), "overall deadline of 150ms") || len(fe.Attempts) != 1 {
		t.Errorf("got %v", err)
	}
	if time.Since(begin) > 5*time.Second { // far under the 20 s request timeout
		t.Errorf("took %s; the deadline is 150ms", time.Since(begin))
	}
}

func TestFetchErrorListsAttempts(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := newFetcher(t, srv.URL, "").Fetch(context.Background(), mustRef(t, "1711.04623"))
	msg := fmt.Sprint(err)
	if !strings.HasPrefix(msg, "cannot fetch 1711.04623: no source answered with the bundle (2 tried: ") ||
		!strings.Contains(msg, "/pith/1711.04623/bundle.json: HTTP 404 Not Found") || strings.Contains(msg, "\n") {
		t.Errorf("error %q", msg)
	}
}

func TestAttemptStringIsPrintable(t *testing.T) {
	a := Attempt{URL: "http://h/\x1b[31mred", Status: 500, Err: errors.New("bad \x1b]0;title\x07")}
	if s := a.String(); strings.ContainsAny(s, "\x1b\x07") {
		t.Errorf("Attempt.String() = %q reaches the terminal raw", s)
	}
}

func TestResolverBase(t *testing.T) {
	t.Setenv("PITH_RESOLVER", "")
	if got, _ := ResolverBase(""); got != DefaultResolver {
		t.Errorf("default: %s", got)
	}
	t.Setenv("PITH_RESOLVER", "http://127.0.0.1:8700/")
	if got, _ := ResolverBase(""); got != "http://127.0.0.1:8700" {
		t.Errorf("from the environment: %s", got)
	}
	if got, _ := ResolverBase("https://m.test"); got != "https://m.test" {
		t.Errorf("the flag wins: %s", got)
	}
	if _, err := ResolverBase("ftp://m.test"); err == nil || !strings.Contains(err.Error(), "--resolver") {
		t.Errorf("ftp resolver: %v", err)
	}
}

// A server whose answer changes between fetches: the rollback scenario.
type versionServer struct{ current atomic.Pointer[[]byte] }

func (v *versionServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { w.Write(*v.current.Load()) }

func (v *versionServer) set(data []byte) { v.current.Store(&data) }

// twoVersions builds one record twice: with three events, and with the
// first two of them only (what a rolled-back server would answer).
func twoVersions() (full, rolledBack []byte, b *verifytest.Builder) {
	b = verifytest.New().WithRecord()
	s1 := b.AddSnapshot("2026-01-02T00:00:00Z", "", "first")
	b.AddSnapshot("2026-01-03T00:00:00Z", s1, "first")
	full = b.Build()
	older := verifytest.New().WithRecord()
	older.AddSnapshot("2026-01-02T00:00:00Z", "", "first")
	return full, older.Build(), b
}

func TestRollbackDetected(t *testing.T) {
	full, rolledBack, builder := twoVersions()
	trust := builder.Signer.Trust()
	vs := &versionServer{}
	srv := httptest.NewServer(vs)
	defer srv.Close()
	dir := t.TempDir()
	ref := mustRef(t, builder.PithNumber())
	check := func(data []byte, wantPrevious bool, want verify.Status) {
		t.Helper()
		vs.set(data)
		res, err := newFetcher(t, srv.URL, dir).Fetch(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if (res.Previous != nil) != wantPrevious {
			t.Fatalf("previous %+v, want one: %v", res.Previous, wantPrevious)
		}
		_, report := learn(t, res, trust)
		c, found := report.Find(verify.CheckRollback, verify.SubjectBundle)
		if wantPrevious && (!found || c.Status != want) {
			t.Fatalf("rollback check %+v, want %s", c, want)
		}
		for _, c := range report.Checks {
			if c.Name != verify.CheckRollback && c.Status != verify.OK {
				t.Fatalf("check %s %s: %s", c.Name, c.Status, c.Detail)
			}
		}
	}
	check(full, false, "")
	check(full, true, verify.OK)
	check(rolledBack, true, verify.Fail)
	check(rolledBack, true, verify.Fail) // still visible on the next fetch
	check(full, true, verify.OK)

	// And offline, from the cache, the same history applies.
	vs.set(rolledBack)
	fetchAndLearn(t, newFetcher(t, srv.URL, dir), builder.PithNumber(), trust)
	res, err := newFetcher(t, srv.URL, dir, func(o *Options) { o.Offline = true }).Fetch(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	report := verify.Verify(res.Bundle, verify.Options{Trust: trust, Previous: res.Previous})
	if c, _ := report.Find(verify.CheckRollback, verify.SubjectBundle); c.Status != verify.Fail {
		t.Errorf("offline rollback check %+v, want fail", c)
	}
}

// TestAttemptWhyTellsFailuresApart: a refused connection, an error status
// and a server that never answers each say what happened, in a few words.
func TestAttemptWhyTellsFailuresApart(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens there any more: connections are refused
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer failing.Close()
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hanging.Close()
	for _, c := range []struct {
		resolver, want string
	}{
		{closed.URL, "connection refused"},
		{failing.URL, "HTTP 500 Internal Server Error"},
		{hanging.URL, "timed out after 100ms"},
	} {
		f := newFetcher(t, c.resolver, "", func(o *Options) { o.Timeout = 100 * time.Millisecond })
		_, err := f.Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
		var fe *FetchError
		if !errors.As(err, &fe) || len(fe.Attempts) == 0 {
			t.Fatalf("%s: %v", c.want, err)
		}
		for _, a := range fe.Attempts {
			if a.Why() != c.want {
				t.Errorf("%s: Why() = %q, want %q", a.URL, a.Why(), c.want)
			}
		}
	}
	if why := (Attempt{URL: "https://x", Status: 200}).Why(); why != "" {
		t.Errorf("the source that answered has no why: %q", why)
	}
	if why := (Attempt{Err: errors.New("bad \x1b]0;title\x07")}).Why(); strings.ContainsAny(why, "\x1b\x07") {
		t.Errorf("Why() = %q reaches the terminal raw", why)
	}
}
