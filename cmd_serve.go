package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/model"
)

const serveUsage = `Usage: pithscope serve [--addr 127.0.0.1:8700] [--cache] [--trust-key FILE] [--allow-unverified] DIR...

Serves every bundle file (*.json) in each DIR, read-only, at the paths a
resolver uses, so that pithscope (or anyone) can fetch from it:

  /pith/ID/bundle.json              ID: the pith number body, a short form
  /pith/ID/state.json                   (8, 12 or 16 characters), the full
  /.well-known/pith/ID/bundle.json      number, or any alias (arXiv id, DOI)

Each file is verified when the mirror starts and published only when every
check is ok (a check that cannot be decided, for want of a key, is not);
what is skipped is printed with the reason. --allow-unverified publishes
those too, but an id two bundles claim always goes to the verified one.
Anything else is a 404 with a JSON body. With --cache the bundles in the
cache are served too. The mirror listens on the loopback interface unless
--allow-remote is given.

One line per request goes to standard error: time, client, method, path,
status, bytes, duration; requests the server rejects before any handler
(400, 431) and clients that time out sending their request are logged too.
Logging never holds up serving: when standard error is not read fast
enough, lines are dropped and counted. SIGTERM or Ctrl-C lets requests in
flight finish (a few seconds at most), then stops.

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
	allowUnverified := fs.Bool("allow-unverified", false, "also publish bundles some check of which fails or is unknown")
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
	m.AllowUnverified = *allowUnverified
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
	log := newRequestLog(stderr, requestLogLines)
	srv := newMirrorServer(m, log)
	err = serveMirror(ctx, ln, srv, log)
	if err != nil {
		log.printf("pithscope serve: %s", model.Printable(err.Error()))
	}
	log.close(logFlushTime)
	if err != nil {
		return exitBadInput
	}
	return exitOK
}

// reportMirror says what the mirror serves and what it skipped, and why.
func reportMirror(w io.Writer, m *fetch.Mirror) {
	for _, b := range m.Served {
		unverified := ""
		if b.NotOK != "" {
			unverified = "  UNVERIFIED: " + b.NotOK
		}
		fmt.Fprintf(w, "serving %s  %s  as %s%s\n", model.Printable(b.PithNumber), model.Printable(b.Name), model.Printable(strings.Join(b.IDs, ", ")), model.Printable(unverified))
	}
	for _, s := range m.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", model.Printable(s.Name), model.Printable(s.Reason))
	}
	for _, c := range m.Conflicts {
		fmt.Fprintf(w, "conflict: %s\n", model.Printable(c))
	}
}

// Limits of the request log: lines waiting to be written (about 2 MB at
// most) and how long the last ones may take to go out when stopping.
const (
	requestLogLines = 16 << 10
	logFlushTime    = 2 * time.Second
	drainTime       = 5 * time.Second
)

// newMirrorServer is the HTTP server of a mirror, with the timeouts that
// keep a slow or silent client from holding a connection, logging what
// it rejects through log.
func newMirrorServer(h http.Handler, log *requestLog) *http.Server {
	return &http.Server{
		Handler:           logRequests(h, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          stdlog.New(log, "", 0),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
}

// serveMirror serves on ln until ctx is done, then stops: requests in
// flight may finish within drainTime, after which the rest are cut.
func serveMirror(ctx context.Context, ln net.Listener, srv *http.Server, log *requestLog) error {
	served := make(chan error, 1)
	go func() {
		served <- srv.Serve(watchedListener{Listener: ln, log: log, readHeaderTimeout: srv.ReadHeaderTimeout})
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.printf("pithscope serve: stopping: letting requests in flight finish (at most %s)", drainTime)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drainTime)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		log.printf("pithscope serve: cut the connections still open after %s", drainTime)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.printf("pithscope serve: stopped; %d log lines dropped in all", log.droppedTotal.Load())
	return nil
}

// connKey carries a request's connection in its context.
type connKey struct{}

// logRequests logs one line per request: time, client, method, path,
// status, bytes, duration. It never waits for the log to be written.
func logRequests(h http.Handler, log *requestLog) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if c, ok := r.Context().Value(connKey{}).(*watchedConn); ok {
			c.handling()
		}
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		log.printf("%s %s %s %d %d %s", model.Printable(r.RemoteAddr), model.Printable(r.Method), model.Printable(r.URL.RequestURI()),
			rec.status, rec.bytes, time.Since(start).Round(time.Microsecond))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	n, err := s.ResponseWriter.Write(p)
	s.bytes += int64(n)
	return n, err
}

// requestLog writes lines from its own goroutine, so that a reader who
// stops reading (| less, a paused terminal, a full pipe) never holds up a
// request: a line that does not fit in its buffer is dropped and counted,
// and the count is written when the log catches up.
type requestLog struct {
	lines        chan string
	dropped      atomic.Int64 // since the last line written
	droppedTotal atomic.Int64
	stop         chan struct{}
	done         chan struct{}
}

func newRequestLog(w io.Writer, size int) *requestLog {
	l := &requestLog{lines: make(chan string, size), stop: make(chan struct{}), done: make(chan struct{})}
	go l.run(w)
	return l
}

// logTime is the time at the start of each line.
func logTime() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// printf queues one line, stamped with the time, or drops it.
func (l *requestLog) printf(format string, args ...any) {
	line := logTime() + " " + fmt.Sprintf(format, args...) + "\n"
	select {
	case l.lines <- line:
	default:
		l.dropped.Add(1)
		l.droppedTotal.Add(1)
	}
}

// Write is for http.Server.ErrorLog: each write is one line.
func (l *requestLog) Write(p []byte) (int, error) {
	l.printf("%s", model.Printable(strings.TrimRight(string(p), "\n")))
	return len(p), nil
}

func (l *requestLog) run(w io.Writer) {
	defer close(l.done)
	write := func(line string) {
		if n := l.dropped.Swap(0); n > 0 {
			fmt.Fprintf(w, "%s (%d log lines dropped: standard error was not read fast enough)\n", logTime(), n)
		}
		io.WriteString(w, line)
	}
	for {
		select {
		case line := <-l.lines:
			write(line)
		case <-l.stop:
			for {
				select {
				case line := <-l.lines:
					write(line)
				default:
					return
				}
			}
		}
	}
}

// close writes what is queued, waiting at most wait: a log nobody reads
// must not keep the program from exiting.
func (l *requestLog) close(wait time.Duration) {
	close(l.stop)
	select {
	case <-l.done:
	case <-time.After(wait):
	}
}

// watchedListener wraps each connection so that the log sees what the
// server does without a handler: a request it rejects (400, 431) and a
// client that does not send a whole request in time.
type watchedListener struct {
	net.Listener
	log               *requestLog
	readHeaderTimeout time.Duration
}

func (l watchedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &watchedConn{Conn: c, log: l.log, readHeaderTimeout: l.readHeaderTimeout, since: time.Now()}, nil
}

// watchedConn tracks whether bytes of a request have been read that no
// handler has received yet: a status line the server then writes is a
// rejection, and a read that times out is a header timeout.
type watchedConn struct {
	net.Conn
	log               *requestLog
	readHeaderTimeout time.Duration
	mu                sync.Mutex
	since             time.Time // when the pending request began (or the connection opened)
	pending           bool      // request bytes read that no handler received
	requests          int       // handlers started on this connection
	responding        bool      // a handler ran and its response may still be going out
	timedOut          bool
}

// handling is called by the handler of a request read from c.
func (c *watchedConn) handling() {
	c.mu.Lock()
	c.pending, c.responding = false, true
	c.requests++
	c.mu.Unlock()
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > 0 && !c.pending {
		c.pending, c.responding, c.since = true, false, time.Now()
	}
	var ne net.Error
	if err != nil && errors.As(err, &ne) && ne.Timeout() && !c.timedOut && (c.pending || c.requests == 0) {
		c.timedOut = true
		c.log.printf("%s - - - 0 %s header timeout: no whole request within %s", model.Printable(c.RemoteAddr().String()),
			time.Since(c.since).Round(time.Millisecond), c.readHeaderTimeout)
	}
	return n, err
}

func (c *watchedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	rejected := c.pending && !c.responding && bytes.HasPrefix(p, []byte("HTTP/1.")) && len(p) >= 12
	since := c.since
	c.mu.Unlock()
	if rejected {
		status, reason, _ := strings.Cut(strings.SplitN(string(p[9:]), "\r", 2)[0], " ")
		c.log.printf("%s - - %s 0 %s rejected before any handler: %s", model.Printable(c.RemoteAddr().String()), model.Printable(status),
			time.Since(since).Round(time.Microsecond), model.Printable(reason))
	}
	return c.Conn.Write(p)
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
