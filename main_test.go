package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

const seedPath = "testdata/seed-M5BNRHPU.json"

// realChecks is how many checks the real bundle gets, every one ok.
const realChecks = 26

// runCLI runs the command line with stdin and returns the exit code and
// what went to stdout and stderr.
func runCLI(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// jsonReport is the documented --json schema, read strictly.
type jsonReport struct {
	OK         *bool   `json:"ok"`
	PithNumber *string `json:"pith_number"`
	Checks     []struct {
		Name    *string `json:"name"`
		Subject *string `json:"subject"`
		Status  *string `json:"status"`
		Detail  *string `json:"detail"`
	} `json:"checks"`
	Summary *struct {
		OK      *int `json:"ok"`
		Fail    *int `json:"fail"`
		Unknown *int `json:"unknown"`
	} `json:"summary"`
}

// decodeReport reads --json output and checks it has every field of the
// schema, with counts that agree with the checks.
func decodeReport(t *testing.T, out string) jsonReport {
	t.Helper()
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("--json output is not one line: %q", out)
	}
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if r.OK == nil || r.PithNumber == nil || r.Summary == nil || r.Summary.OK == nil || r.Summary.Fail == nil || r.Summary.Unknown == nil || len(r.Checks) == 0 {
		t.Fatalf("--json output misses a field of the schema: %s", out)
	}
	counts := map[string]int{}
	for _, c := range r.Checks {
		if c.Name == nil || c.Subject == nil || c.Status == nil || c.Detail == nil || *c.Name == "" || *c.Subject == "" || *c.Detail == "" {
			t.Fatalf("a check misses name, subject, status or detail: %s", out)
		}
		counts[*c.Status]++
	}
	if counts["ok"] != *r.Summary.OK || counts["fail"] != *r.Summary.Fail || counts["unknown"] != *r.Summary.Unknown || len(counts) > 3 {
		t.Errorf("summary %d/%d/%d does not count the checks %v", *r.Summary.OK, *r.Summary.Fail, *r.Summary.Unknown, counts)
	}
	if *r.OK != (counts["fail"] == 0 && counts["unknown"] == 0) {
		t.Errorf("ok is %v with %v", *r.OK, counts)
	}
	return r
}

func (r jsonReport) status(name, subject string) string {
	for _, c := range r.Checks {
		if *c.Name == name && (subject == "" || *c.Subject == subject) {
			return *c.Status
		}
	}
	return "(none)"
}

func TestVerifyEmbeddedAndSeedFilePass(t *testing.T) {
	for _, args := range [][]string{{"verify"}, {"verify", seedPath}, {"verify", "--json", seedPath}, {"verify", seedPath, "--json"}} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d, want 0\n%s%s", args, code, out, errOut)
		}
		if strings.Contains(strings.Join(args, " "), "--json") {
			r := decodeReport(t, out)
			if !*r.OK || *r.PithNumber != "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T" || *r.Summary.OK != realChecks {
				t.Errorf("%v: report %s", args, out)
			}
			continue
		}
		if !strings.Contains(out, fmt.Sprintf("VERIFIED: %d checks, %d ok, 0 failed, 0 unknown", realChecks, realChecks)) || strings.Contains(out, "NOT VERIFIED") {
			t.Errorf("%v: summary line missing:\n%s", args, out)
		}
		if !strings.HasPrefix(out, "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T") {
			t.Errorf("%v: first line %q", args, strings.SplitN(out, "\n", 2)[0])
		}
		// One line per check, grouped by area.
		for _, area := range []string{"\nrecord\n", "\nkeys\n", "\nevents\n", "\nstate\n", "\nbundle\n"} {
			if !strings.Contains(out, area) {
				t.Errorf("%v: no %q group", args, strings.TrimSpace(area))
			}
		}
		if n := strings.Count(out, "✓ ok"); n != realChecks {
			t.Errorf("%v: %d ok lines, want %d", args, n, realChecks)
		}
	}
}

