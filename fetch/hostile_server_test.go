package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// Servers that misbehave on purpose (issue 5): each fetch ends within its
// limits with a clear error, and the cache never holds a partial file.

func TestSlowDripBodyEndsAtTheRequestTimeout(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(seed); i++ { // one byte at a time, far slower than the limit allows
			if _, err := w.Write(seed[i : i+1]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	f := newFetcher(t, srv.URL, dir, func(o *Options) { o.Timeout = 300 * time.Millisecond; o.Deadline = 2 * time.Second })
	start := time.Now()
	_, err := f.Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	// The drip would take 20 minutes; the fetch must end at its limits
	// (twice the 2 s deadline allows for a loaded machine, not for a hang).
	if elapsed := time.Since(start); elapsed > 4*time.Second {
		t.Errorf("took %s, past the deadline", elapsed)
	}
	var fe *FetchError
	if !errors.As(err, &fe) || len(fe.Attempts) == 0 || !errors.Is(fe.Attempts[0].Err, ErrTimeout) {
		t.Fatalf("got %v, want every attempt timed out", err)
	}
	assertNoBundleCached(t, dir)
}

func TestServerClosingMidBodyLeavesNoPartialCacheFile(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13657\r\n\r\n")
		buf.Write(seed[:5000])
		buf.Flush()
		conn.Close()
	}))
	defer srv.Close()
	dir := t.TempDir()
	_, err := newFetcher(t, srv.URL, dir).Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	var fe *FetchError
	if !errors.As(err, &fe) || !errors.Is(fe.Attempts[0].Err, ErrTruncated) {
		t.Fatalf("got %v, want the body reported truncated", err)
	}
	assertNoBundleCached(t, dir)
}

func TestWrongContentTypeIsJudgedByTheBytes(t *testing.T) {
	// The Content-Type is the server's claim; the bundle is verified from
	// its bytes, so a bundle served as text/html is still the bundle.
	seed := verifytest.RealBundle(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=latin1")
		w.Write(seed)
	}))
	defer srv.Close()
	res, err := newFetcher(t, srv.URL, "").Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	if err != nil || string(res.Data) != string(seed) {
		t.Fatalf("bundle served as text/html: %v", err)
	}
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("<!doctype html><title>login</title>"))
	}))
	defer html.Close()
	_, err = newFetcher(t, html.URL, "").Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	var fe *FetchError
	if !errors.As(err, &fe) || !errors.Is(fe.Attempts[0].Err, ErrNotBundle) {
		t.Fatalf("HTML served as JSON: %v, want refused as not a bundle", err)
	}
}

// assertNoBundleCached fails if any file in dir holds bundle data: a failed
// fetch must leave nothing behind, not even a temp file.
func assertNoBundleCached(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("a failed fetch left %s in the cache", path)
		}
		return nil
	})
}
