//go:build unix

package main

// The cache, the alias index, the rollback history and the mirror hints
// learn only from verified bundles (issue 9). Each test here is one of the
// attacks or faults of that issue, run through the command line.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// serveData answers every request with data.
func serveData(t *testing.T, data []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	t.Cleanup(srv.Close)
	return srv
}

// withForgedEvent adds to a bundle a made-up copy of its last event, with
// another date and id: it still parses and hashes to its pith number, but
// the event and the bundle signature no longer verify.
func withForgedEvent(t *testing.T, data []byte) []byte {
	t.Helper()
	return verifytest.Edit(data, func(m map[string]any) {
		events := m["events"].([]any)
		raw, err := json.Marshal(events[len(events)-1])
		if err != nil {
			t.Fatal(err)
		}
		forged := verifytest.Decode(raw)
		forged["created_at"] = "2030-01-01T00:00:00Z"
		forged["event_id"] = "sha256:" + strings.Repeat("ab", 32)
		m["events"] = append(events, forged)
	})
}

// Case 1: one URL fetch of a forged copy (an extra made-up event) must not
// make the genuine bundle fail rollback afterwards, online or offline.
func TestForgedCopyByURLLeavesTheRollbackHistoryAlone(t *testing.T) {
	mirror := fetchTestMirror(t)
	forged := serveData(t, withForgedEvent(t, verifytest.RealBundle(t)))
	dir := t.TempDir()
	if code, out, errOut := runFetchTest("verify", forged.URL+"/bundle.json", "--cache-dir", dir); code != exitFailed {
		t.Fatalf("forged copy: exit %d, want 1\n%s%s", code, out, errOut)
	}
	code, out, errOut := runFetchTest("verify", "1711.04623", "--resolver", mirror.URL, "--cache-dir", dir)
	if code != exitOK {
		t.Errorf("the genuine bundle after a forged copy: exit %d, want 0\n%s%s", code, out, errOut)
	}
	code, out, errOut = runFetchTest("verify", "1711.04623", "--offline", "--cache-dir", dir)
	if code != exitOK || !strings.Contains(out, "✓ ok       rollback") {
		t.Errorf("offline: exit %d, want 0 with a passing rollback check\n%s%s", code, out, errOut)
	}
}

// rollbackVersions is one record with a trusted test key, in a version of
// ten events and an older one of the first nine, served (and named in its
// mirror hints) at a swappable loopback server.
type rollbackVersions struct {
	full, older []byte
	number, key string
	sw          *swappable
	srv         *httptest.Server
}

func newRollbackVersions(t *testing.T) *rollbackVersions {
	t.Helper()
	full, older := verifytest.New().WithRecord(), verifytest.New().WithRecord()
	prev := ""
	for i := range 9 {
		// One title throughout: the record commits to it (record_match).
		at, title := fmt.Sprintf("2026-01-%02dT00:00:00Z", i+2), "A Paper Revised Many Times"
		if i < 8 {
			older.AddSnapshot(at, prev, title)
		}
		prev = full.AddSnapshot(at, prev, title)
	}
	v := &rollbackVersions{sw: &swappable{}, number: full.PithNumber(), key: writeKeyFile(t, full)}
	v.srv = httptest.NewServer(v.sw)
	t.Cleanup(v.srv.Close)
	v.full, v.older = localBundle(full, v.srv.URL), localBundle(older, v.srv.URL)
	return v
}

func (v *rollbackVersions) serve(data []byte) { v.sw.current.Store(&data) }

// verify runs pithscope verify on the record's number against the server.
func (v *rollbackVersions) verify(dir string, extra ...string) (int, string) {
	args := append([]string{"verify", v.number, "--resolver", v.srv.URL, "--cache-dir", dir, "--trust-key", v.key}, extra...)
	code, out, errOut := runFetchTest(args...)
	return code, out + errOut
}

