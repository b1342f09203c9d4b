package fetch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// withHints gives a test bundle these mirror hints (bundle URLs) and
// re-signs it.
func withHints(b *verifytest.Builder, urls ...string) []byte {
	var hints []any
	for _, u := range urls {
		hints = append(hints, map[string]any{"mirror_type": "https", "name": "m", "bundle_url": u, "status": "primary"})
	}
	return verifytest.Sign(verifytest.Edit(b.Build(), func(m map[string]any) { m["mirror_hints"] = hints }), b.Signer)
}

// recordingTransport lists every request and answers it with a 404, or,
// for the host serveHost (when set), with data.
type recordingTransport struct {
	serveHost string
	data      []byte
	mu        sync.Mutex
	urls      []string
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	if r.serveHost == "" || req.URL.Host != r.serveHost {
		return &http.Response{StatusCode: 404, Body: http.NoBody, Request: req}, nil
	}
	return &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(r.data)), ContentLength: int64(len(r.data)), Request: req}, nil
}

// Mirror hints are followed only as far as where the resolver is allows:
// https to public addresses from a public resolver; plain http and
// loopback or private addresses only from a resolver on loopback (or
// plain http with AllowHTTPMirrors). A refused hint is listed, never
// requested.
func TestMirrorHintsFollowTheResolversPlace(t *testing.T) {
	b := verifytest.New().WithRecord()
	hints := []string{
		"http://plain.test/b.json", "https://127.0.0.1:9/b.json", "https://10.1.2.3/b.json",
		"https://[::1]:9/b.json", "https://169.254.169.254/latest/meta-data", "https://mirror.test/b.json",
	}
	dir := t.TempDir()
	cacheBundle(t, dir, withHints(b, hints...), time.Now(), b.Signer.Trust())
	cases := []struct {
		resolver  string
		allowHTTP bool
		requested []string
	}{
		{"https://resolver.test", false, []string{"https://mirror.test/b.json"}},
		{"https://resolver.test", true, []string{"http://plain.test/b.json", "https://mirror.test/b.json"}},
		{"http://127.0.0.1:1", false, hints},
		{"http://localhost:1", false, hints},
		{"https://10.0.0.1", false, []string{"https://127.0.0.1:9/b.json", "https://10.1.2.3/b.json", "https://[::1]:9/b.json",
			"https://169.254.169.254/latest/meta-data", "https://mirror.test/b.json"}},
	}
	for _, c := range cases {
		rt := &recordingTransport{}
		f := newFetcher(t, c.resolver, dir, func(o *Options) { o.Transport, o.AllowHTTPMirrors = rt, c.allowHTTP })
		// Every source answers 404: the cached copy answers, after them.
		res, err := f.Fetch(context.Background(), mustRef(t, "2101.00001"))
		if err != nil || res.Stale == "" {
			t.Fatalf("%s: %v", c.resolver, err)
		}
		requested := slices.DeleteFunc(rt.urls, func(u string) bool { return strings.HasPrefix(u, c.resolver) })
		if !slices.Equal(requested, c.requested) {
			t.Errorf("resolver %s (http mirrors %v): requested %q, want %q", c.resolver, c.allowHTTP, requested, c.requested)
		}
		for _, a := range res.Attempts[:len(res.Attempts)-1] {
			if refused := !slices.Contains(c.requested, a.URL) && !strings.HasPrefix(a.URL, c.resolver); refused != errors.Is(a.Err, ErrHintRefused) ||
				(refused && !strings.Contains(a.String(), "not requested: ")) {
				t.Errorf("resolver %s: attempt %s", c.resolver, a)
			}
		}
	}
}

// A host name that resolves to loopback is refused when it is dialled:
// what DNS answers cannot smuggle a private address past the check.
func TestMirrorHintResolvedToLoopbackIsRefusedAtDialTime(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	hint := "https://localhost:" + port + "/b.json"
	b := verifytest.New().WithRecord()
	dir := t.TempDir()
	cacheBundle(t, dir, withHints(b, hint), time.Now(), b.Signer.Trust())

	// The default transport, with its guard (and no proxy for localhost).
	public := New(Options{Resolver: "https://resolver.invalid", Cache: &Cache{Dir: dir}, Timeout: 2 * time.Second, Deadline: 5 * time.Second})
	res, err := public.Fetch(context.Background(), mustRef(t, "2101.00001"))
	if err != nil {
		t.Fatalf("got %v", err)
	}
	i := slices.IndexFunc(res.Attempts, func(a Attempt) bool { return a.URL == hint })
	if i < 0 || !errors.Is(res.Attempts[i].Err, ErrAddressRefused) {
		t.Errorf("attempts %v: want %s refused at dial time", res.Attempts, hint)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections reached the loopback server", n)
	}
	// From a resolver on loopback, the same hint is followed.
	local := New(Options{Resolver: "http://127.0.0.1:1", Cache: &Cache{Dir: dir}, Timeout: 2 * time.Second, Deadline: 5 * time.Second})
	local.Fetch(context.Background(), mustRef(t, "2101.00001"))
	if conns.Load() == 0 {
		t.Error("a resolver on loopback did not reach its loopback mirror")
	}
}

