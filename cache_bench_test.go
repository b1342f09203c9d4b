package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// benchCommand times one command line against a loopback server of data,
// with a warm cache (the command is run once before timing).
func benchCommand(b *testing.B, data []byte, trust string, args ...string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer srv.Close()
	dir := b.TempDir()
	args = append(args, "--resolver", srv.URL, "--cache-dir", dir)
	if trust != "" {
		args = append(args, "--trust-key", trust)
	}
	if code := run(args, strings.NewReader(""), io.Discard, io.Discard); code != exitOK {
		b.Fatalf("%v: exit %d", args, code)
	}
	b.ResetTimer()
	for range b.N {
		if code := run(args, strings.NewReader(""), io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkVerifyFetched is `pithscope verify 1711.04623` of the real
// bundle from a loopback mirror: fetch, verify, and the cache's save.
func BenchmarkVerifyFetched(b *testing.B) {
	benchCommand(b, verifytest.RealBundle(b), "", "verify", "1711.04623")
}

// BenchmarkFetchFetched is `pithscope fetch 1711.04623 -o FILE`.
func BenchmarkFetchFetched(b *testing.B) {
	benchCommand(b, verifytest.RealBundle(b), "", "fetch", "1711.04623", "-o", filepath.Join(b.TempDir(), "out.json"))
}

// BenchmarkVerifyFetchedLarge is the same for a bundle of 5,000 events.
func BenchmarkVerifyFetchedLarge(b *testing.B) {
	data := verifytest.Generate(5000)
	key := filepath.Join(b.TempDir(), "key.json")
	if err := os.WriteFile(key, verifytest.New().Signer.KeyFile(), 0o644); err != nil {
		b.Fatal(err)
	}
	benchCommand(b, data, key, "verify", "2101.00001")
}
