package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// Issue 8 at the level a user sees it: `pithscope verify`, text and --json.

// fullReport is the --json report with the fields issue 8 added, read loosely.
type fullReport struct {
	OK      bool   `json:"ok"`
	Verdict string `json:"verdict"`
	Checks  []struct {
		Name, Subject, Status, Detail, Expected, Found string
	} `json:"checks"`
}

func decodeFull(t *testing.T, out string) fullReport {
	t.Helper()
	var r fullReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	return r
}

// Item 1: the real bundle with a signed 0 respelled 12.000…0e-99999 is the
// same data to every digest: it verifies with the pinned key, and nothing
// shows the received spelling. A number the report compares is shown in
// its canonical form: a snapshot's source.version 4.000e0 is "4".
func TestVerifyShowsNumbersCanonical(t *testing.T) {
	path := writeTemp(t, "respelled.json", verifytest.RealBundleRespelled(t))
	for _, args := range [][]string{{"verify", path}, {"verify", "--json", path}} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != exitOK || strings.Contains(out, "12.000") || strings.Contains(out, "e-99999") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}

	b := verifytest.New().WithRecord()
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T01:00:00Z", Payload: func() map[string]any {
		p := b.SnapshotPayload("Numbers Spelled Otherwise", 1)
		verifytest.At(p, "graph_snapshot", "source").(map[string]any)["version"] = json.Number("4.000e0")
		return p
	}()})
	path = writeTemp(t, "version.json", b.Build())
	key := writeTemp(t, "key.json", b.Signer.KeyFile())
	code, out, _ := runCLI(t, nil, "verify", "--json", "--trust-key", key, path)
	if code != exitFailed {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if strings.Contains(out, "4.000e0") {
		t.Errorf("the received spelling reaches the report: %s", out)
	}
	found := false
	for _, c := range decodeFull(t, out).Checks {
		if c.Name == verify.CheckRecordMatch && c.Status == "fail" {
			found = c.Expected == "1" && c.Found == "4" && strings.Contains(c.Detail, `source.version: the record's source.version is "1", the snapshot says "4"`)
			if !found {
				t.Errorf("record_match %+v", c)
			}
		}
	}
	if !found {
		t.Errorf("no failing record_match:\n%s", out)
	}
}

// Item 2: a snapshot signed by a key the user trusts retitles the paper;
// every digest and signature holds, and the report is NOT VERIFIED,
// naming the field, the record's value and the snapshot's.
func TestVerifyRefusesARetitledPaper(t *testing.T) {
	attacker := verifytest.NewSigner("test-key-1", "attacker")
	data, _ := verifytest.RealBundleRetitled(t, attacker, "Attention Is All You Need")
	path := writeTemp(t, "retitled.json", data)
	key := writeTemp(t, "key.json", attacker.KeyFile())

	code, out, _ := runCLI(t, nil, "verify", "--trust-key", key, path)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"✗ FAIL     record_match", `title "Attention Is All You Need"`, "not ok: record_match\n", "NOT VERIFIED"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, nil, "verify", "--json", "--trust-key", key, path)
	r := decodeFull(t, out)
	if code != exitFailed || r.OK {
		t.Fatalf("--json: exit %d, ok %v", code, r.OK)
	}
	for _, c := range r.Checks {
		if c.Status != "ok" && (c.Name != verify.CheckRecordMatch || c.Expected != "8374a5494e65f1b9671443e920c94106ccb3751de54b7b0fb22be87c2beb9e16" || c.Found != model.TitleCanonSHA256("Attention Is All You Need")) {
			t.Errorf("%s %s: %s %s (expected %q, found %q)", c.Name, c.Subject, c.Status, c.Detail, c.Expected, c.Found)
		}
	}
}