// Every request made is listed: each redirect is one.
func TestRedirectsAreListed(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.json":
			http.Redirect(w, r, "/b.json", http.StatusFound)
		case "/b.json":
			http.Redirect(w, r, "/c.json", http.StatusMovedPermanently)
		default:
			w.Write(seed)
		}
	}))
	defer srv.Close()
	res, err := newFetcher(t, "http://127.0.0.1:1", "").Fetch(context.Background(), mustRef(t, srv.URL+"/a.json"))
	if err != nil {
		t.Fatal(err)
	}
	a := res.Attempts[0]
	if !slices.Equal(a.Redirects, []string{srv.URL + "/b.json", srv.URL + "/c.json"}) ||
		!strings.HasPrefix(a.String(), srv.URL+"/a.json -> "+srv.URL+"/b.json -> "+srv.URL+"/c.json  HTTP 200") {
		t.Errorf("attempt %s, redirects %q", a, a.Redirects)
	}
}

// A mirror hint's request may not be redirected to plain http.
func TestHintRedirectToPlainHTTPIsRefused(t *testing.T) {
	for _, c := range []struct {
		trace *requestTrace
		to    string
		ok    bool
	}{
		{&requestTrace{guarded: true}, "http://mirror.test/b.json", false},
		{&requestTrace{guarded: true}, "https://mirror.test/b.json", true},
		{&requestTrace{guarded: true, allowHTTP: true}, "http://mirror.test/b.json", true},
		{&requestTrace{}, "http://resolver.test/b.json", true},
	} {
		req, _ := http.NewRequestWithContext(context.WithValue(context.Background(), traceKey{}, c.trace), "GET", c.to, nil)
		if err := checkRedirect(req, nil); (err == nil) != c.ok || !slices.Equal(c.trace.redirects, []string{c.to}) {
			t.Errorf("redirect to %s with %+v: %v", c.to, c.trace, err)
		}
	}
}

func TestIsPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.215.14": true, "2606:2800:21f:cb07:6820:80da:af6b:8b2c": true,
		"127.0.0.1": false, "::1": false, "10.0.0.1": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fc00::1": false, "0.0.0.0": false, "0.1.2.3": false,
		"100.64.0.1": false, "224.0.0.1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "::": false,
	} {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %v", addr, got)
		}
	}
}

// Sources lists where Fetch would look, in order; FetchFrom fetches from
// one alone, with the same checks, and its result can be learned.
func TestSourcesAndFetchFromOne(t *testing.T) {
	b := verifytest.New().WithRecord()
	trust := b.Signer.Trust()
	var data []byte
	mirror := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer mirror.Close()
	data = withHints(b, mirror.URL+"/b.json", "http://plain.test/b.json")
	dir := t.TempDir()
	cacheBundle(t, dir, data, time.Now(), trust)

	f := newFetcher(t, "https://resolver.test", dir, func(o *Options) { o.Transport = loopbackOnly() })
	ref := mustRef(t, "2101.00001")
	got := f.Sources(ref)
	want := []string{"https://resolver.test/pith/2101.00001/bundle.json", "https://resolver.test/.well-known/pith/2101.00001/bundle.json",
		mirror.URL + "/b.json", "http://plain.test/b.json"}
	if len(got) != len(want) {
		t.Fatalf("sources %+v", got)
	}
	for i, s := range got {
		hint := i >= 2
		if s.URL != want[i] || s.Hint != hint || (s.Refused != nil) != hint {
			t.Errorf("source %d: %+v, want %s (hint %v, refused: plain http or loopback from a public resolver)", i, s, want[i], hint)
		}
	}
	local := newFetcher(t, "http://127.0.0.1:1", dir)
	mirrorSource := local.Sources(ref)[2]
	res, err := local.FetchFrom(context.Background(), mirrorSource, ref)
	if err != nil || res.Source != mirror.URL+"/b.json" || len(res.Attempts) != 1 || res.Previous == nil {
		t.Fatalf("FetchFrom the mirror: %+v, %v", res, err)
	}
	if learned, _ := learn(t, res, trust); learned.NotLearned != "" {
		t.Errorf("not learned: %s", learned.NotLearned)
	}
	_, err = f.FetchFrom(context.Background(), got[3], ref)
	var fe *FetchError
	if !errors.As(err, &fe) || len(fe.Attempts) != 1 || !errors.Is(fe.Attempts[0].Err, ErrHintRefused) {
		t.Errorf("FetchFrom a refused hint: %v", err)
	}
}
