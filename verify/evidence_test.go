package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// forkedBundle builds a bundle whose signer forked its graph chain.
func forkedBundle(t *testing.T) (*verifytest.Builder, *model.Bundle, *verify.Report) {
	t.Helper()
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	b.AddSnapshot("2026-01-01T02:00:01Z", a, title)
	bundle, err := model.Parse(b.Build())
	if err != nil {
		t.Fatal(err)
	}
	return b, bundle, verify.Verify(bundle, verify.Options{Trust: b.Signer.Trust()})
}

func TestEvidenceOfAForkVerifiesOnItsOwn(t *testing.T) {
	b, bundle, report := forkedBundle(t)
	if len(report.Merge.Forks) != 1 {
		t.Fatalf("want one fork, got %d", len(report.Merge.Forks))
	}
	data, err := verify.EquivocationEvidence(bundle, report.Merge.Forks[0])
	if err != nil {
		t.Fatal(err)
	}
	_, ev, err := model.ParseDocument(data)
	if err != nil || ev == nil {
		t.Fatalf("evidence does not parse as evidence: %v", err)
	}
	r := verify.VerifyEvidence(ev, verify.Options{Trust: b.Signer.Trust()})
	proof, ok := r.Find(verify.CheckEquivocation, "evidence")
	if !ok || proof.Status != verify.Fail || !strings.Contains(proof.Detail, "fork proven") {
		t.Fatalf("equivocation check = %+v, want a proven fork", proof)
	}
	for _, c := range r.Checks {
		if c.Name != verify.CheckEquivocation && c.Status != verify.OK {
			t.Errorf("%s %s: %s %s", c.Name, c.Subject, c.Status, c.Detail)
		}
	}

	// Without trusting the test key, the key came only with the evidence.
	untrusted := verify.VerifyEvidence(ev, verify.Options{})
	kt, _ := untrusted.Find(verify.CheckKeyTrust, verify.KeySubject(b.Signer.KeyID))
	if kt.Status != verify.Fail || !strings.Contains(kt.Detail, "key not pinned") {
		t.Errorf("key_trust without --trust-key = %+v", kt)
	}
}