// Item 5: a second branch after an event the bundle does not hold fails
// event_links (it read "no signer forked its chain" before), and a trust
// file naming one key under two ids is refused, naming both.
func TestVerifyRefusesBrokenLinksAndOneKeyUnderTwoIds(t *testing.T) {
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", "A Chain With Two Heads")
	b.AddSnapshot("2026-01-01T02:00:00Z", a, "A Chain With Two Heads")
	b.AddSnapshot("2026-01-01T03:00:00Z", "sha256:"+strings.Repeat("0", 64), "A Chain With Two Heads")
	path := writeTemp(t, "branch.json", b.Build())
	key := writeTemp(t, "key.json", b.Signer.KeyFile())
	code, out, _ := runCLI(t, nil, "verify", "--trust-key", key, path)
	if code != exitFailed || !strings.Contains(out, "✗ FAIL     event_links") || !strings.Contains(out, "not ok: event_links\n") || !strings.Contains(out, "has 2 chains") {
		t.Errorf("exit %d\n%s", code, out)
	}

	again := verifytest.Signer{KeyID: "test-key-1-again", Priv: b.Signer.Priv}
	key2 := writeTemp(t, "key2.json", again.KeyFile())
	code, out, errOut := runCLI(t, nil, "verify", "--trust-key", key, "--trust-key", key2, path)
	if code != exitBadInput || out != "" || !strings.Contains(errOut, "test-key-1-again is the same key as test-key-1") {
		t.Errorf("one key under two ids: exit %d, %q %q", code, out, errOut)
	}
}

// Item 3: the report names the graph snapshot a reader may show, and says
// when none applies (its only snapshot tampered, or superseded), never
// naming an invalid or superseded one.
func TestVerifyNamesTheCurrentSnapshot(t *testing.T) {
	code, out, _ := runCLI(t, nil, "verify")
	if code != exitOK || !strings.Contains(out, "\ncurrent graph snapshot: sha256:67eb3f4c0fa3f7ba298c13b7516c477f486b5d5152ce6939d702d7503bfa57cf\n") {
		t.Errorf("real bundle: exit %d\n%s", code, out)
	}
	_, out, _ = runCLI(t, nil, "verify", "--json")
	if !strings.Contains(out, `"current_snapshot":"sha256:67eb3f4c0fa3f7ba298c13b7516c477f486b5d5152ce6939d702d7503bfa57cf"`) {
		t.Errorf("--json lacks the current snapshot: %s", out)
	}
	tampered, _ := verifytest.TamperedSnapshot()
	superseded, _ := verifytest.SupersededSnapshot()
	key := writeTemp(t, "key.json", verifytest.New().Signer.KeyFile())
	for name, want := range map[string]struct {
		data []byte
		exit int
	}{"tampered": {tampered, exitFailed}, "superseded": {superseded, exitOK}} {
		path := writeTemp(t, name+".json", want.data)
		code, out, _ := runCLI(t, nil, "verify", "--trust-key", key, path)
		if code != want.exit || !strings.Contains(out, "\ncurrent graph snapshot: none (") {
			t.Errorf("%s: exit %d\n%s", name, code, out)
		}
		_, out, _ = runCLI(t, nil, "verify", "--json", "--trust-key", key, path)
		if strings.Contains(out, `"current_snapshot"`) {
			t.Errorf("%s: --json names a current snapshot: %s", name, out)
		}
	}
}

