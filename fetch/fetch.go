package fetch

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Defaults for Options.
const (
	DefaultResolver = "https://pith.science"
	DefaultTimeout  = 10 * time.Second // one request, body included
	DefaultDeadline = 30 * time.Second // every source together
	MaxRedirects    = 5
)

// ResolverBase is the resolver to ask: the --resolver flag value when set,
// else $PITH_RESOLVER, else DefaultResolver. It must be an http(s) URL.
func ResolverBase(flagValue string) (string, error) {
	base, from := flagValue, "--resolver"
	if base == "" {
		base, from = os.Getenv("PITH_RESOLVER"), "PITH_RESOLVER"
	}
	if base == "" {
		return DefaultResolver, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%s %s is not an http(s) URL", from, model.Quote(base))
	}
	return strings.TrimRight(base, "/"), nil
}

// Options configure a Fetcher. The zero value of each field means its
// default.
type Options struct {
	Resolver  string // base URL; "" is DefaultResolver
	Cache     *Cache // nil: no cache
	Offline   bool   // only the cache
	Timeout   time.Duration
	Deadline  time.Duration
	MaxBytes  int64  // largest body accepted, after decoding; 0 is model.MaxBundleBytes
	UserAgent string // "" is "pithscope"
	// AllowHTTPMirrors follows mirror hints over plain http too; without
	// it only https hints are followed, unless the resolver is on loopback.
	AllowHTTPMirrors bool
	// Transport carries the requests; nil is a clone of the default
	// transport that honours the proxy environment variables and refuses
	// to connect a mirror hint's request to a loopback, private or
	// link-local address (unless the resolver is one).
	Transport http.RoundTripper
	// Progress, when set, is told (in printable text) what is being tried.
	Progress func(string)
	// Now is the clock, for tests; nil is time.Now.
	Now func() time.Time
}

// Fetcher fetches bundles. It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client
	// What mirror hints may lead to, from where the resolver is: plain
	// http only when it is on loopback (or AllowHTTPMirrors), addresses
	// that are not public only when it is on one.
	hintHTTP, hintNonPublic bool
}

// New returns a Fetcher with opts, defaults filled in.
func New(opts Options) *Fetcher {
	if opts.Resolver == "" {
		opts.Resolver = DefaultResolver
	}
	opts.Resolver = strings.TrimRight(opts.Resolver, "/")
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Deadline <= 0 {
		opts.Deadline = DefaultDeadline
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = model.MaxBundleBytes
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "pithscope"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	transport := opts.Transport
	if transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = proxyNoted(http.ProxyFromEnvironment)
		t.DialContext = guardedDial(&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second})
		// Transparent decompression has no size cap; readBody asks for
		// gzip itself and caps what it decodes to.
		t.DisableCompression = true
		t.MaxResponseHeaderBytes = 1 << 20
		transport = t
	}
	f := &Fetcher{opts: opts, client: &http.Client{Transport: transport, CheckRedirect: checkRedirect}}
	if u, err := url.Parse(opts.Resolver); err == nil {
		loopback, public := hostClass(u.Hostname())
		f.hintHTTP = loopback || opts.AllowHTTPMirrors
		f.hintNonPublic = !public
	}
	return f
}

// Errors an Attempt or a FetchError wraps; test with errors.Is.
var (
	ErrTooLarge      = errors.New("body over the size limit")
	ErrTruncated     = errors.New("body ended early")
	ErrTimeout       = errors.New("timed out")
	ErrRedirect      = errors.New("redirect refused")
	ErrNotBundle     = errors.New("not a bundle")
	ErrWrongBundle   = errors.New("answered with another bundle")
	ErrNotCached     = errors.New("not in the cache")
	ErrSourcesFailed = errors.New("no source answered with the bundle")
	ErrNotFetchable  = errors.New("not a reference that is fetched")
	// ErrHintRefused is a mirror hint that was not requested at all.
	ErrHintRefused = errors.New("mirror hint not followed")
	// ErrAddressRefused is a mirror hint's host that resolved to an
	// address it may not lead to.
	ErrAddressRefused = errors.New("refused to connect a mirror hint to an address that is not public")
)