// Case 1, the other way: fetches of junk versions (what --watch refetches
// of a hostile server supply) must not evict the real history, however
// many there are.
func TestJunkVersionsCannotFlushTheRollbackHistory(t *testing.T) {
	v := newRollbackVersions(t)
	dir := t.TempDir()
	v.serve(v.full)
	if code, out := v.verify(dir); code != exitOK {
		t.Fatalf("first fetch: exit %d\n%s", code, out)
	}
	// Each junk version lists some of the older version's events (those
	// the bits of n select): a distinct version every time, whose bundle
	// signature fails.
	for n := 1; n <= 260; n++ {
		junk := verifytest.Edit(v.older, func(m map[string]any) {
			var kept []any
			for i, e := range m["events"].([]any) {
				if n&(1<<i) != 0 {
					kept = append(kept, e)
				}
			}
			m["events"] = kept
		})
		v.serve(junk)
		if code, out := v.verify(dir); code != exitFailed {
			t.Fatalf("junk version %d: exit %d, want 1\n%s", n, code, out)
		}
	}
	v.serve(v.older)
	code, out := v.verify(dir)
	if code != exitFailed || !strings.Contains(out, "not ok: rollback\n") {
		t.Errorf("older version after 260 junk fetches: exit %d, want the rollback check to fail\n%s", code, out)
	}
}

// Case 2: a URL fetch of another paper's bundle that lists the alias must
// not re-point the offline index; two verified bundles claiming one alias
// are both shown, with who signed each.
func TestAliasIsNeverSilentlyRepointed(t *testing.T) {
	mirror := fetchTestMirror(t)
	dir := t.TempDir()
	if code, out, errOut := runFetchTest("verify", "1711.04623", "--resolver", mirror.URL, "--cache-dir", dir); code != exitOK {
		t.Fatalf("genuine: exit %d\n%s%s", code, out, errOut)
	}
	impostor := verifytest.New()
	impostor.SourceID = "1711.04623"
	impostorData := impostor.WithRecord().Build()
	other := serveData(t, impostorData)
	if code, _, _ := runFetchTest("verify", other.URL+"/b.json", "--cache-dir", dir); code != exitFailed {
		t.Fatalf("the impostor signed by a key nobody trusts: exit %d, want 1", code)
	}
	code, out, errOut := runFetchTest("verify", "1711.04623", "--offline", "--cache-dir", dir)
	if code != exitOK || !strings.HasPrefix(out, realPithNumber+"  (cache, fetched ") {
		t.Fatalf("offline alias after an unverified impostor: exit %d\n%s%s", code, out, errOut)
	}

	// Now the impostor verifies too (its key is trusted): both candidates
	// are shown, never one picked silently.
	key := writeKeyFile(t, impostor)
	if code, out, errOut := runFetchTest("verify", other.URL+"/b.json", "--cache-dir", dir, "--trust-key", key); code != exitOK {
		t.Fatalf("the impostor with its key trusted: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runFetchTest("verify", "1711.04623", "--offline", "--cache-dir", dir, "--trust-key", key)
	if code != exitBadInput || out != "" {
		t.Errorf("offline alias claimed by two verified bundles: exit %d, want 2\n%s%s", code, out, errOut)
	}
	for _, want := range []string{realPithNumber, impostor.PithNumber(), "pith-v1-2026-05 (pinned)", "test-key-1 (user-trusted"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the conflict does not name %q:\n%s", want, errOut)
		}
	}
	// Online the resolver answers; the other claimant is still named.
	code, out, errOut = runFetchTest("verify", "1711.04623", "--resolver", mirror.URL, "--cache-dir", dir, "--trust-key", key)
	if code != exitOK || !strings.HasPrefix(out, realPithNumber) || !strings.Contains(errOut, impostor.PithNumber()) || !strings.Contains(errOut, "1711.04623") {
		t.Errorf("online alias with a conflict: exit %d\n%s\nstderr:\n%s", code, out, errOut)
	}
}

const realPithNumber = "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T"

// Case 3: a copy whose bundle signature fails supplies no mirror hints: an
// unreachable resolver leads to no request to the addresses it names.
func TestUnverifiedCopySuppliesNoMirrorHints(t *testing.T) {
	var hits atomic.Int64
	admin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("deleted everything"))
	}))
	defer admin.Close()
	target := admin.URL + "/internal/admin/delete?all=1"
	poisoned := verifytest.Edit(verifytest.RealBundle(t), func(m map[string]any) {
		m["mirror_hints"] = []any{map[string]any{"mirror_type": "https", "name": "x", "base_url": target,
			"bundle_url": target, "well_known_bundle_url": target, "status": "primary"}}
	})
	dir := t.TempDir()
	src := serveData(t, poisoned)
	if code, _, _ := runFetchTest("fetch", src.URL+"/bundle.json", "--cache-dir", dir, "-o", filepath.Join(dir, "poisoned.json")); code == exitOK {
		t.Errorf("fetch of a bundle whose signature fails: exit 0")
	}
	code, out, errOut := runFetchTest("fetch", "-v", "1711.04623", "--resolver", "https://resolver.invalid", "--timeout", "2s", "--cache-dir", dir)
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the address an unverified copy named", hits.Load())
	}
	if code != exitBadInput || out != "" {
		t.Errorf("fetch with the resolver unreachable: exit %d, %d bytes out, want exit 2 and nothing\n%s", code, len(out), errOut)
	}
	if !strings.Contains(errOut, "tried https://resolver.invalid/pith/1711.04623/bundle.json") {
		t.Errorf("fetch -v does not list the requests made:\n%s", errOut)
	}
}

