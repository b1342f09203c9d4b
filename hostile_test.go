package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// These tests feed pithscope verify the hostile files of issue 5 and
// assert it ends quickly with a clear error (exit 2) or a failed check
// (exit 1) that names the problem, never a panic or a hang.

// verifyFile runs `pithscope verify --json FILE` on data.
func verifyFile(t *testing.T, data []byte, extra ...string) (code int, stdout, stderr string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(append([]string{"verify", "--json", path}, extra...), nil, &out, &errOut) }()
	select {
	case code = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("pithscope verify did not finish in 60 s")
	}
	return code, out.String(), errOut.String()
}

// replaceOnce edits the real bundle's text and fails the test if the
// pattern is not there (so a test cannot pass by editing nothing).
func replaceOnce(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("pattern %q not in the bundle", old)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

func TestHostileFilesAreRefusedWithTheProblemNamed(t *testing.T) {
	real := verifytest.RealBundle(t)
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	cases := []struct {
		name string
		data []byte
		want string // in the one-line error
	}{
		{"empty", nil, "empty input"},
		{"truncated", real[:len(real)/2], "unterminated"},
		{"not JSON", []byte("<html>not json</html>"), "unexpected character '<' at $ (byte 0)"},
		{"a JSON array", []byte(`[{"bundle_type":"pith_open_graph_bundle"}]`), "must be a JSON object, found array"},
		{"10,000-deep nesting", []byte(`{"events":` + deep + `}`), "nesting deeper than"},
		{"duplicate key", replaceOnce(t, real, `"target":"record",`, `"target":"record","target":"graph",`), `duplicate key "target" at $.events[0].target`},
		{"invalid UTF-8", replaceOnce(t, real, "Three Factors", "Three \xff Factors"), "invalid UTF-8 at $.events[1].payload.graph_snapshot.paper.title"},
		{"lone surrogate", replaceOnce(t, real, "Three Factors", `Three \ud800 Factors`), "lone UTF-16 surrogate"},
		{"trailing data", append(append([]byte{}, real...), []byte(` {"more":1}`)...), "unexpected data after the JSON value"},
		{"wrong type", replaceOnce(t, real, `"event_count":2`, `"event_count":"two"`), "$.state.event_count"},
		{"events not a list", replaceOnce(t, real, `"events":[`, `"events":{"x":[`), "at $.events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := verifyFile(t, c.data)
			if code != exitBadInput {
				t.Errorf("exit %d, want %d; stdout %.200s", code, exitBadInput, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr = %q, want one line containing %q", stderr, c.want)
			}
		})
	}
}

func TestOversizedFileIsRefusedWithoutReadingItAll(t *testing.T) {
	// A 100 MB string: the read limit stops it before parsing.
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"title":"`)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := 0; i < 100; i++ {
		f.Write(chunk)
	}
	f.WriteString(`"}`)
	f.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"verify", path}, nil, &out, &errOut)
	if code != exitBadInput || !strings.Contains(errOut.String(), "limit") {
		t.Errorf("exit %d, stderr %q: want 2 and the size limit named", code, errOut.String())
	}
}

// failedChecks decodes a --json report into name -> details of checks that
// are not ok.
func failedChecks(t *testing.T, stdout string) map[string][]string {
	t.Helper()
	var r struct {
		Checks []struct{ Name, Status, Detail string }
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not a JSON report: %v\n%.300s", err, stdout)
	}
	out := map[string][]string{}
	for _, c := range r.Checks {
		if c.Status != "ok" {
			out[c.Name] = append(out[c.Name], c.Status+": "+c.Detail)
		}
	}
	return out
}

