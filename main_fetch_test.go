package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// Every way a person may name the real bundle.
var fetchTestForms = []string{
	"pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T", "M5BNRHPUWGA7MHPFDKCQKNVN6T", "pith:M5BNRHPU", "M5BNRHPU",
	"M5BNRHPUWGA7", "M5BNRHPUWGA7MHPF", "1711.04623", "1711.04623v3", "arXiv:1711.04623", "10.48550/arxiv.1711.04623",
}

// fetchTestMirror serves the real bundle the way pithscope serve does.
func fetchTestMirror(t *testing.T) *httptest.Server {
	t.Helper()
	m := fetch.NewMirror(nil)
	if !m.Add("seed.json", verifytest.RealBundle(t)) {
		t.Fatalf("mirror skipped the real bundle: %v", m.Skipped)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv
}

func runFetchTest(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVerifyEveryRefFormFromMirror(t *testing.T) {
	srv := fetchTestMirror(t)
	dir := t.TempDir()
	// What people paste from a browser reads as the id it names, and is
	// fetched from the resolver.
	pasted := []string{"https://arxiv.org/abs/1711.04623", "https://arxiv.org/pdf/1711.04623v3",
		"https://doi.org/10.48550/arXiv.1711.04623", "https://pith.science/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T"}
	for _, form := range append(append(fetchTestForms, pasted...), srv.URL+"/.well-known/pith/M5BNRHPU/bundle.json") {
		code, out, errOut := runFetchTest("verify", form, "--resolver", srv.URL, "--cache-dir", dir)
		if code != exitOK || !strings.Contains(out, "VERIFIED: ") || !strings.Contains(out, "requested_id") || errOut != "" {
			t.Errorf("verify %s: exit %d\n%s\n%s", form, code, out, errOut)
		}
		if !strings.Contains(out, "("+srv.URL+"/") {
			t.Errorf("verify %s: the report does not name the URL it came from:\n%s", form, out)
		}
	}
}

// The explorer's open prompt reads the same forms.
func TestDescribeRefReadsPastedURLs(t *testing.T) {
	for in, want := range map[string]string{
		"https://arxiv.org/abs/1711.04623":          "arXiv id 1711.04623 from the page URL (fetched, or read from the cache)",
		"https://arxiv.org/pdf/1711.04623v3":        "arXiv id 1711.04623v3 from the page URL (fetched, or read from the cache)",
		"https://doi.org/10.48550/arXiv.1711.04623": "DOI 10.48550/arxiv.1711.04623 from the page URL (fetched, or read from the cache)",
		"https://pith.science/pith/M5BNRHPU":        "short pith number pith:M5BNRHPU from the page URL (fetched, or read from the cache)",
		"https://mirror.test/b.json":                "URL https://mirror.test/b.json (fetched, or read from the cache)",
		"./M5BNRHPU":                                "file ./M5BNRHPU",
	} {
		if got, err := describeRef(in); err != nil || got != want {
			t.Errorf("describeRef(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestVerifyOfflineAfterOneCachedFetch(t *testing.T) {
	srv := fetchTestMirror(t)
	dir := t.TempDir()
	if code, _, errOut := runFetchTest("fetch", "1711.04623", "--resolver", srv.URL, "--cache-dir", dir, "-o", filepath.Join(dir, "out.json")); code != exitOK {
		t.Fatalf("fetch: exit %d: %s", code, errOut)
	}
	srv.Close()
	var report, problems bytes.Buffer
	if code := run([]string{"verify", "1711.04623", "--offline", "--cache-dir", dir}, strings.NewReader(""), &report, &problems); code != exitOK {
		t.Fatalf("verify offline: exit %d\n%s\n%s", code, report.String(), problems.String())
	}
	if !strings.Contains(report.String(), "(cache, fetched ") || !strings.Contains(report.String(), "rollback") {
		t.Errorf("offline report does not say it came from the cache or lacks the rollback check:\n%s", report.String())
	}
	for _, form := range fetchTestForms {
		if code, out, errOut := runFetchTest("verify", "--offline", "--cache-dir", dir, form); code != exitOK {
			t.Errorf("verify %s offline: exit %d\n%s\n%s", form, code, out, errOut)
		}
	}
	code, _, errOut := runFetchTest("verify", "2101.00001", "--offline", "--cache-dir", dir)
	if code != exitBadInput || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "not in the cache") {
		t.Errorf("verify of an id never fetched, offline: exit %d, %q", code, errOut)
	}
}

// localBundle is a test bundle whose mirror hints name base (a loopback
// URL), re-signed, so that no fallback in a test leaves the machine.
func localBundle(b *verifytest.Builder, base string) []byte {
	data := verifytest.Edit(b.Build(), func(m map[string]any) {
		m["mirror_hints"] = []any{map[string]any{"mirror_type": "https", "name": "test", "base_url": base, "status": "primary"}}
	})
	return verifytest.Sign(data, b.Signer)
}

func writeKeyFile(t *testing.T, b *verifytest.Builder) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, b.Signer.KeyFile(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// swappable answers with whatever bundle it was last given.
type swappable struct{ current atomic.Pointer[[]byte] }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { w.Write(*s.current.Load()) }

func TestVerifyStaleNote(t *testing.T) {
	b := verifytest.New().WithRecord()
	sw := &swappable{}
	srv := httptest.NewServer(sw)
	data := localBundle(b, srv.URL)
	sw.current.Store(&data)
	dir, key := t.TempDir(), writeKeyFile(t, b)
	if code, out, errOut := runFetchTest("verify", "2101.00001", "--resolver", srv.URL, "--cache-dir", dir, "--trust-key", key); code != exitOK {
		t.Fatalf("first verify: exit %d\n%s\n%s", code, out, errOut)
	}
	srv.Close()
	code, out, errOut := runFetchTest("verify", "2101.00001", "--resolver", srv.URL, "--cache-dir", dir, "--trust-key", key)
	if code != exitOK || !strings.HasPrefix(errOut, "pithscope verify: note: may be stale; fetched ") || !strings.Contains(errOut, "s ago)") {
		t.Errorf("verify with the network gone: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestVerifyRollbackEndToEnd(t *testing.T) {
	full := verifytest.New().WithRecord()
	s1 := full.AddSnapshot("2026-01-02T00:00:00Z", "", "first")
	full.AddSnapshot("2026-01-03T00:00:00Z", s1, "first")
	older := verifytest.New().WithRecord()
	older.AddSnapshot("2026-01-02T00:00:00Z", "", "first")

	sw := &swappable{}
	srv := httptest.NewServer(sw)
	defer srv.Close()
	fullData, olderData := localBundle(full, srv.URL), localBundle(older, srv.URL)
	dir, key := t.TempDir(), writeKeyFile(t, full)
	verifyNow := func() (int, string) {
		code, out, errOut := runFetchTest("verify", full.PithNumber(), "--resolver", srv.URL, "--cache-dir", dir, "--trust-key", key)
		return code, out + errOut
	}
	sw.current.Store(&fullData)
	if code, out := verifyNow(); code != exitOK {
		t.Fatalf("first fetch: exit %d\n%s", code, out)
	}
	sw.current.Store(&olderData)
	code, out := verifyNow()
	if code != exitFailed || !strings.Contains(out, "not ok: rollback\n") || !strings.Contains(out, "this version has 2 events, a version fetched") {
		t.Errorf("rolled back: exit %d\n%s", code, out)
	}
	code, out, _ = runFetchTest("verify", full.PithNumber(), "--offline", "--cache-dir", dir, "--trust-key", key)
	if code != exitFailed || !strings.Contains(out, "not ok: rollback\n") {
		t.Errorf("rolled back, offline: exit %d\n%s", code, out)
	}
}

func TestFetchCommand(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := fetchTestMirror(t)
	dir := t.TempDir()

	code, out, errOut := runFetchTest("fetch", "pith:M5BNRHPU", "--resolver", srv.URL, "--cache-dir", dir)
	if code != exitOK || out != string(seed) || errOut != "" {
		t.Errorf("fetch to stdout: exit %d, %d bytes, stderr %q", code, len(out), errOut)
	}

	file := filepath.Join(dir, "copy.json")
	code, out, errOut = runFetchTest("fetch", "10.48550/arxiv.1711.04623", "-o", file, "-v", "--resolver", srv.URL, "--cache-dir", dir)
	got, _ := os.ReadFile(file)
	if code != exitOK || out != "" || !bytes.Equal(got, seed) {
		t.Errorf("fetch -o: exit %d, stdout %q, file %d bytes", code, out, len(got))
	}
	if !strings.Contains(errOut, "tried "+srv.URL+"/pith/10.48550%2Farxiv.1711.04623/bundle.json  HTTP 200") || !strings.Contains(errOut, "accepted") {
		t.Errorf("fetch -v stderr:\n%s", errOut)
	}

	code, out, errOut = runFetchTest("fetch", "testdata/seed-M5BNRHPU.json")
	if code != exitOK || out != string(seed) {
		t.Errorf("fetch of a file: exit %d, %s", code, errOut)
	}

	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	for _, c := range []struct {
		args    []string
		mention string
	}{
		{[]string{"fetch", "1711.04623", "--resolver", notFound.URL, "--cache-dir", t.TempDir()}, "cannot fetch 1711.04623: no source answered"},
		{[]string{"fetch", "M5BNRHPUW"}, "give a pith number"},
		{[]string{"fetch"}, "give one REF"},
		{[]string{"fetch", "M5BNRHPU", "--resolver", "ftp://x"}, `--resolver "ftp://x" is not an http(s) URL`},
		{[]string{"fetch", "main.go"}, "main.go is not a bundle"},
		{[]string{"fetch", "no/such/file.json"}, "no such file"},
		{[]string{"fetch", "testdata/seed-M5BNRHPU.json", "-o", filepath.Join(dir, "missing", "out.json")}, "no such file"},
	} {
		code, out, errOut := runFetchTest(c.args...)
		if code != exitBadInput || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.mention) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", c.args, code, out, errOut, c.mention)
		}
	}
	// -v lists every source tried, also when none answered.
	_, _, errOut = runFetchTest("fetch", "-v", "1711.04623", "--resolver", notFound.URL, "--cache-dir", t.TempDir())
	if strings.Count(errOut, "rejected: HTTP 404 Not Found") != 2 {
		t.Errorf("fetch -v of a missing id:\n%s", errOut)
	}
}

func TestServeCommandRefusals(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		args    []string
		mention string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:8700", "testdata"}, "not a loopback address"},
		{[]string{"serve", "--addr", ":8700", "testdata"}, "not a loopback address"},
		{[]string{"serve"}, "give a DIR"},
		{[]string{"serve", "--addr", "127.0.0.1:0", empty}, "no bundle to serve"},
		{[]string{"serve", "--addr", "127.0.0.1:0", filepath.Join(empty, "missing")}, "no such file"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--cache", "--cache-dir", empty}, "holds no bundles yet"},
	} {
		code, _, errOut := runFetchTest(c.args...)
		if code != exitBadInput || !strings.Contains(errOut, c.mention) {
			t.Errorf("%v: exit %d, %q; want exit 2 saying %q", c.args, code, errOut, c.mention)
		}
	}
}

// serveForTest runs a mirror of the real bundle on loopback, its log in a
// buffer, with a short header timeout; stop ends it and returns the log.
func serveForTest(t *testing.T) (addr string, stop func() string) {
	t.Helper()
	m := fetch.NewMirror(nil)
	m.Add("seed.json", verifytest.RealBundle(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := newRequestLog(&buf, 64)
	srv := newMirrorServer(m, log)
	srv.ReadHeaderTimeout = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveMirror(ctx, ln, srv, log) }()
	return ln.Addr().String(), func() string {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serveMirror: %v", err)
		}
		log.close(time.Second)
		return buf.String()
	}
}

func TestServeMirrorLogsEveryRequestAndStops(t *testing.T) {
	addr, stop := serveForTest(t)
	resp, err := http.Get("http://" + addr + "/pith/1711.04623/bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	raw := func(request string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte(request))
		io.Copy(io.Discard, c) // until the server closes
	}
	raw("NONSENSE\r\n\r\n")
	raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 100<<10) + "\r\n\r\n")
	raw("GET /pith/1711.04623/bundle.json HTTP/1.1\r\nHost: x\r\n") // never finished: a header timeout
	log := stop()
	lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	want := []string{
		`^\S+Z 127\.0\.0\.1:\d+ GET /pith/1711\.04623/bundle\.json 200 13657 \S+s$`,
		`^\S+Z 127\.0\.0\.1:\d+ - - 400 0 \S+s rejected before any handler: Bad Request$`,
		`^\S+Z 127\.0\.0\.1:\d+ - - 431 0 \S+s rejected before any handler: Request Header Fields Too Large$`,
		`^\S+Z 127\.0\.0\.1:\d+ - - - 0 \S+s header timeout: no whole request within 200ms$`,
		`^\S+Z pithscope serve: stopping: letting requests in flight finish \(at most 5s\)$`,
		`^\S+Z pithscope serve: stopped; 0 log lines dropped in all$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("log has %d lines, want %d:\n%s", len(lines), len(want), log)
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("log line %d %q does not match %s", i, lines[i], re)
		}
	}
	if _, err := time.Parse(time.RFC3339, strings.Fields(lines[0])[0]); err != nil {
		t.Errorf("log time: %v", err)
	}
}

// A log nobody reads loses lines, counted, and holds nothing up.
func TestRequestLogNeverBlocks(t *testing.T) {
	r, w := io.Pipe() // nothing reads r: every write blocks
	log := newRequestLog(w, 4)
	start := time.Now()
	for i := range 1000 {
		log.printf("line %d", i)
	}
	log.close(100 * time.Millisecond)
	if time.Since(start) > 2*time.Second {
		t.Errorf("1000 lines into a blocked log took %s", time.Since(start))
	}
	if n := log.droppedTotal.Load(); n < 990 {
		t.Errorf("%d lines counted as dropped, want nearly all", n)
	}
	r.Close()
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8700": true, "localhost:1": true, "[::1]:8700": true, "127.1.2.3:80": true,
		"0.0.0.0:8700": false, ":8700": false, "192.168.1.2:80": false, "example.org:80": false, "nonsense": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v", addr, got)
		}
	}
}

func TestHelpNamesFetchAndServe(t *testing.T) {
	_, out, _ := runFetchTest("help")
	for _, want := range []string{"pithscope fetch", "pithscope serve", "--resolver URL", "--offline", "--cache-dir DIR", "1711.04623v3"} {
		if !strings.Contains(out, want) {
			t.Errorf("pithscope help lacks %q", want)
		}
	}
	for cmd, want := range map[string]string{"fetch": "-resolver", "serve": "-allow-remote", "verify": "-offline"} {
		code, _, errOut := runFetchTest(cmd, "--help")
		if code != exitOK || !strings.Contains(errOut, "Usage: pithscope "+cmd) || !strings.Contains(errOut, want) {
			t.Errorf("pithscope %s --help: exit %d\n%s", cmd, code, errOut)
		}
	}
}
