package main

import (
	"encoding/json"
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
