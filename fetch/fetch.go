package fetch

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
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
	// Transport carries the requests; nil is a clone of the default
	// transport that honours the proxy environment variables.
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
		t.Proxy = http.ProxyFromEnvironment
		// Transparent decompression has no size cap; readBody asks for
		// gzip itself and caps what it decodes to.
		t.DisableCompression = true
		t.MaxResponseHeaderBytes = 1 << 20
		transport = t
	}
	return &Fetcher{opts: opts, client: &http.Client{Transport: transport, CheckRedirect: checkRedirect}}
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
)

// StatusError is an HTTP answer other than 200.
type StatusError struct{ Code int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Attempt is one source tried.
type Attempt struct {
	URL      string
	Status   int // HTTP status, 0 when there was no answer
	Bytes    int // body bytes read (after decoding)
	Duration time.Duration
	Err      error // why the source was rejected; nil for the one accepted
}

// String describes the attempt for people, safe to print on a terminal.
func (a Attempt) String() string {
	status := "no answer"
	switch {
	case a.Status != 0:
		status = fmt.Sprintf("HTTP %d", a.Status)
	case a.Err == nil:
		status = "local" // the cache
	}
	verdict := "accepted"
	if a.Err != nil {
		verdict = "rejected: " + a.Err.Error()
	}
	return model.Printable(fmt.Sprintf("%s  %s, %d bytes, %s  %s", a.URL, status, a.Bytes, a.Duration.Round(time.Millisecond), verdict))
}

// FetchError is a reference that could not be fetched, with every source
// that was tried.
type FetchError struct {
	Ref      Ref
	Attempts []Attempt
	Err      error // ErrSourcesFailed, ErrNotCached, ErrNotFetchable, or the caller's context error
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

// Result is a fetched bundle and where it came from.
type Result struct {
	Data      []byte
	Bundle    *model.Bundle
	Source    string // the URL it was fetched from, or a description of the cache entry (raw: escape before printing)
	FromCache bool
	FetchedAt time.Time
	// Stale is set when the network failed and the cache answered: a note
	// for people saying so and when the bundle was fetched.
	Stale string
	// Previous is the version seen before to compare with (rollback).
	Previous *verify.PreviousVersion
	Attempts []Attempt
	// CacheErr is why the bundle could not be cached (not fatal).
	CacheErr error
}

// Fetch gets the bundle ref names, trying in order: the URL itself (for a
// URL), else the resolver's path and its well-known path, then the mirrors
// a cached copy of the bundle lists. A source is rejected on a network
// error, a status other than 200, a body too large, truncated or not a
// bundle, or a bundle that is not the one asked for; the next is tried.
// When every source fails and the cache has the bundle, the cached copy is
// returned with Result.Stale set. Offline, only the cache is read.
func (f *Fetcher) Fetch(ctx context.Context, ref Ref) (*Result, error) {
	if !ref.Networked() {
		return nil, &FetchError{Ref: ref, Err: ErrNotFetchable}
	}
	cached, haveCached := f.opts.Cache.Lookup(ref)
	if f.opts.Offline {
		if !haveCached {
			return nil, &FetchError{Ref: ref, Err: f.notCached()}
		}
		return f.fromCache(cached, ""), nil
	}

	deadlineCtx, cancel := context.WithTimeout(ctx, f.opts.Deadline)
	defer cancel()
	req := ref.Request()
	var attempts []Attempt
	for _, src := range f.sources(ref, cached) {
		if deadlineCtx.Err() != nil {
			break
		}
		f.progress("fetching " + src)
		data, b, a := f.try(deadlineCtx, src, req)
		attempts = append(attempts, a)
		if a.Err != nil {
			continue
		}
		now := f.opts.Now()
		res := &Result{Data: data, Bundle: b, Source: src, FetchedAt: now, Attempts: attempts}
		res.Previous, res.CacheErr = f.opts.Cache.Store(data, b, src, now)
		return res, nil
	}
	if ctx.Err() != nil { // the caller gave up: no fallback
		return nil, &FetchError{Ref: ref, Attempts: attempts, Err: ctx.Err()}
	}
	failure := ErrSourcesFailed
	if deadlineCtx.Err() != nil {
		failure = fmt.Errorf("%w: the overall deadline of %s passed", ErrSourcesFailed, f.opts.Deadline)
	}
	if haveCached {
		res := f.fromCache(cached, fmt.Sprintf("; no source answered (%d tried)", len(attempts)))
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
func (f *Fetcher) fromCache(c *Cached, staleWhy string) *Result {
	when := "at an unknown time"
	if !c.FetchedAt.IsZero() {
		when = fmt.Sprintf("%s (%s ago)", c.FetchedAt.UTC().Format(time.RFC3339), age(f.opts.Now().Sub(c.FetchedAt)))
	}
	res := &Result{
		Data: c.Data, Bundle: c.Bundle, FromCache: true, FetchedAt: c.FetchedAt,
		Source:   fmt.Sprintf("cache, fetched %s from %s", when, c.Source),
		Previous: PreviousFor(eventIDs(c.Bundle), c.History),
		Attempts: []Attempt{{URL: "cache:" + f.opts.Cache.bundlePath(c.Body), Bytes: len(c.Data)}},
	}
	if staleWhy != "" {
		res.Stale = model.Printable("may be stale; fetched " + when + staleWhy)
	}
	return res
}

// age is a duration rounded for people: 42s, 5m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func (f *Fetcher) progress(msg string) {
	if f.opts.Progress != nil {
		f.opts.Progress(model.Printable(msg))
	}
}

// sources lists the URLs to try for ref, without repeats.
func (f *Fetcher) sources(ref Ref, cached *Cached) []string {
	var out []string
	seen := map[string]bool{}
	add := func(u string) {
		if u != "" && !seen[u] && isHTTPURL(u) {
			seen[u] = true
			out = append(out, u)
		}
	}
	if ref.Kind == URL {
		add(ref.URL)
	} else {
		for _, u := range ResolverURLs(f.opts.Resolver, ref.ID()) {
			add(u)
		}
	}
	if cached != nil {
		for _, h := range cached.Bundle.MirrorHints {
			add(h.BundleURL)
			add(h.WellKnownBundleURL)
			if h.BaseURL != "" {
				for _, u := range ResolverURLs(h.BaseURL, cached.Body) {
					add(u)
				}
			}
		}
	}
	return out
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

// checkRedirect allows at most MaxRedirects redirects, to http(s) only.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRedirect, MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: to a %s: URL", ErrRedirect, req.URL.Scheme)
	}
	return nil
}

// try fetches one source and checks the answer is the bundle asked for.
func (f *Fetcher) try(ctx context.Context, src string, want verify.Request) ([]byte, *model.Bundle, Attempt) {
	a := Attempt{URL: src}
	start := time.Now()
	reqCtx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()

	fail := func(err error) ([]byte, *model.Bundle, Attempt) {
		if reqCtx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			err = fmt.Errorf("%w after %s", ErrTimeout, f.opts.Timeout)
		}
		a.Err = err
		a.Duration = time.Since(start)
		return nil, nil, a
	}
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, src, nil)
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
