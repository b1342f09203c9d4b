package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pithscope/pithscope/verify"
)

// sourceFlags are the flags every command that reads a bundle shares:
// what to trust and where the bundle comes from.
type sourceFlags struct {
	trustKeys stringList
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.Var(&s.trustKeys, "trust-key", "also trust the key(s) in `FILE` (repeatable)")
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
}

// load reads REF: a file path, - for standard input, or "" for the
// embedded bundle. progress, when not nil, is told what is being tried.
func (s *sourceFlags) load(ctx context.Context, ref string, stdin io.Reader, progress func(string)) (*loaded, error) {
	switch ref {
	case "":
		return &loaded{data: embeddedBundle, source: "embedded"}, nil
	case "-":
		data, err := io.ReadAll(io.LimitReader(stdin, maxInputBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		if len(data) > maxInputBytes {
			return nil, fmt.Errorf("standard input is over the %d-byte limit", maxInputBytes)
		}
		return &loaded{data: data, source: "stdin"}, nil
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
