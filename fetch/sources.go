package fetch

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Bounds of a comparison of sources.
const (
	// MaxParallelSources is how many sources are fetched (and their
	// copies verified) at once.
	MaxParallelSources = 4
	// maxComparedSources bounds the sources one comparison asks, mirror
	// hints that verified copies name included.
	maxComparedSources = 32
)

// ErrNoID is a reference a comparison of sources cannot use: it names no
// id that every source can be asked for.
var ErrNoID = errors.New("a comparison of sources needs an id (a pith number, short form, arXiv id or DOI)")

// CompareOptions say what a comparison of sources verifies with and what
// it asks besides the resolver.
type CompareOptions struct {
	// Trust is what every copy is verified with (nil: the pinned key).
	Trust *verify.TrustStore
	// Mirrors are more sources the person named: a mirror's base URL,
	// whose /pith/ID/bundle.json and well-known paths are both asked, or
	// the URL of a bundle (a path ending in .json). They are asked as the
	// resolver is, without the guard on mirror hints.
	Mirrors []string
	// Only compares Local and Mirrors: not the resolver, mirror hints nor
	// the cache (a mirror operator's comparison with another source).
	Only bool
	// Local, when set, is a copy read from a file, compared as one more
	// source (first).
	Local *LocalCopy
	// Update, when set, is told of every source as it is listed (pending)
	// and as it answers: its index in the comparison's sources and what it
	// is so far. It is called from the goroutine that called
	// CompareSources, one call at a time.
	Update func(i int, s verify.Source)
}

// LocalCopy is a bundle read from a file.
type LocalCopy struct {
	Name   string
	Bundle *model.Bundle
}

// MirrorURLs are the bundle URLs a --mirror value names for id: a bundle
// URL (a path ending in .json) is itself, a base URL gives the two paths a
// resolver serves. An error names a value that is not an http(s) URL.
func MirrorURLs(mirror, id string) ([]string, error) {
	if err := CheckMirror(mirror); err != nil {
		return nil, err
	}
	if u, _ := url.Parse(mirror); strings.HasSuffix(strings.ToLower(u.Path), ".json") {
		return []string{mirror}, nil
	}
	return ResolverURLs(mirror, id), nil
}

// CheckMirror says why a --mirror (or --compare-with) value is not an
// http(s) URL; nil when it is one.
func CheckMirror(mirror string) error {
	if !isHTTPURL(mirror) {
		return fmt.Errorf("mirror %s is not an http(s) URL", model.Quote(mirror))
	}
	return nil
}

// compareSource is one source of a comparison: where it is, what it
// answered, and the fetch to learn from.
type compareSource struct {
	src    Source
	state  verify.Source
	result *Result // a copy fetched or read from the cache; nil otherwise
	local  *LocalCopy
	// cachedFrom is where the cached copy was fetched from.
	cachedFrom string
}