// Case 5: a reference that reads as an id is fetched, not read from a file
// of that name; written as a path, the file is read and must be the
// bundle the name asks for.
func TestFileNamedLikeAnIDDoesNotAnswerForIt(t *testing.T) {
	other := verifytest.New().WithRecord()
	seed := verifytest.RealBundle(t)
	t.Chdir(t.TempDir())
	for _, name := range []string{other.PithNumber(), "2101.99999"} {
		if err := os.WriteFile(name, seed, 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runFetchTest("verify", name, "--offline", "--cache-dir", t.TempDir())
		if code != exitBadInput || !strings.Contains(errOut, "not in the cache") {
			t.Errorf("verify %s with a file of that name: exit %d, want 2 (not in the cache)\n%s%s", name, code, out, errOut)
		}
		code, out, errOut = runFetchTest("verify", "./"+name, "--offline")
		if code != exitFailed || !strings.Contains(out, "not ok: requested_id") {
			t.Errorf("verify ./%s holding another bundle: exit %d, want requested_id to fail\n%s%s", name, code, out, errOut)
		}
	}
}

// Case 6: -o writes through what PATH is; only a new path or a regular
// file is replaced by a temp file and a rename.
func TestFetchOutputWritesThroughSymlinksDevicesAndFIFOs(t *testing.T) {
	seed := verifytest.RealBundle(t)
	dir := t.TempDir()
	fetchTo := func(path string) {
		t.Helper()
		if code, _, errOut := runFetchTest("fetch", seedPath, "-o", path); code != exitOK {
			t.Fatalf("fetch -o %s: exit %d: %s", path, code, errOut)
		}
	}

	target := filepath.Join(dir, "target.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	fetchTo(link)
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", info.Mode(), err)
	}
	if got, _ := os.ReadFile(target); !bytes.Equal(got, seed) {
		t.Errorf("the symlink's target holds %d bytes, want the bundle", len(got))
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o600 {
		t.Errorf("the target's mode became %v", info.Mode().Perm())
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte, 1)
	go func() {
		data, _ := os.ReadFile(fifo) // blocks until a writer opens it
		read <- data
	}()
	fetchTo(fifo)
	select {
	case got := <-read:
		if !bytes.Equal(got, seed) {
			t.Errorf("the FIFO's reader got %d bytes", len(got))
		}
	case <-time.After(5 * time.Second):
		t.Error("nothing was written to the FIFO")
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", info.Mode())
	}

	// A null device of our own (as root, renaming over /dev/null would
	// break the machine if this regressed); without mknod, /dev/null is
	// safe to try, since only root could replace it.
	device := filepath.Join(dir, "null")
	if err := syscall.Mknod(device, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		if os.Geteuid() == 0 {
			t.Skipf("mknod: %v", err)
		}
		device = os.DevNull
	}
	fetchTo(device)
	if info, err := os.Lstat(device); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("the device was replaced: %v", info.Mode())
	}
}

// cliChildEnv names the environment of a test binary run as a child: the
// command line (JSON) and an optional file size limit in bytes.
const (
	cliChildArgs  = "PITHSCOPE_TEST_CLI_ARGS"
	cliChildFSize = "PITHSCOPE_TEST_CLI_FSIZE"
)

// TestCLIChild is the pithscope command, run by the tests below in a
// process of its own.
func TestCLIChild(t *testing.T) {
	argsJSON := os.Getenv(cliChildArgs)
	if argsJSON == "" {
		t.Skip("only run as a child by other tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		t.Fatal(err)
	}
	if limit := os.Getenv(cliChildFSize); limit != "" {
		var n uint64
		fmt.Sscan(limit, &n)
		// Writing past the limit fails with EFBIG, as a full disk fails
		// with ENOSPC; Go ignores the SIGXFSZ that comes with it.
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			t.Fatal(err)
		}
	}
	os.Exit(run(args, os.Stdin, os.Stdout, os.Stderr))
}

// cliChild is a command that runs pithscope with args in a new process.
func cliChild(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	argsJSON, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCLIChild$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), cliChildArgs+"="+string(argsJSON)), env...)
	return cmd
}