// StatusError is an HTTP answer other than 200.
type StatusError struct{ Code int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Attempt is one source tried.
type Attempt struct {
	URL       string
	Redirects []string // every URL it redirected to, in order: each a request made
	Status    int      // HTTP status, 0 when there was no answer
	Bytes     int      // body bytes read (after decoding)
	Duration  time.Duration
	Err       error // why the source was rejected; nil for the one accepted
}

// String describes the attempt for people, safe to print on a terminal.
func (a Attempt) String() string {
	status := "no answer"
	switch {
	case errors.Is(a.Err, ErrHintRefused):
		return model.Printable(fmt.Sprintf("%s  not requested: %v", a.URL, a.Err))
	case a.Status != 0:
		status = fmt.Sprintf("HTTP %d", a.Status)
	case a.Err == nil:
		status = "local" // the cache
	}
	verdict := "accepted"
	if a.Err != nil {
		verdict = "rejected: " + a.Err.Error()
	}
	where := a.URL
	for _, r := range a.Redirects {
		where += " -> " + r
	}
	return model.Printable(fmt.Sprintf("%s  %s, %d bytes, %s  %s", where, status, a.Bytes, a.Duration.Round(time.Millisecond), verdict))
}

// Why says in a few words why the source gave no bundle, so that a
// refused connection, an error status and a source that never answered
// read differently: "connection refused", "HTTP 500 Internal Server
// Error", "timed out after 10s", "no such host". It is "" for the source
// that gave the bundle, and printable.
func (a Attempt) Why() string {
	var status *StatusError
	var dns *net.DNSError
	var op *net.OpError
	var why string
	switch {
	case a.Err == nil:
		return ""
	case errors.As(a.Err, &status):
		why = status.Error()
	case errors.Is(a.Err, syscall.ECONNREFUSED):
		why = "connection refused"
	case errors.As(a.Err, &dns) && dns.IsNotFound:
		why = "no such host " + dns.Name
	case errors.As(a.Err, &op) && !errors.Is(a.Err, ErrTimeout):
		why = op.Err.Error() // without the addresses: the URL says where
	default:
		why = a.Err.Error()
	}
	return model.Printable(why)
}

// FetchError is a reference that could not be fetched, with every source
// that was tried.
type FetchError struct {
	Ref      Ref
	Attempts []Attempt
	// Err is ErrSourcesFailed, ErrNotCached, ErrNotFetchable, an
	// *AliasConflictError, or the caller's context error.
	Err error
}

func (e *FetchError) Error() string {
	msg := fmt.Sprintf("cannot fetch %s: %v", e.Ref, e.Err)
	if len(e.Attempts) > 0 {
		parts := make([]string, len(e.Attempts))
		for i, a := range e.Attempts {
			parts[i] = fmt.Sprintf("%s: %v", a.URL, a.Err)
		}
		msg += fmt.Sprintf(" (%d tried: %s)", len(e.Attempts), strings.Join(parts, "; "))
	}
	return msg
}

func (e *FetchError) Unwrap() error { return e.Err }

// Result is a fetched bundle and where it came from. Nothing of it is in
// the cache yet: verify it, then call Learn with the report.
type Result struct {
	Ref       Ref
	Data      []byte
	Bundle    *model.Bundle
	Source    string // the URL it was fetched from, or a description of the cache entry (raw: escape before printing)
	FromCache bool
	FetchedAt time.Time
	// Stale is set when the network failed and the cache answered: a note
	// for people saying so and when the bundle was fetched.
	Stale string
	// Previous is what the rollback check compares this version with:
	// every event verified versions of the bundle had (nil: none seen).
	Previous *verify.PreviousVersion
	Attempts []Attempt

	cache *Cache
	now   func() time.Time
}

// Fetch gets the bundle ref names, trying in order: the URL itself (for a
// URL), else the resolver's path and its well-known path, then the mirrors
// the verified bundles the cache holds for ref name (only those the
// resolver's place allows: see Options). A source is rejected on a network
// error, a status other than 200, a body too large, truncated or not a
// bundle, or a bundle that is not the one asked for; the next is tried.
// When every source fails and the cache has the bundle, the cached copy is
// returned with Result.Stale set. Offline, only the cache is read.
//
// Fetch stores nothing: the caller verifies the bundle and passes the
// report to Result.Learn.
func (f *Fetcher) Fetch(ctx context.Context, ref Ref) (*Result, error) {
	if !ref.Networked() {
		return nil, &FetchError{Ref: ref, Err: ErrNotFetchable}
	}
	if f.opts.Offline {
		cached, err := f.opts.Cache.Lookup(ref)
		switch {
		case err != nil:
			return nil, &FetchError{Ref: ref, Err: err}
		case cached == nil:
			return nil, &FetchError{Ref: ref, Err: f.notCached()}
		}
		return f.fromCache(ref, cached, ""), nil
	}

	deadlineCtx, cancel := context.WithTimeout(ctx, f.opts.Deadline)
	defer cancel()
	var attempts []Attempt
	for _, src := range f.Sources(ref) {
		if src.Refused == nil && deadlineCtx.Err() != nil {
			break
		}
		res, a := f.fetchFrom(deadlineCtx, src, ref)
		attempts = append(attempts, a)
		if res != nil {
			res.Attempts = attempts
			return res, nil
		}
	}
	if ctx.Err() != nil { // the caller gave up: no fallback
		return nil, &FetchError{Ref: ref, Attempts: attempts, Err: ctx.Err()}
	}
	failure := ErrSourcesFailed
	if deadlineCtx.Err() != nil {
		failure = fmt.Errorf("%w: the overall deadline of %s passed", ErrSourcesFailed, f.opts.Deadline)
	}
	cached, err := f.opts.Cache.Lookup(ref)
	switch {
	case err != nil:
		return nil, &FetchError{Ref: ref, Attempts: attempts, Err: fmt.Errorf("%w, and %w", failure, err)}
	case cached != nil:
		res := f.fromCache(ref, cached, fmt.Sprintf("; no source answered (%d tried)", len(attempts)))
		res.Attempts = append(attempts, res.Attempts...)
		return res, nil
	}
	return nil, &FetchError{Ref: ref, Attempts: attempts, Err: failure}
}

func (f *Fetcher) notCached() error {
	if f.opts.Cache == nil {
		return fmt.Errorf("%w (offline, and there is no cache)", ErrNotCached)
	}
	return fmt.Errorf("%w (offline; cache %s)", ErrNotCached, f.opts.Cache.Dir)
}

// fromCache makes a Result of a cache entry. staleWhy, when not empty,
// marks it as a fallback after the network failed.
func (f *Fetcher) fromCache(ref Ref, c *Cached, staleWhy string) *Result {
	h := c.History
	when := "at an unknown time"
	if !h.FetchedAt.IsZero() {
		when = fmt.Sprintf("%s (%s ago)", h.FetchedAt.UTC().Format(time.RFC3339), verify.Age(f.opts.Now().Sub(h.FetchedAt)))
	}
	res := &Result{
		Ref: ref, Data: c.Data, Bundle: c.Bundle, FromCache: true, FetchedAt: h.FetchedAt,
		Source:   fmt.Sprintf("cache, fetched %s from %s", when, h.Source),
		Attempts: []Attempt{{URL: "cache:" + f.opts.Cache.bundlePath(c.Body), Bytes: len(c.Data)}},
		cache:    f.opts.Cache, now: f.opts.Now,
	}
	if len(h.Events) > 0 {
		res.Previous = h.previous()
	}
	if staleWhy != "" {
		res.Stale = model.Printable("may be stale; fetched " + when + staleWhy)
	}
	return res
}

func (f *Fetcher) progress(msg string) {
	if f.opts.Progress != nil {
		f.opts.Progress(model.Printable(msg))
	}
}

// Source is one place to fetch a bundle from.
type Source struct {
	URL string
	// Hint is set for a mirror a verified bundle named: its request may
	// not reach an address that is not public (unless the resolver is on
	// one), nor be redirected to plain http (unless that is allowed).
	Hint bool
	// Refused says why a hint may not be requested at all (nil: it may).
	Refused error
}

// Sources lists, in the order Fetch tries them and without repeats, every
// place ref may be fetched from: what the person named (a URL, or the
// resolver's two paths), then the mirrors the cache learned from verified
// bundles, each checked against where the resolver is.
func (f *Fetcher) Sources(ref Ref) []Source {
	var out []Source
	seen := map[string]bool{}
	add := func(s Source) {
		if s.URL != "" && !seen[s.URL] && isHTTPURL(s.URL) {
			seen[s.URL] = true
			out = append(out, s)
		}
	}
	if ref.Kind == URL {
		add(Source{URL: ref.URL})
	} else {
		for _, u := range ResolverURLs(f.opts.Resolver, ref.ID()) {
			add(Source{URL: u})
		}
	}
	_, hints := f.opts.Cache.mirrorHints(ref)
	for _, u := range hints {
		add(Source{URL: u, Hint: true, Refused: f.checkHint(u)})
	}
	return out
}

// FetchFrom fetches ref from one source alone, with the limits and checks
// of Fetch (the request timeout, the body limits, the bundle asked for,
// the guard on a hint) but no other source and no cache fallback. Like
// Fetch, it stores nothing: verify the result and call its Learn. On
// failure the error is a *FetchError with the one attempt.
func (f *Fetcher) FetchFrom(ctx context.Context, src Source, ref Ref) (*Result, error) {
	res, a := f.fetchFrom(ctx, src, ref)
	if res == nil {
		return nil, &FetchError{Ref: ref, Attempts: []Attempt{a}, Err: ErrSourcesFailed}
	}
	res.Attempts = []Attempt{a}
	return res, nil
}

// fetchFrom tries one source; the result is nil when it was refused or
// rejected (the attempt says why).
func (f *Fetcher) fetchFrom(ctx context.Context, src Source, ref Ref) (*Result, Attempt) {
	if src.Refused != nil {
		return nil, Attempt{URL: src.URL, Err: src.Refused}
	}
	f.progress("fetching " + src.URL)
	data, b, a := f.try(ctx, src, ref.Request())
	if a.Err != nil {
		return nil, a
	}
	return &Result{
		Ref: ref, Data: data, Bundle: b, Source: src.URL, FetchedAt: f.opts.Now(),
		Previous: f.opts.Cache.previous(derivedBody(b)), cache: f.opts.Cache, now: f.opts.Now,
	}, a
}

// checkHint says why a mirror hint may not be requested: plain http when
// the resolver is not on loopback (and AllowHTTPMirrors is not set), or an
// address that is not public when the resolver's is. A host name is
// checked again, once resolved, when it is dialled.
func (f *Fetcher) checkHint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrHintRefused, err)
	}
	if u.Scheme != "https" && !f.hintHTTP {
		return fmt.Errorf("%w: plain http (a mirror hint must be https unless the resolver is on loopback or --allow-http-mirrors is given)", ErrHintRefused)
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !isPublic(ip) && !f.hintNonPublic {
		return fmt.Errorf("%w: %s is not a public address, and the resolver is", ErrHintRefused, ip)
	}
	return nil
}

