package verify_test

import (
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// The merged state is a fact about the bundle's events, not about who
// verifies it: trusting the signer's key or not must not change whether the
// served state matches (an invalid event's reason once named the trust level).
func TestStateRecomputeDoesNotDependOnTrust(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T03:00:00Z",
		Payload: verifytest.SnapshotPayload("forged", 1), BadSignature: true})
	data := b.Build()
	for name, trust := range map[string]*verify.TrustStore{"trusted": b.Signer.Trust(), "bundle-only": nil} {
		r := verify.Verify(mustParse(t, data), verify.Options{Trust: trust})
		c, _ := r.Find(verify.CheckStateRecompute, verify.SubjectBundle)
		if c.Status != verify.OK {
			t.Errorf("%s: state_recompute %s: %s", name, c.Status, c.Detail)
		}
		if len(r.Merge.Invalid) != 1 {
			t.Errorf("%s: %d invalid events, want the forged one", name, len(r.Merge.Invalid))
		}
	}
}