// Case 7: two processes saving different versions at once lose neither.
func TestTwoProcessesSavingAtOnceLoseNoHistory(t *testing.T) {
	v := newRollbackVersions(t)
	// The second version comes from a server of its own.
	v2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(v.full) }))
	defer v2.Close()
	v.serve(v.older)
	for trial := range 8 {
		dir := t.TempDir()
		var wg sync.WaitGroup
		for _, resolver := range []string{v.srv.URL, v2.URL} {
			cmd := cliChild(t, nil, "verify", v.number, "--resolver", resolver, "--cache-dir", dir, "--trust-key", v.key)
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Exit 1 is the older version failing rollback after the
				// newer one was saved.
				if out, err := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() > exitFailed {
					t.Errorf("trial %d: %v\n%s", trial, err, out)
				}
			}()
		}
		wg.Wait()
		// Whichever saved last, the three-event version is remembered: the
		// older one now fails rollback.
		if code, out := v.verify(dir); code != exitFailed || !strings.Contains(out, "not ok: rollback\n") {
			t.Fatalf("trial %d: the history lost the newer version: exit %d\n%s", trial, code, out)
		}
	}
}

// Case 7: a cache write that fails (the disk is full) is said on stderr and
// in the rollback check, and the report is still printed.
func TestFullDiskIsAWarningAndTheRollbackCheckSaysSo(t *testing.T) {
	v := newRollbackVersions(t)
	dir := t.TempDir()
	v.serve(v.older)
	if code, out := v.verify(dir); code != exitOK {
		t.Fatalf("first fetch: exit %d\n%s", code, out)
	}
	v.serve(v.full)
	cmd := cliChild(t, []string{cliChildFSize + "=64"}, "verify", v.number, "--resolver", v.srv.URL, "--cache-dir", dir, "--trust-key", v.key, "--json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		t.Fatalf("verify with writes failing: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "could not record this version") || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr does not warn, in one line, that the version was not recorded:\n%s", stderr.String())
	}
	r := decodeReport(t, stdout.String())
	if r.status("rollback", "bundle") != "ok" {
		t.Errorf("rollback check: %s, want ok", r.status("rollback", "bundle"))
	}
	for _, c := range r.Checks {
		if *c.Name == "rollback" && !strings.Contains(*c.Detail, "could not record this version") {
			t.Errorf("the rollback check's detail does not say the version was not recorded: %q", *c.Detail)
		}
	}
	// Nothing was half written: the cache still answers with the first
	// version, and its history holds what it did.
	v.serve(v.older)
	if code, out := v.verify(dir); code != exitOK {
		t.Errorf("after the failed write: exit %d\n%s", code, out)
	}
}