// ResolverURLs are the two places a resolver at base serves id: its
// /pith/ path and its well-known path. The id is path-escaped, so a DOI's
// slash travels as %2F.
func ResolverURLs(base, id string) []string {
	base = strings.TrimRight(base, "/")
	esc := url.PathEscape(id)
	return []string{base + "/pith/" + esc + "/bundle.json", base + "/.well-known/pith/" + esc + "/bundle.json"}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// requestTrace goes with one source's request (in its context): what the
// guard allows, and every redirect followed.
type requestTrace struct {
	guarded   bool // a mirror hint: no address that is not public, no redirect to plain http unless allowed
	allowHTTP bool
	proxied   atomic.Bool // the request goes through a proxy, which resolves the host itself
	redirects []string
}

type traceKey struct{}

func traceOf(ctx context.Context) *requestTrace {
	tr, _ := ctx.Value(traceKey{}).(*requestTrace)
	return tr
}

// checkRedirect allows at most MaxRedirects redirects, to http(s) only,
// and from a mirror hint to https only (unless plain http is allowed).
// Each is noted: it is a request made.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRedirect, MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: to a %s: URL", ErrRedirect, req.URL.Scheme)
	}
	if tr := traceOf(req.Context()); tr != nil {
		tr.redirects = append(tr.redirects, req.URL.String())
		if tr.guarded && req.URL.Scheme != "https" && !tr.allowHTTP {
			return fmt.Errorf("%w: a mirror hint redirected to plain http", ErrRedirect)
		}
	}
	return nil
}