// Item 4: values no check proves are labelled "not verified" with why: the
// bundle signature's signed_at and signature_status, and a timestamp
// proof, whose bytes are signed but whose content nothing checks.
func TestVerifyLabelsWhatNothingProves(t *testing.T) {
	_, out, _ := runCLI(t, nil, "verify")
	for _, want := range []string{
		"\nnot verified (no check that passed proves these)\n",
		"  $.bundle_signature.signature_status  signed_v1  not verified: outside every digest and signature\n",
		"  $.bundle_signature.signed_at  2026-05-31T19:48:22.396575Z  not verified: outside every digest and signature\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}

	b := verifytest.New().WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", "Anchored in Time")
	data := verifytest.Restate(verifytest.Edit(b.Build(), func(m map[string]any) {
		m["timestamp_proofs"] = []any{map[string]any{"kind": "opentimestamps", "proof_b64": "AAAA"}}
	}), b.Signer, b.Signer.Trust())
	path := writeTemp(t, "anchored.json", data)
	key := writeTemp(t, "key.json", b.Signer.KeyFile())
	code, out, _ := runCLI(t, nil, "verify", "--trust-key", key, path)
	if code != exitOK || !strings.Contains(out, "  $.timestamp_proofs[0]  (an object of 2 members)  not verified: a timestamp proof's content is never checked") {
		t.Errorf("exit %d\n%s", code, out)
	}
	_, out, _ = runCLI(t, nil, "verify", "--json", "--trust-key", key, path)
	var r struct {
		NotVerified []struct{ Path, Value, Why string } `json:"not_verified"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range r.NotVerified {
		paths = append(paths, p.Path)
	}
	if strings.Join(paths, " ") != "$.bundle_signature.signature_status $.bundle_signature.signed_at $.timestamp_proofs[0]" {
		t.Errorf("not_verified %+v", r.NotVerified)
	}
}

// Item 6: the verdict names the keys behind VERIFIED when one is not
// pinned, in the text report and --json alike, and the report lists what
// each key signed.
func TestVerifyNamesTheKeysBehindVerified(t *testing.T) {
	second := verifytest.NewSigner("test-key-1", "a second signer")
	data, _ := verifytest.RealBundleRetitled(t, second, "Three Factors Influencing Minima in SGD")
	path := writeTemp(t, "cosigned.json", data)
	key := writeTemp(t, "key.json", second.KeyFile())
	code, out, _ := runCLI(t, nil, "verify", "--trust-key", key, path)
	for _, want := range []string{
		"\nVERIFIED · pith-v1-2026-05 + your key test-key-1: ",
		"\n  pith-v1-2026-05 (pinned, fingerprint 8d4b5ee74e4693bcd1df2446408b0d54): the record's receipt, 2 events\n",
		"\n  your key test-key-1 (user-trusted, fingerprint " + second.Fingerprint() + "): 1 event, the bundle\n",
	} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("exit %d; text output lacks %q:\n%s", code, want, out)
		}
	}
	_, out, _ = runCLI(t, nil, "verify", "--json", "--trust-key", key, path)
	r := decodeFull(t, out)
	if !r.OK || r.Verdict != "VERIFIED · pith-v1-2026-05 + your key test-key-1" ||
		!strings.Contains(out, `"signers":[{"name":"pith-v1-2026-05","key_ids":["pith-v1-2026-05"],"trust":"pinned","fingerprint_sha256_hex":"8d4b5ee74e4693bcd1df2446408b0d54","receipts":1,"events":2,"bundle":false},{"name":"your key test-key-1"`) {
		t.Errorf("--json: %s", out)
	}
	// All pinned: the verdict stays a plain VERIFIED.
	_, out, _ = runCLI(t, nil, "verify", "--json")
	if r := decodeFull(t, out); r.Verdict != "VERIFIED" {
		t.Errorf("real bundle verdict %q", r.Verdict)
	}
}

// Item 7: `pithscope verify EVIDENCE` gives its own verdict and exit code:
// 0 when the file proves the fork, 1 when it does not, 2 when unreadable.
func TestVerifyEvidenceVerdict(t *testing.T) {
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", "One Signer, Two Stories")
	b.AddSnapshot("2026-01-01T02:00:00Z", a, "One Signer, Two Stories")
	b.AddSnapshot("2026-01-01T02:00:01Z", a, "One Signer, Two Stories")
	bundle, err := model.Parse(b.Build())
	if err != nil {
		t.Fatal(err)
	}
	report := verify.Verify(bundle, verify.Options{Trust: b.Signer.Trust()})
	path, err := verify.WriteEvidenceFile(t.TempDir(), bundle, report, 1)
	if err != nil {
		t.Fatal(err)
	}
	key := writeTemp(t, "key.json", b.Signer.KeyFile())
	proven := "FORK PROVEN: your key test-key-1 signed 2 events for graph after " + a

	code, out, _ := runCLI(t, nil, "verify", "--trust-key", key, path)
	if code != exitOK || !strings.Contains(out, "\n"+proven+"\n") {
		t.Errorf("proven: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "verify", "--json", "--trust-key", key, path)
	r := decodeFull(t, out)
	if code != exitOK || !r.OK || r.Verdict != proven || !strings.Contains(out, `"evidence":{"proven":true,"key_ids":["test-key-1"],"trust":"user-trusted","events":2`) {
		t.Errorf("proven, --json: exit %d\n%s", code, out)
	}

	code, out, _ = runCLI(t, nil, "verify", path) // the key only the file vouches for
	if code != exitFailed || !strings.Contains(out, "\nFORK NOT PROVEN: key_trust key:test-key-1: key not pinned") {
		t.Errorf("untrusted key: exit %d\n%s", code, out)
	}
	data, _ := os.ReadFile(path)
	tampered := writeTemp(t, "tampered.json", []byte(strings.Replace(string(data), `"created_at":"2026-01-01T02:00:00Z"`, `"created_at":"2026-01-01T02:00:09Z"`, 1)))
	code, out, _ = runCLI(t, nil, "verify", "--trust-key", key, tampered)
	if code != exitFailed || !strings.Contains(out, "\nFORK NOT PROVEN: the events do not show a fork: not every event's digest, id and signature check out\n") {
		t.Errorf("tampered: exit %d\n%s", code, out)
	}
	cut := writeTemp(t, "cut.json", data[:len(data)/2])
	if code, out, errOut := runCLI(t, nil, "verify", "--trust-key", key, cut); code != exitBadInput || out != "" || errOut == "" {
		t.Errorf("unreadable: exit %d %q %q", code, out, errOut)
	}
}

// Item 8: one escaping rule for every output. A control character from the
// bundle reads \x1b or \u202e, once (never \\x1b from quoting twice); the
// same text typed as characters reads \\u202e; a LaTeX-ish name keeps its
// single backslashes. --json carries the raw strings, escaped as JSON.
func TestOutputTellsTypedEscapesFromControls(t *testing.T) {
	data := verifytest.Edit(verifytest.RealBundle(t), func(m map[string]any) {
		aliases := m["source_aliases"].([]any)
		aliases[3].(map[string]any)["alias_value"] = "M5BN\x1b[2J"       // pith_short_12: a control, quoted in the detail
		aliases[4].(map[string]any)["alias_value"] = `M5BN\x1b[2J`       // pith_short_16: the same, typed
		aliases[5].(map[string]any)["alias_kind"] = "pith_short_8\u202e" // a subject, not quoted
		verifytest.At(m, "events", 1).(map[string]any)["event_id"] = `sha256:\u202e{\l}`
	})
	path := writeTemp(t, "typed.json", data)
	code, out, _ := runCLI(t, nil, "verify", path)
	if code != exitFailed {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		`found "M5BN\x1b[2J"`,      // ESC, escaped once
		`found "M5BN\\x1b[2J"`,     // the typed text
		`alias:pith_short_8\u202e`, // U+202E
		`event:sha256:\\u202e{\l}`, // typed, and {\l} as it is
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %s:\n%s", want, out)
		}
	}
	// (The state_recompute line previews JSON text, whose own escapes
	// are characters like any other.)
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "state_recompute") && (strings.Contains(line, `\\\\x1b`) || strings.Contains(line, `\\\\u202e`)) {
			t.Errorf("a line escapes twice: %s", line)
		}
	}
	_, out, _ = runCLI(t, nil, "verify", "--json", path)
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Error("--json carries a raw control")
	}
	found := map[string]bool{}
	for _, c := range decodeFull(t, out).Checks {
		found[c.Found] = true
		found[c.Subject] = true
	}
	for _, raw := range []string{"M5BN\x1b[2J", `M5BN\x1b[2J`, "alias:pith_short_8\u202e", `event:sha256:\u202e{\l}`} {
		if !found[raw] {
			t.Errorf("decoded --json lacks %q", raw)
		}
	}
}

// The README's list of checks is the registry's: every check, no other,
// in registry order.
func TestReadmeListsEveryCheck(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(readme)), " ")
	start := strings.Index(text, "Each check has a stable name (")
	end := strings.Index(text[max(start, 0):], ";")
	if start < 0 || end < 0 {
		t.Fatal(`README has no "Each check has a stable name (…;" list`)
	}
	var listed []string
	for i, part := range strings.Split(text[start:start+end], "`") {
		if i%2 == 1 { // inside backquotes
			listed = append(listed, part)
		}
	}
	if strings.Join(listed, " ") != strings.Join(verify.CheckOrder, " ") {
		t.Errorf("README lists\n  %v\nthe registry has\n  %v", listed, verify.CheckOrder)
	}
}