func TestEvidenceWithATamperedEventProvesNothing(t *testing.T) {
	b, bundle, report := forkedBundle(t)
	data, _ := verify.EquivocationEvidence(bundle, report.Merge.Forks[0])
	tampered := strings.Replace(string(data), `"created_at":"2026-01-01T02:00:00Z"`, `"created_at":"2026-01-01T02:00:09Z"`, 1)
	if tampered == string(data) {
		t.Fatal("tamper did not apply")
	}
	_, ev, err := model.ParseDocument([]byte(tampered))
	if err != nil {
		t.Fatal(err)
	}
	r := verify.VerifyEvidence(ev, verify.Options{Trust: b.Signer.Trust()})
	proof, _ := r.Find(verify.CheckEquivocation, "evidence")
	if proof.Status != verify.Unknown || !strings.Contains(proof.Detail, "does not prove") {
		t.Fatalf("equivocation check = %+v, want not proven", proof)
	}
	failed := 0
	for _, c := range r.Checks {
		if c.Name == verify.CheckEventDigest && c.Status == verify.Fail {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("want exactly one event_digest failure, got %d", failed)
	}
}

// Issue 8, item 7: the evidence file's name comes only from the verified
// pith number, it is created in the chosen folder, and nothing is ever
// overwritten or followed: a name taken (by a file or a link) gets -2, -3.
func TestWriteEvidenceFile(t *testing.T) {
	b, bundle, report := forkedBundle(t)
	dir := t.TempDir()
	body := model.BodyOf(b.PithNumber())
	base := filepath.Join(dir, "pith-evidence-"+body+"-fork1")
	path, err := verify.WriteEvidenceFile(dir, bundle, report, 1)
	if err != nil || path != base+".json" {
		t.Fatalf("first file %q, %v", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, ev, err := model.ParseDocument(data)
	if err != nil || ev == nil {
		t.Fatalf("not evidence: %v", err)
	}
	if r := verify.VerifyEvidence(ev, verify.Options{Trust: b.Signer.Trust()}); !r.Evidence.Proven {
		t.Errorf("the written file proves nothing: %+v", r.Evidence)
	}

	if path, err := verify.WriteEvidenceFile(dir, bundle, report, 1); err != nil || path != base+"-2.json" {
		t.Errorf("second file %q, %v", path, err)
	}
	outside := filepath.Join(t.TempDir(), "target")
	if err := os.Symlink(outside, base+"-3.json"); err != nil {
		t.Fatal(err)
	}
	if path, err := verify.WriteEvidenceFile(dir, bundle, report, 1); err != nil || path != base+"-4.json" {
		t.Errorf("after a link: %q, %v", path, err)
	}
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Error("the link was followed")
	}
	first, _ := os.ReadFile(base + ".json")
	if string(first) != string(data) {
		t.Error("the first file changed")
	}

	for _, n := range []int{0, 2} {
		if _, err := verify.WriteEvidenceFile(dir, bundle, report, n); err == nil {
			t.Errorf("fork %d of 1 written", n)
		}
	}
	// A bundle whose claimed pith number is not the one its record hashes
	// to names nothing.
	wrong := reseal(t, b.Build(), b.Signer, set(p("pith_number"), "pith:2021:../../../../tmp/evil"))
	wb := mustParse(t, wrong)
	if _, err := verify.WriteEvidenceFile(dir, wb, verify.Verify(wb, verify.Options{Trust: b.Signer.Trust()}), 1); err == nil || !strings.Contains(err.Error(), "no verified pith number") {
		t.Errorf("unverified number: %v", err)
	}
}

// A fork is proven only when every signature verifies with a key the user
// trusts: a key the file brings proves nothing about who signed.
func TestEvidenceProofNeedsATrustedKey(t *testing.T) {
	b, bundle, report := forkedBundle(t)
	data, _ := verify.EquivocationEvidence(bundle, report.Merge.Forks[0])
	_, ev, _ := model.ParseDocument(data)
	r := verify.VerifyEvidence(ev, verify.Options{Trust: b.Signer.Trust()})
	if v, ok := r.Verdict(); !ok || v != fmt.Sprintf("FORK PROVEN: your key test-key-1 signed 2 events for graph after %s", report.Merge.Forks[0].PrevEvent) {
		t.Errorf("verdict %q %v", v, ok)
	}
	r = verify.VerifyEvidence(ev, verify.Options{})
	if v, ok := r.Verdict(); ok || !strings.HasPrefix(v, "FORK NOT PROVEN: key_trust key:test-key-1: key not pinned") {
		t.Errorf("verdict %q %v", v, ok)
	}
}

// A fork across two ids of one key is one signer's fork, and its evidence
// carries the key under both ids.
func TestEvidenceOfAForkAcrossTwoIds(t *testing.T) {
	b := verifytest.New().WithRecord()
	alias := verifytest.Signer{KeyID: "test-key-1-again", Priv: b.Signer.Priv}
	b.ExtraKeys = []verifytest.Signer{alias}
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T02:00:01Z", PrevEvent: a, Signer: &alias, Payload: b.SnapshotPayload(title, 1)})
	bundle := mustParse(t, b.Build())
	report := verify.Verify(bundle, verify.Options{Trust: b.Signer.Trust()})
	data, err := verify.EquivocationEvidence(bundle, report.Merge.Forks[0])
	if err != nil {
		t.Fatal(err)
	}
	_, ev, _ := model.ParseDocument(data)
	if len(ev.Keys) != 2 {
		t.Fatalf("evidence carries %d keys, want the key under both ids", len(ev.Keys))
	}
	r := verify.VerifyEvidence(ev, verify.Options{Trust: b.Signer.Trust()})
	if v, ok := r.Verdict(); !ok || !strings.HasPrefix(v, "FORK PROVEN: your key test-key-1 = test-key-1-again signed 2 events") {
		t.Errorf("verdict %q %v\n%s", v, ok, allChecks(r))
	}
}

// Files written before public_keys held the signer's one key as
// public_key; they still prove their fork.
func TestEvidenceWithOnePublicKey(t *testing.T) {
	b, bundle, report := forkedBundle(t)
	data, _ := verify.EquivocationEvidence(bundle, report.Merge.Forks[0])
	old := strings.Replace(string(data), `"public_keys":[`, `"public_key":`, 1)
	old = strings.TrimSuffix(old, "]}\n") + "}\n"
	_, ev, err := model.ParseDocument([]byte(old))
	if err != nil || len(ev.Keys) != 1 {
		t.Fatalf("old evidence: %v, %d keys", err, len(ev.Keys))
	}
	if r := verify.VerifyEvidence(ev, verify.Options{Trust: b.Signer.Trust()}); !r.Evidence.Proven {
		t.Errorf("old evidence proves nothing: %+v", r.Evidence)
	}
}
