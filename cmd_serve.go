package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/model"
)

const serveUsage = `Usage: pithscope serve [--addr 127.0.0.1:8700] [--cache] [--trust-key FILE] DIR...

Serves every bundle file (*.json) in each DIR, read-only, at the paths a
resolver uses, so that pithscope (or anyone) can fetch from it:

  /pith/ID/bundle.json              ID: the pith number body, a short form
  /pith/ID/state.json                   (8, 12 or 16 characters), the full
  /.well-known/pith/ID/bundle.json      number, or any alias (arXiv id, DOI)

Each file is verified when the mirror starts; a file that is not a bundle
or fails a check is skipped, and the reason printed. Anything else is a 404
with a JSON body. With --cache the bundles in the cache are served too.
The mirror listens on the loopback interface unless --allow-remote is given.

Example:
  pithscope serve testdata &
  PITH_RESOLVER=http://127.0.0.1:8700 pithscope verify 1711.04623

Flags:
`

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", serveUsage, stderr)
	addr := fs.String("addr", "127.0.0.1:8700", "listen on `HOST:PORT`")
	withCache := fs.Bool("cache", false, "also serve the bundles in the cache")
	cacheDir := fs.String("cache-dir", "", "the cache `DIR` for --cache (default $PITHSCOPE_CACHE, else the user cache directory/pithscope)")
	allowRemote := fs.Bool("allow-remote", false, "allow an address other than loopback")
	var src sourceFlags // for --trust-key only
	fs.Var(&src.trustKeys, "trust-key", "also admit bundles signed by the key(s) in `FILE` (repeatable)")
	dirs, exit, done := parseArgs(fs, args)
	if done {
		return exit
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "pithscope serve:", model.Printable(err.Error()))
		return exitBadInput
	}
	if *withCache {
		dir, err := fetch.DefaultCacheDir(*cacheDir)
		if err != nil {
			return fail(err)
		}
		bundles := (&fetch.Cache{Dir: dir}).BundlesDir()
		if _, err := os.Stat(bundles); err == nil {
			dirs = append(dirs, bundles)
		} else {
			fmt.Fprintf(stderr, "the cache %s holds no bundles yet\n", model.Printable(dir))
		}
	}
	if len(dirs) == 0 {
		return fail(errors.New("give a DIR of bundles to serve, or --cache"))
	}
	if !*allowRemote && !isLoopback(*addr) {
		return fail(fmt.Errorf("%s is not a loopback address; a mirror is local unless --allow-remote is given", *addr))
	}
	trust, err := src.trustStore()
	if err != nil {
		return fail(err)
	}
	m := fetch.NewMirror(trust)
	for _, dir := range dirs {
		if err := m.AddDir(dir); err != nil {
			return fail(err)
		}
	}
	reportMirror(stderr, m)
	if len(m.Served) == 0 {
		return fail(fmt.Errorf("no bundle to serve in %s", strings.Join(dirs, ", ")))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stderr, "serving %d bundle(s) at http://%s (Ctrl-C stops)\n", len(m.Served), ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serveMirror(ctx, ln, logRequests(m, stderr)); err != nil {
		return fail(err)
	}
	return exitOK
}

// reportMirror says what the mirror serves and what it skipped, and why.
func reportMirror(w io.Writer, m *fetch.Mirror) {
	for _, b := range m.Served {
		fmt.Fprintf(w, "serving %s  %s  as %s\n", model.Printable(b.PithNumber), model.Printable(b.Name), model.Printable(strings.Join(b.IDs, ", ")))
	}
	for _, s := range m.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", model.Printable(s.Name), model.Printable(s.Reason))
	}
	for _, c := range m.Conflicts {
		fmt.Fprintf(w, "conflict: %s\n", model.Printable(c))
	}
}

// serveMirror serves h on ln until ctx is done, then shuts down, letting
// requests in flight finish for a few seconds.
func serveMirror(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// logRequests prints one line per request: method, path, status.
func logRequests(h http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s %d\n", model.Printable(r.Method), model.Printable(r.URL.RequestURI()), rec.status)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// isLoopback reports whether addr (HOST:PORT) listens on loopback only.
// An empty host means every interface, so it is not.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
