package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// batchDir writes n bundle files: good generated bundles (ten different
// records, cycled), and the given numbers of tampered and unreadable ones.
// It returns the directory and a --trust-key file for the generated key.
func batchDir(t *testing.T, n, tampered, unreadable int) (dir, keyFile string) {
	t.Helper()
	dir = t.TempDir()
	var good [][]byte
	var signer verifytest.Signer
	for i := 0; i < 10; i++ {
		b := verifytest.New().WithRecord()
		b.SourceID = fmt.Sprintf("2101.%05d", i)
		b.AddSnapshot("2026-01-01T01:00:00Z", "", fmt.Sprintf("paper %d", i))
		good = append(good, b.Build())
		signer = b.Signer
	}
	keyFile = filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(keyFile, signer.KeyFile(), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		data := good[i%len(good)]
		switch {
		case i < tampered:
			data = bytes.Replace(data, []byte(`"paper `), []byte(`"PAPER `), 1)
		case i < tampered+unreadable:
			data = data[:len(data)/2]
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("b%04d.json", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, keyFile
}

func TestVerifyDirSummarizesEveryBundle(t *testing.T) {
	dir, key := batchDir(t, 40, 3, 2)
	var stdout, stderr bytes.Buffer
	code := run([]string{"verify", "--dir", dir, "--trust-key", key, "--jobs", "3"}, nil, &stdout, &stderr)
	if code != exitBadInput {
		t.Errorf("exit %d with unreadable bundles, want %d", code, exitBadInput)
	}
	out := stdout.String()
	if !strings.Contains(out, "40 bundles: 35 ok, 3 failed, 2 unreadable") {
		t.Errorf("summary missing or wrong:\n%s", out)
	}
	if got := strings.Count(out, "✓ VERIFIED"); got != 35 {
		t.Errorf("%d VERIFIED lines, want 35", got)
	}
	if !strings.Contains(out, "failed checks (bundles): ") || !strings.Contains(out, "event_digest 3") {
		t.Errorf("failed checks by name missing:\n%s", out)
	}
	if !strings.Contains(out, "! UNREADABLE  "+filepath.Join(dir, "b0003.json")) {
		t.Errorf("unreadable bundle not named:\n%s", out)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr is not a terminal, yet: %q", stderr.String())
	}
}

func TestVerifyManyRefsJSONLines(t *testing.T) {
	dir, key := batchDir(t, 5, 1, 0)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"verify", "--json", "--trust-key", key}, files...), nil, &stdout, &stderr)
	if code != exitFailed {
		t.Errorf("exit %d with one tampered bundle, want %d", code, exitFailed)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 5 reports and a summary:\n%s", len(lines), stdout.String())
	}
	sources := map[string]bool{}
	for _, line := range lines[:5] {
		var r struct {
			OK      bool   `json:"ok"`
			Source  string `json:"source"`
			Pith    string `json:"pith_number"`
			Checks  []any  `json:"checks"`
			Summary struct{ OK, Fail, Unknown int }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if r.Source == "" || r.Pith == "" || len(r.Checks) == 0 {
			t.Errorf("incomplete report: %s", line)
		}
		sources[r.Source] = r.OK
	}
	if len(sources) != 5 || sources[files[0]] {
		t.Errorf("want 5 distinct sources with %s failing: %v", files[0], sources)
	}
	var sum batchSummary
	if err := json.Unmarshal([]byte(lines[5]), &sum); err != nil || sum.Bundles.Total != 5 || sum.Bundles.OK != 4 || sum.Bundles.Failed != 1 {
		t.Errorf("summary line = %s (%v)", lines[5], err)
	}
}

// TestVerifyDirMemoryIsFlat verifies 1,000 bundles and 100 bundles and
// compares the peak live heap: a batch keeps no bundle after its line.
func TestVerifyDirMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1,000 bundles")
	}
	peak := func(n int) (uint64, string) {
		dir, key := batchDir(t, n, 0, 0)
		var stdout bytes.Buffer
		var got uint64
		stop := verifytest.SamplePeakHeap(&got)
		code := run([]string{"verify", "--dir", dir, "--trust-key", key}, nil, &stdout, &bytes.Buffer{})
		stop()
		if code != exitOK {
			t.Fatalf("exit %d:\n%s", code, stdout.String())
		}
		lastLine := ""
		sc := bufio.NewScanner(&stdout)
		for sc.Scan() {
			if sc.Text() != "" {
				lastLine = sc.Text()
			}
		}
		return got, lastLine
	}
	small, _ := peak(100)
	large, summary := peak(1000)
	if summary != "1000 bundles: 1000 ok, 0 failed, 0 unreadable" {
		t.Errorf("summary = %q", summary)
	}
	t.Logf("peak heap: %d KiB for 100 bundles, %d KiB for 1,000", small>>10, large>>10)
	if large > 2*small+8<<20 {
		t.Errorf("peak heap grows with the number of bundles: %d KiB for 100, %d KiB for 1,000", small>>10, large>>10)
	}
}

// A file name is a string from outside like any other: in batch output,
// text or JSON, a name holding a C1 CSI and a bidi override reaches the
// terminal escaped, and the JSON still decodes to the real name.
func TestVerifyDirEscapesFileNames(t *testing.T) {
	dir, key := batchDir(t, 1, 0, 0)
	hostile := "a\u009b31m\u202egnp.json"
	good, err := os.ReadFile(filepath.Join(dir, "b0000.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"ok" + hostile: good, "bad" + hostile: []byte("{not json")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"--json"}, {}} {
		var stdout, stderr bytes.Buffer
		run(append([]string{"verify", "--trust-key", key, "--dir", dir}, args...), nil, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		for _, line := range strings.Split(out, "\n") {
			if strings.ContainsAny(line, "\u009b\u202e") {
				t.Errorf("%v: a line carries a raw U+009B or U+202E: %q", args, line)
			}
		}
		if len(args) == 0 {
			if !strings.Contains(out, `a\u009b31m\u202egnp.json`) {
				t.Errorf("text output does not show the name escaped:\n%s", out)
			}
			continue
		}
		names := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			var r struct{ Source, Error string }
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("not JSON: %s", line)
			}
			names[filepath.Base(r.Source)] = true
			if r.Error != "" && !strings.Contains(r.Error, hostile) {
				t.Errorf("the error does not name the file: %q", r.Error)
			}
		}
		if !names["ok"+hostile] || !names["bad"+hostile] {
			t.Errorf("decoded sources %v lack the real names", names)
		}
	}
}