func TestVerifyReadsStandardInput(t *testing.T) {
	code, out, errOut := runCLI(t, verifytest.RealBundle(t), "verify", "--json", "-")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	decodeReport(t, out)
	if !strings.Contains(out, `"source":"stdin"`) {
		t.Errorf("source is not stdin: %s", out)
	}
	// Tampered input on stdin fails like a file.
	tampered := bytes.Replace(verifytest.RealBundle(t), []byte(`"event_count":2`), []byte(`"event_count":3`), 1)
	if code, _, _ := runCLI(t, tampered, "verify", "-"); code != exitFailed {
		t.Errorf("tampered stdin: exit %d, want 1", code)
	}
}

func TestVerifyTamperedFileFails(t *testing.T) {
	data := verifytest.Edit(verifytest.RealBundle(t), func(m map[string]any) {
		verifytest.At(m, "events", 1, "payload", "graph_snapshot", "paper").(map[string]any)["title"] = "Another paper"
	})
	path := writeTemp(t, "tampered.json", data)

	code, out, _ := runCLI(t, nil, "verify", path)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"NOT VERIFIED", "✗ FAIL", "event_digest", "not ok: record_match, event_digest, event_id, event_signature, state_recompute, bundle_digest, bundle_signature"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, nil, "verify", "--json", path)
	if code != exitFailed {
		t.Fatalf("--json: exit %d, want 1", code)
	}
	r := decodeReport(t, out)
	if *r.OK {
		t.Error("ok is true")
	}
	for _, name := range []string{verify.CheckEventDigest, verify.CheckEventID, verify.CheckEventSignature, verify.CheckStateRecompute, verify.CheckBundleDigest, verify.CheckBundleSignature} {
		if got := r.status(name, "event:sha256:67eb3f4c0fa3f7ba298c13b7516c477f486b5d5152ce6939d702d7503bfa57cf"); name < "event_t" && name > "event_" && got != "fail" {
			t.Errorf("%s of the edited event: %s", name, got)
		}
		failed := false
		for _, c := range r.Checks {
			failed = failed || *c.Name == name && *c.Status == "fail"
		}
		if !failed {
			t.Errorf("no failing %s in --json output", name)
		}
	}
	if got := r.status(verify.CheckEventDigest, "event:sha256:0cf2ca14dfbb6a8a567c89dbea99562ef2120338e18661863f3f37fa8abb78fe"); got != "ok" {
		t.Errorf("the untouched event's digest: %s", got)
	}
}

