package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// sourceFlags are the flags every command that reads a bundle shares:
// what to trust and where the bundle comes from.
type sourceFlags struct {
	trustKeys stringList
	fetchFlags
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.Var(&s.trustKeys, "trust-key", "also trust the key(s) in `FILE` (repeatable)")
	s.fetchFlags.register(fs)
}

// fetchFlags say where a bundle named by id is fetched from.
type fetchFlags struct {
	resolver         string
	offline          bool
	cacheDir         string
	timeout          time.Duration
	deadline         time.Duration
	allowHTTPMirrors bool
}

func (f *fetchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.resolver, "resolver", "", "resolver base `URL` (default $PITH_RESOLVER, else "+fetch.DefaultResolver+")")
	fs.BoolVar(&f.offline, "offline", false, "use only the cache and files, never the network")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "cache `DIR` (default $PITHSCOPE_CACHE, else the user cache directory/pithscope)")
	fs.DurationVar(&f.timeout, "timeout", fetch.DefaultTimeout, "time limit for one request")
	fs.DurationVar(&f.deadline, "deadline", fetch.DefaultDeadline, "time limit for every source together")
	fs.BoolVar(&f.allowHTTPMirrors, "allow-http-mirrors", false, "also follow plain http mirror hints (https only, unless the resolver is on loopback)")
}

// fetcher builds a Fetcher from the flags and the environment. Without a
// usable cache directory it fetches without a cache.
func (f *fetchFlags) fetcher(progress func(string)) (*fetch.Fetcher, error) {
	base, err := fetch.ResolverBase(f.resolver)
	if err != nil {
		return nil, err
	}
	var cache *fetch.Cache
	if dir, err := fetch.DefaultCacheDir(f.cacheDir); err == nil {
		cache = &fetch.Cache{Dir: dir}
	}
	return fetch.New(fetch.Options{
		Resolver: base, Cache: cache, Offline: f.offline, Timeout: f.timeout, Deadline: f.deadline,
		UserAgent: "pithscope/" + version, Progress: progress, AllowHTTPMirrors: f.allowHTTPMirrors,
	}), nil
}

// trustStore is the pinned key plus every --trust-key file.
func (s *sourceFlags) trustStore() (*verify.TrustStore, error) {
	t := verify.NewTrustStore()
	for _, path := range s.trustKeys {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--trust-key: %w", err)
		}
		if err := t.AddFile(data, path); err != nil {
			return nil, fmt.Errorf("--trust-key %w", err)
		}
	}
	return t, nil
}

// loaded is a bundle's bytes and what is known of where they came from.
type loaded struct {
	data      []byte
	source    string // for people: a path, a URL, "embedded", "stdin"
	requested verify.Request
	previous  *verify.PreviousVersion
	stale     string   // non-empty when served from the cache after a network failure: says so and when it was fetched
	attempts  []string // every source tried, for people (URL, status, time, why rejected)
	// fetched is the fetch, to be learned from once verified; nil for a
	// file, standard input and the embedded bundle, which teach the cache
	// nothing.
	fetched *fetch.Result
	notes   []string // from learn, as is: escaped where printed
}

// load reads REF, any form fetch.ParseRef accepts: "" for the embedded
// bundle, - for standard input, a file path, or a pith number, short form,
// arXiv id, DOI or URL, fetched (or read from the cache) as the flags say.
// progress, when not nil, is told what is being tried.
func (s *sourceFlags) load(ctx context.Context, text string, stdin io.Reader, progress func(string)) (*loaded, error) {
	ref, err := fetch.ParseRef(text)
	if err != nil {
		return nil, err
	}
	switch ref.Kind {
	case fetch.Embedded:
		return &loaded{data: embeddedBundle, source: "embedded"}, nil
	case fetch.Stdin:
		data, err := io.ReadAll(io.LimitReader(stdin, maxInputBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		if len(data) > maxInputBytes {
			return nil, fmt.Errorf("standard input is over the %d-byte limit", maxInputBytes)
		}
		return &loaded{data: data, source: "stdin"}, nil
	case fetch.File:
		l, err := readFile(ref.Path)
		if err == nil {
			l.requested = ref.Request() // a file named after an id must be that bundle
		}
		return l, err
	}
	return s.fetch(ctx, ref, progress)
}

// fetch gets a bundle named by id or URL through the network and cache.
func (s *sourceFlags) fetch(ctx context.Context, ref fetch.Ref, progress func(string)) (*loaded, error) {
	f, err := s.fetcher(progress)
	if err != nil {
		return nil, err
	}
	res, err := f.Fetch(ctx, ref) // a *fetch.FetchError lists every source tried
	if err != nil {
		return nil, err
	}
	return &loaded{
		data: res.Data, source: res.Source, requested: ref.Request(), previous: res.Previous,
		stale: res.Stale, attempts: attemptLines(res.Attempts), fetched: res,
	}, nil
}

// document parses the loaded bytes as a bundle or an evidence file; a
// fetched bundle was parsed by the fetcher already.
func (l *loaded) document() (*model.Bundle, *model.Evidence, error) {
	if l.fetched != nil {
		return l.fetched.Bundle, nil, nil
	}
	return model.ParseDocument(l.data)
}

// learn teaches the cache what the verification of a fetched bundle
// proved (nothing, unless it is signed throughout by trusted keys) and
// returns what a person should be told (as is: escaped where it is shown): why it was not
// learned, another verified bundle claiming the alias it was fetched by, a
// write that failed. A genuine bundle fetched by number has nothing to say.
func (l *loaded) learn(report *verify.Report) []string {
	if l.fetched == nil {
		return nil
	}
	learned, err := l.fetched.Learn(report)
	var notes []string
	if learned.NotLearned != "" && !l.fetched.FromCache {
		note := "not cached: " + learned.NotLearned
		if learned.Quarantined != "" {
			note += "; the bytes are kept apart in " + learned.Quarantined
		}
		notes = append(notes, note)
	}
	for _, other := range learned.Conflicts {
		notes = append(notes, fmt.Sprintf("warning: %s is also claimed by %s", learned.Key, other))
	}
	if err != nil {
		notes = append(notes, "warning: "+err.Error())
	}
	return notes
}

// attemptLines describes every source tried, for people.
func attemptLines(attempts []fetch.Attempt) []string {
	lines := make([]string, 0, len(attempts))
	for _, a := range attempts {
		lines = append(lines, a.String())
	}
	return lines
}

// readFile reads a bundle file, refusing one over the size limit. A
// regular file is read into a buffer of its size (io.ReadAll's would grow
// by copying, to up to twice the file: most of the memory a verification
// takes).
func readFile(ref string) (*loaded, error) {
	if fi, err := os.Stat(ref); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxInputBytes {
		data, err := os.ReadFile(ref)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", ref, err)
		}
		if len(data) > maxInputBytes { // it grew since
			return nil, fmt.Errorf("%s is over the %d-byte limit", ref, maxInputBytes)
		}
		return &loaded{data: data, source: ref}, nil
	}
	f, err := os.Open(ref)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", ref, err)
	}
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("%s is over the %d-byte limit", ref, maxInputBytes)
	}
	return &loaded{data: data, source: ref}, nil
}

// maxInputBytes bounds what is read from a file or standard input.
const maxInputBytes = 32 << 20