// proxyNoted wraps a proxy function to mark requests that go through a
// proxy: the guard cannot see the address a proxy connects to.
func proxyNoted(proxy func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	return func(req *http.Request) (*url.URL, error) {
		u, err := proxy(req)
		if tr := traceOf(req.Context()); tr != nil && u != nil {
			tr.proxied.Store(true)
		}
		return u, err
	}
}

// guardedDial dials with d, refusing, for a mirror hint's request, any
// address that is not public. The address is checked as it is connected
// to, after name resolution, so a host name that resolves to 127.0.0.1
// (or a DNS answer that changes between two lookups) is caught too.
func guardedDial(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	guarded := *d
	guarded.ControlContext = func(_ context.Context, _, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrAddressRefused, address)
		}
		if ip, err := netip.ParseAddr(host); err != nil || !isPublic(ip) {
			return fmt.Errorf("%w: %s", ErrAddressRefused, address)
		}
		return nil
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if tr := traceOf(ctx); tr != nil && tr.guarded && !tr.proxied.Load() {
			return guarded.DialContext(ctx, network, addr)
		}
		return d.DialContext(ctx, network, addr)
	}
}

// notPublic are ranges IsGlobalUnicast lets through that still reach this
// machine or its network: "this network", carrier-grade NAT, benchmarking.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("198.18.0.0/15"),
}