// Case 7: temp files a killed writer left are removed by the next save.
func TestStaleTempFilesAreRemoved(t *testing.T) {
	mirror := fetchTestMirror(t)
	dir := t.TempDir()
	// Where a writer killed mid-write leaves its temp file.
	stale := filepath.Join(dir, "tmp", ".tmp-M5BNRHPUWGA7MHPFDKCQKNVN6T.json-123")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runFetchTest("verify", "1711.04623", "--resolver", mirror.URL, "--cache-dir", dir); code != exitOK {
		t.Fatal(errOut)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("%s is still there", stale)
	}
}

// Case 8: serve keeps serving when nobody reads its log, logs each request
// with time, client, status, bytes and duration, and stops promptly on
// SIGTERM with a message.
func TestServeWithABlockedLogKeepsServingAndStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "seed.json"), verifytest.RealBundle(t), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := cliChild(t, nil, "serve", "--addr", "127.0.0.1:0", dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Read up to the line that gives the address, then stop reading: the
	// pipe fills and every later write to stderr would block.
	var seen bytes.Buffer
	addr := ""
	buf := make([]byte, 1)
	for addr == "" {
		if _, err := stderr.Read(buf); err != nil {
			t.Fatalf("serve ended: %v\n%s", err, seen.String())
		}
		seen.Write(buf)
		if line := seen.String(); strings.HasSuffix(line, "\n") {
			if _, rest, ok := strings.Cut(line, " at http://"); ok {
				addr, _, _ = strings.Cut(rest, " ")
			}
		}
	}
	client := &http.Client{Timeout: 5 * time.Second}
	url := "http://" + addr + "/pith/M5BNRHPU/bundle.json"
	// Far more log lines than a pipe buffer (64 KiB, some 600 lines) holds.
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 400 {
				resp, err := client.Get(url)
				if err != nil {
					failures.Add(1)
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || n != 13657 {
					failures.Add(1)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d clients got no answer while the log was not read", n)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := readAllWithin(stderr, 10*time.Second)
	err = cmd.Wait()
	if time.Since(start) > 8*time.Second || err != nil {
		t.Errorf("serve took %s to stop after SIGTERM (%v)", time.Since(start), err)
	}
	log := seen.String() + rest
	first := strings.SplitN(log[len(seen.String()):], "\n", 2)[0]
	// 2026-05-18T09:00:00.000Z 127.0.0.1:54321 GET /pith/M5BNRHPU/bundle.json 200 13657 1.2ms
	fields := strings.Fields(first)
	if len(fields) != 7 || !strings.HasPrefix(fields[1], "127.0.0.1:") || fields[4] != "200" || fields[5] != "13657" {
		t.Errorf("first request line %q: want time, client, method, path, status, bytes, duration", first)
	} else if _, err := time.Parse(time.RFC3339, fields[0]); err != nil {
		t.Errorf("log time %q: %v", fields[0], err)
	}
	if !strings.Contains(log, "log lines dropped") || !strings.Contains(log, "stopped") {
		t.Errorf("the log does not count dropped lines or say it stopped:\n...%s", log[max(0, len(log)-600):])
	}
}

// readAllWithin reads r until EOF or the time limit.
func readAllWithin(r interface{ Read([]byte) (int, error) }, limit time.Duration) (string, error) {
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := out.ReadFrom(r)
		done <- err
	}()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(limit):
		return "", fmt.Errorf("still open after %s", limit)
	}
}
