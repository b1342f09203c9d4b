package verify_test

import (
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