// Unparsable input exits 2 with one line on stderr that names the problem
// and where it is; nothing goes to stdout.
func TestVerifyUnparsableInput(t *testing.T) {
	cases := map[string]struct {
		data       []byte
		msg, where string
	}{
		"duplicate key":     {[]byte(`{"events":[{"signer":{"key_id":"a","key_id":"b"}}]}`), `duplicate key "key_id"`, "$.events[0].signer.key_id"},
		"invalid UTF-8":     {[]byte("{\"pith_number\":\"pith:\xff\"}"), "invalid UTF-8", "$.pith_number"},
		"trailing data":     {append(verifytest.RealBundle(t), []byte(`{}`)...), "unexpected data after the JSON value", "at $ "},
		"array top level":   {[]byte(`[{"bundle_type":"pith_open_graph_bundle"}]`), "must be a JSON object, found array", "found array at $\n"},
		"deep nesting":      {[]byte(`{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`), "nesting deeper than 128 levels", "$.a[0]"},
		"wrong field type":  {[]byte(`{"events":[{"supersedes":"sha256:x"}]}`), "expected array, found string", "$.events[0].supersedes"},
		"lone surrogate":    {[]byte(`{"state":{"pith_number":"\ud800"}}`), "lone UTF-16 surrogate", "$.state.pith_number"},
		"empty":             {nil, "empty input", "$"},
		"not JSON":          {[]byte("pith bundle"), "unexpected character 'p'", "$"},
		"escape in the key": {[]byte(`{"\u001b]52;c;aGk=\u0007":1,"\u001b]52;c;aGk=\u0007":2}`), `duplicate key`, `\x1b]52`},
		"raw escape byte":   {[]byte("{\"a\":\"\x1b]52;c;aGk=\x07\"}"), "control character in string must be escaped", "$.a"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeTemp(t, "bad.json", tc.data)
			for _, args := range [][]string{{"verify", path}, {"verify", "--json", path}} {
				code, out, errOut := runCLI(t, nil, args...)
				if code != exitBadInput {
					t.Errorf("%v: exit %d, want 2", args, code)
				}
				if out != "" {
					t.Errorf("%v: stdout %q, want nothing", args, out)
				}
				if strings.Count(errOut, "\n") != 1 || !strings.HasSuffix(errOut, "\n") {
					t.Errorf("%v: stderr is not one line: %q", args, errOut)
				}
				if !strings.Contains(errOut, tc.msg) || !strings.Contains(errOut, tc.where) || !strings.Contains(errOut, path) {
					t.Errorf("%v: stderr %q does not name %q at %q in %s", args, errOut, tc.msg, tc.where, path)
				}
				if strings.ContainsAny(errOut, "\x1b\x07") {
					t.Errorf("%v: raw control bytes on stderr: %q", args, errOut)
				}
			}
		})
	}
	code, _, errOut := runCLI(t, nil, "verify", filepath.Join(t.TempDir(), "missing.json"))
	if code != exitBadInput || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI(t, nil, "verify", "--no-such-flag", seedPath); code != exitBadInput {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}

func TestVerifyTrustKey(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", "first")
	bundle := writeTemp(t, "bundle.json", b.Build())

	code, out, _ := runCLI(t, nil, "verify", "--json", bundle)
	if code != exitFailed {
		t.Fatalf("bundle-only key: exit %d, want 1\n%s", code, out)
	}
	r := decodeReport(t, out)
	if r.status(verify.CheckKeyTrust, "key:"+b.Signer.KeyID) != "fail" || !strings.Contains(out, "key not pinned") {
		t.Errorf("key_trust is not a \"key not pinned\" failure: %s", out)
	}
	for _, c := range r.Checks {
		if *c.Name != verify.CheckKeyTrust && *c.Status != "ok" {
			t.Errorf("%s %s: %s", *c.Name, *c.Subject, *c.Status)
		}
	}

	key := writeTemp(t, "key.json", b.Signer.KeyFile())
	code, out, errOut := runCLI(t, nil, "verify", "--trust-key", key, bundle)
	if code != exitOK {
		t.Fatalf("--trust-key: exit %d, want 0\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "user-trusted") {
		t.Errorf("output does not say the key is user-trusted:\n%s", out)
	}
	// A list of keys, and the flag after the REF, work too.
	list, _ := json.Marshal([]any{verifytest.NewSigner("k2", "another").KeyEntry(), b.Signer.KeyEntry()})
	keys := writeTemp(t, "keys.json", list)
	if code, out, _ := runCLI(t, nil, "verify", bundle, "--trust-key", keys); code != exitOK {
		t.Errorf("--trust-key list after REF: exit %d\n%s", code, out)
	}
	// A key file that claims the pinned id with other bytes is refused.
	impostor := writeTemp(t, "impostor.json", verifytest.NewSigner(verify.PinnedKeyID, "impostor").KeyFile())
	code, _, errOut = runCLI(t, nil, "verify", "--trust-key", impostor, seedPath)
	if code != exitBadInput || !strings.Contains(errOut, "already trusted") {
		t.Errorf("impostor key file: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, nil, "verify", "--trust-key", filepath.Join(t.TempDir(), "nokey.json"), seedPath)
	if code != exitBadInput || !strings.Contains(errOut, "--trust-key") {
		t.Errorf("missing key file: exit %d, %q", code, errOut)
	}
}

func TestHelpListsEveryCheck(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}, {"verify", "--help"}, {"verify", "-h"}} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d", args, code)
		}
		// pithscope --help writes to stdout; a command's --help, like
		// fetch's and serve's, to stderr.
		out += errOut
		for _, name := range verify.CheckOrder {
			if !strings.Contains(out, name) {
				t.Errorf("%v: help does not list %s", args, name)
			}
		}
		for _, want := range []string{"--json", "--trust-key", "0 ", "1 ", "2 "} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: help does not explain %q", args, want)
			}
		}
	}
}