func TestHostileValuesFailTheRightCheck(t *testing.T) {
	real := verifytest.RealBundle(t)
	sig := "chVBWuwdjOJ1ruOyFOcUUIDKEUFhzEXIH3XEk1SRsl6TYcbrQ58cTa3s2O6rdEXhmsC8ZvkH+69l7xCzPGvfCw=="
	keyB64 := "stVStoiQhXFxp4s2pdzPNoqVNBMojDU/fJ2db5S3CbM="
	keyHex := "b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3"
	cases := []struct {
		name  string
		data  []byte
		check string // must fail
		want  string // in its detail
	}{
		{"number 1e400 in the record", replaceOnce(t, real, `"version":3},"metadata"`, `"version":1e400},"metadata"`), "canonical_digest", "cannot canonicalize"},
		{"signature with whitespace", replaceOnce(t, real, sig, sig[:40]+" "+sig[40:]), "event_signature", "not canonical base64"},
		{"signature of 63 bytes", replaceOnce(t, real, sig, sig[:84]), "event_signature", "signature is 63 bytes, want 64"},
		{"key of 31 bytes (hex)", replaceOnce(t, real, keyHex, keyHex[:62]), "key_fingerprint", "31 bytes, want 32"},
		{"key of 33 bytes (hex)", replaceOnce(t, real, keyHex, keyHex+"00"), "key_fingerprint", "33 bytes, want 32"},
		{"key with base64 of wrong length", replaceOnce(t, real, keyB64, keyB64[:40]), "key_fingerprint", "public_key_b64"},
		{"event about another pith number", replaceOnce(t, real, `"subject_pith_number":"pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T","target":"graph"`, `"subject_pith_number":"pith:2017:AAAAAAAAAAAAAAAAAAAAAAAAAA","target":"graph"`), "event_subject", "pith:2017:AAAAAAAAAAAAAAAAAAAAAAAAAA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := verifyFile(t, c.data)
			if code != exitFailed {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitFailed, stderr)
			}
			failed := failedChecks(t, stdout)
			details := strings.Join(failed[c.check], " | ")
			if !strings.Contains(details, c.want) {
				t.Errorf("%s should fail with %q; failing checks: %v", c.check, c.want, failed)
			}
		})
	}
}

func TestUnknownEventTypeIsReportedInvalid(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.Add(verifytest.Event{Type: "telepathy", Target: "graph", CreatedAt: "2026-01-01T03:00:00Z", Payload: map[string]any{"x": 1}})
	data := b.Build()
	dir := t.TempDir()
	key := filepath.Join(dir, "key.json")
	os.WriteFile(key, b.Signer.KeyFile(), 0o644)
	code, stdout, _ := verifyFile(t, data, "--trust-key", key)
	// The served state (built by the same merge) lists the event as
	// invalid, so every check passes: the report says why it was left out.
	if code != exitOK {
		t.Fatalf("exit %d: %v", code, failedChecks(t, stdout))
	}
	if !strings.Contains(stdout, `1 invalid`) {
		t.Errorf("state_recompute does not count the unknown event as invalid: %.400s", stdout)
	}
	state := verifytest.Decode(data)["state"].(map[string]any)
	invalid, _ := json.Marshal(state["invalid_events"])
	if !strings.Contains(string(invalid), `unknown event_type \"telepathy\"`) {
		t.Errorf("invalid_events = %s", invalid)
	}
}

func TestHugeArrayOfEventsStaysBounded(t *testing.T) {
	// 30,000 tiny events in under the 32 MiB limit: each fails its checks,
	// none crashes the verifier, and the answer comes back.
	var buf bytes.Buffer
	buf.WriteString(`{"bundle_type":"pith_open_graph_bundle","events":[`)
	for i := 0; i < 30000; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"event_type":"x"}`)
	}
	buf.WriteString(`]}`)
	code, stdout, stderr := verifyFile(t, buf.Bytes())
	if code != exitFailed {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if n := len(failedChecks(t, stdout)["event_digest"]); n != 30000 {
		t.Errorf("%d event_digest failures, want 30000", n)
	}
}

func TestPrintableLinesEscapesEachLineAndKeepsBreaks(t *testing.T) {
	in := "{\n  \"title\": \"a\u202eb\x1b]52;c;eA==\x07\"\n}\n"
	got := string(printableLines([]byte(in)))
	want := "{\n  \"title\": \"a\\u202eb\\x1b]52;c;eA==\\x07\"\n}\n"
	if got != want {
		t.Errorf("printableLines = %q, want %q", got, want)
	}
}

func TestNegativeZeroIsZeroToTheDigests(t *testing.T) {
	// RFC 8785 writes -0 as 0, so a count spelled -0 is the same data as 0:
	// every digest still matches and the count reads as 0. (A digest over
	// JSON data, not over bytes, is malleable in spelling by design.)
	data := replaceOnce(t, verifytest.RealBundle(t), `"invalid_event_count":0`, `"invalid_event_count":-0`)
	code, stdout, stderr := verifyFile(t, data)
	if code != exitOK {
		t.Fatalf("exit %d (%s): %v", code, stderr, failedChecks(t, stdout))
	}
}