// isPublic reports an address on the public internet: not loopback,
// private, link-local, multicast or unspecified.
func isPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// hostClass says whether a URL's host is loopback (localhost or a loopback
// address) and whether it is a public address or name.
func hostClass(host string) (loopback, public bool) {
	if strings.EqualFold(host, "localhost") {
		return true, false
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return false, true // a name: public as far as can be told before it is dialled
	}
	return ip.Unmap().IsLoopback(), isPublic(ip)
}

// try fetches one source and checks the answer is the bundle asked for.
func (f *Fetcher) try(ctx context.Context, src Source, want verify.Request) ([]byte, *model.Bundle, Attempt) {
	a := Attempt{URL: src.URL}
	start := time.Now()
	trace := &requestTrace{guarded: src.Hint && !f.hintNonPublic, allowHTTP: f.hintHTTP}
	reqCtx, cancel := context.WithTimeout(context.WithValue(ctx, traceKey{}, trace), f.opts.Timeout)
	defer cancel()

	fail := func(err error) ([]byte, *model.Bundle, Attempt) {
		if reqCtx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			err = fmt.Errorf("%w after %s", ErrTimeout, f.opts.Timeout)
		}
		a.Err = err
		a.Redirects = trace.redirects
		a.Duration = time.Since(start)
		return nil, nil, a
	}
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, src.URL, nil)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("User-Agent", f.opts.UserAgent)
	resp, err := f.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL is in the attempt already
		}
		return fail(err)
	}
	defer resp.Body.Close()
	a.Status = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		return fail(&StatusError{Code: resp.StatusCode})
	}
	data, err := readBody(resp, f.opts.MaxBytes)
	a.Bytes = len(data)
	if err != nil {
		return fail(err)
	}
	b, err := model.Parse(data)
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrNotBundle, err))
	}
	if !want.IsZero() {
		if c := verify.CheckRequested(b, want); c.Status != verify.OK {
			return fail(fmt.Errorf("%w: %s", ErrWrongBundle, c.Detail))
		}
	}
	a.Redirects = trace.redirects
	a.Duration = time.Since(start)
	return data, b, a
}

// readBody reads at most max bytes of body, after decoding gzip (which is
// capped separately, so a small compressed body cannot expand without
// bound). A body shorter than its Content-Length is an error.
func readBody(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d is over the %d-byte limit", ErrTooLarge, resp.ContentLength, max)
	}
	var r io.Reader = &capReader{r: resp.Body, left: max, err: fmt.Errorf("%w: the body is over the %d-byte limit", ErrTooLarge, max)}
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, readErr(fmt.Errorf("gzip: %w", err))
		}
		r = &capReader{r: zr, left: max, err: fmt.Errorf("%w: the body decompresses to over %d bytes", ErrTooLarge, max)}
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %s", model.Quote(enc))
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return data, readErr(err)
	}
	return data, nil
}

// readErr names a body that stopped early as truncated.
func readErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	return err
}

// capReader fails with err as soon as more than left bytes are read.
type capReader struct {
	r    io.Reader
	left int64
	err  error
}

func (c *capReader) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if int64(n) > c.left {
		return 0, c.err
	}
	c.left -= int64(n)
	return n, err
}