// Text output never sends the terminal a control sequence, a bidi override
// or a zero-width character from the bundle: they are shown escaped.
func TestTextOutputEscapesTerminalControls(t *testing.T) {
	const osc52 = "\x1b]52;c;cm0gLXJmIH4K\x07"
	const bidi = "\u202egnp.exe\u200b"
	const c1 = "\u009b31m"
	data := verifytest.Edit(verifytest.RealBundle(t), func(m map[string]any) {
		aliases := m["source_aliases"].([]any)
		a := aliases[5].(map[string]any)
		a["alias_kind"] = "pith_short_8" + osc52
		a["alias_value"] = "M5BN" + osc52 + bidi
		ev := verifytest.At(m, "events", 1).(map[string]any)
		ev["event_id"] = "sha256:" + osc52 + bidi + c1
		ev["target"] = "graph" + osc52
		verifytest.At(m, "bundle_signature").(map[string]any)["key_id"] = "k" + osc52 + c1
		verifytest.At(m, "state").(map[string]any)["merge_version"] = bidi + osc52
	})
	path := writeTemp(t, "hostile.json", data)
	code, out, errOut := runCLI(t, nil, "verify", path)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, raw := range []string{"\x1b", "\x07", "\u202e", "\u200b", "\u009b"} {
		if strings.Contains(out, raw) || strings.Contains(errOut, raw) {
			t.Errorf("output carries the raw %q", raw)
		}
	}
	for _, shown := range []string{`\x1b]52;c;cm0gLXJmIH4K\x07`, `\u202e`, `\u009b`} {
		if !strings.Contains(out, shown) {
			t.Errorf("output does not show %s escaped:\n%s", shown, out)
		}
	}
	// The JSON output carries the same strings, escaped as JSON, so that
	// a terminal shows it inertly too; decoding gives back the raw value.
	code, out, _ = runCLI(t, nil, "verify", "--json", path)
	if code != exitFailed {
		t.Fatalf("--json: exit %d", code)
	}
	for _, raw := range []string{"\x1b", "\x07", "\u202e", "\u200b", "\u009b"} {
		if strings.Contains(out, raw) {
			t.Errorf("--json output carries the raw %q", raw)
		}
	}
	r := decodeReport(t, out)
	found := false
	for _, c := range r.Checks {
		found = found || strings.Contains(*c.Subject, osc52+bidi+c1)
	}
	if !found {
		t.Error("decoded --json output lost the raw event id")
	}
}

// A report with only undecidable checks is not verified, exits 1, and
// names them.
func TestVerifyUnknownOnlyIsNotVerified(t *testing.T) {
	data := verifytest.Edit(verifytest.RealBundle(t), func(m map[string]any) {
		verifytest.At(m, "bundle_signature").(map[string]any)["key_id"] = "nobody"
	})
	path := writeTemp(t, "unknown.json", data)
	code, out, _ := runCLI(t, nil, "verify", path)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{fmt.Sprintf("NOT VERIFIED: %d checks, %d ok, 0 failed, 2 unknown", realChecks+1, realChecks-1), "? unknown", "not ok: key_trust, bundle_signature"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