// CompareSources fetches ref from every source it knows, verifies each
// copy on its own (with opts.Trust and ref's request), and compares them
// (verify.CompareSources). The sources are, in order and without repeats:
// opts.Local; the resolver's bundle path and well-known path; the mirror
// hints the cache learned from verified bundles; opts.Mirrors; the cached
// copy and the cache's history of ref. Each mirror hint a copy that
// verifies names is asked too, under the guard on mirror hints (Options).
// Offline, only the cache and its history are compared.
//
// At most MaxParallelSources sources are fetched at once, each within the
// request timeout, all within the overall deadline; a source that has not
// answered by then is unreachable. Bodies are limited as for Fetch. Once
// compared, every fetched copy that verified and is not behind is learned
// by the cache (Result.Learn), and each that did not verify is kept apart;
// a copy that is behind teaches nothing, so the cache keeps the newer
// bytes. The error is ErrNoID for a reference without an id, or the
// caller's context error.
func (f *Fetcher) CompareSources(ctx context.Context, ref Ref, opts CompareOptions) (*verify.Comparison, error) {
	if ref.Kind < PithNumber {
		return nil, fmt.Errorf("%w; %s is a %s", ErrNoID, model.Quote(ref.String()), ref.Kind)
	}
	deadline, cancel := context.WithTimeout(ctx, f.opts.Deadline)
	defer cancel()
	sources, err := f.listSources(ref, opts)
	if err != nil {
		return nil, err
	}
	update := func(i int) {
		if opts.Update != nil {
			opts.Update(i, sources[i].state)
		}
	}
	for i := range sources {
		update(i)
	}

	type answer struct {
		i  int
		cs compareSource
	}
	answers := make(chan answer)
	slots := make(chan struct{}, MaxParallelSources)
	reports := &sharedReports{trust: opts.Trust, request: ref.Request(), byBytes: map[[32]byte]*sharedReport{}}
	waiting := 0
	ask := func(i int) {
		waiting++
		cs := sources[i]
		go func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			answers <- answer{i, f.answer(deadline, ctx, ref, reports, cs)}
		}()
	}
	seen := map[string]bool{}
	for i, cs := range sources {
		seen[cs.src.URL] = true
		if cs.state.Verdict == verify.SourcePending {
			ask(i)
		}
	}
	for ; waiting > 0; waiting-- {
		a := <-answers
		if a.cs.state.Verdict == verify.SourceUnreachable && deadline.Err() != nil && ctx.Err() == nil {
			a.cs.state.Why = fmt.Sprintf("no answer within the overall deadline of %s", f.opts.Deadline)
		}
		sources[a.i] = a.cs
		update(a.i)
		if a.cs.state.Verdict != verify.SourceVerified || a.cs.result == nil || opts.Only {
			continue
		}
		b := a.cs.result.Bundle
		for _, u := range hintURLs(derivedBody(b), b) {
			if !seen[u] && len(sources) < maxComparedSources {
				seen[u] = true
				s := Source{URL: u, Hint: true, Refused: f.checkHint(u)}
				sources = append(sources, compareSource{src: s, state: verify.PendingSource(u, verify.SourceHint)})
				update(len(sources) - 1)
				ask(len(sources) - 1)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	states := make([]verify.Source, len(sources))
	for i := range sources {
		states[i] = sources[i].state
	}
	c := verify.CompareSources(states)
	for i, cs := range sources {
		if cs.result == nil || c.Sources[i].Verdict == verify.SourceBehind || c.Sources[i].Verdict == verify.SourceUnreachable {
			continue
		}
		learned, err := cs.result.Learn(cs.state.Report)
		for _, other := range learned.Conflicts {
			c.Notes = append(c.Notes, model.Printable(fmt.Sprintf("warning: %s is also claimed by %s", learned.Key, other)))
		}
		if err != nil {
			c.Notes = append(c.Notes, model.Printable("warning: "+err.Error()))
		}
	}
	return c, nil
}

// listSources lists the sources known before any answers, each pending
// except the history, which is read now.
func (f *Fetcher) listSources(ref Ref, opts CompareOptions) ([]compareSource, error) {
	var out []compareSource
	seen := map[string]bool{}
	add := func(s Source, kind verify.SourceKind) {
		if !seen[s.URL] && len(out) < maxComparedSources {
			seen[s.URL] = true
			out = append(out, compareSource{src: s, state: verify.PendingSource(s.URL, kind)})
		}
	}
	if opts.Local != nil {
		out = append(out, compareSource{local: opts.Local, state: verify.PendingSource(opts.Local.Name, verify.SourceFile)})
	}
	if !f.opts.Offline && !opts.Only {
		resolver := ResolverURLs(f.opts.Resolver, ref.ID())
		for _, s := range f.Sources(ref) {
			switch {
			case s.Hint:
				add(s, verify.SourceHint)
			case s.URL == resolver[0]:
				add(s, verify.SourceResolver)
			default:
				add(s, verify.SourceWellKnown)
			}
		}
	}
	if !f.opts.Offline {
		for _, m := range opts.Mirrors {
			urls, err := MirrorURLs(m, ref.ID())
			if err != nil {
				return nil, err
			}
			for _, u := range urls {
				add(Source{URL: u}, verify.SourceMirror)
			}
		}
	}
	if f.opts.Cache == nil || opts.Only {
		return out, nil
	}
	cached, err := f.opts.Cache.Lookup(ref)
	body := ""
	switch {
	case err != nil:
		out = append(out, compareSource{state: verify.UnreachableSource("cache", verify.SourceCache, err.Error())})
	case cached != nil:
		res := f.fromCache(ref, cached, "")
		out = append(out, compareSource{result: res, cachedFrom: cached.History.Source, state: verify.PendingSource("cache", verify.SourceCache)})
		body = cached.Body
	case len(ref.Pith) == model.PithBodyLen:
		body = ref.Pith
	}
	if h, ok := f.opts.Cache.readHistory(body); ok && len(h.Events) > 0 {
		ids := make([]string, len(h.Events))
		for i, e := range h.Events {
			ids[i] = e.ID
		}
		out = append(out, compareSource{state: verify.HistorySource("history", ids, h.RecordedAt)})
	}
	return out, nil
}

// sharedReports verifies each distinct copy once: sources that serve the
// same bytes (a resolver's two paths, mirrors of one file) get the same
// report, which verifying them again would only repeat.
type sharedReports struct {
	trust   *verify.TrustStore
	request verify.Request
	mu      sync.Mutex
	byBytes map[[32]byte]*sharedReport
}

type sharedReport struct {
	once   sync.Once
	report *verify.Report
}

// verify is the report of b (its bytes as received) on its own.
func (s *sharedReports) verify(ctx context.Context, b *model.Bundle) *verify.Report {
	key := sha256.Sum256(b.Root.Raw())
	s.mu.Lock()
	r, ok := s.byBytes[key]
	if !ok {
		r = &sharedReport{}
		s.byBytes[key] = r
	}
	s.mu.Unlock()
	r.once.Do(func() { r.report = verify.Run(ctx, b, verify.Options{Trust: s.trust, Requested: s.request}, nil) })
	return r.report
}

// answer asks one pending source (reads the cached or local copy) within
// fetchCtx and verifies the copy on its own within verifyCtx.
func (f *Fetcher) answer(fetchCtx, verifyCtx context.Context, ref Ref, reports *sharedReports, cs compareSource) compareSource {
	name, kind := cs.state.Name, cs.state.Kind
	var b *model.Bundle
	var fetchedAt time.Time
	switch {
	case cs.local != nil:
		b = cs.local.Bundle
	case cs.result != nil: // the cache
		b, fetchedAt = cs.result.Bundle, cs.result.FetchedAt
	default:
		res, err := f.FetchFrom(fetchCtx, cs.src, ref)
		if err != nil {
			why := err.Error()
			var fe *FetchError
			if errors.As(err, &fe) && len(fe.Attempts) == 1 {
				why = fe.Attempts[0].Err.Error()
			}
			cs.state = verify.UnreachableSource(name, kind, why)
			return cs
		}
		cs.result, b, fetchedAt = res, res.Bundle, res.FetchedAt
	}
	cs.state = verify.CopySource(name, kind, reports.verify(verifyCtx, b), fetchedAt)
	if cs.state.Why == "" && cs.cachedFrom != "" {
		cs.state.Why = "fetched from " + cs.cachedFrom
	}
	return cs
}
