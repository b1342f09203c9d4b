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

// The differences between the served and the recomputed state are walked
// only when the states differ, once, and shared by whoever asks (the
// explorer's State pane reads the same list the check named).
func TestStateDifferencesOnlyWhenTheStatesDiffer(t *testing.T) {
	b, _ := basic()
	data := b.Build()
	r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	if d, err := r.StateDifferences(); d != nil || err != nil {
		t.Fatalf("agreeing states: differences %+v, %v", d, err)
	}
	tampered := reseal(t, data, b.Signer, func(m map[string]any) {
		m["state"].(map[string]any)["event_count"] = 7
	})
	r = verifyData(t, tampered, verify.Options{Trust: b.Signer.Trust()})
	first, err := r.StateDifferences()
	if err != nil || len(first) != 1 || first[0].Path != "$.event_count" || first[0].Left != "7" || first[0].Right != "3" {
		t.Fatalf("differences %+v, %v", first, err)
	}
	again, _ := r.StateDifferences()
	if &again[0] != &first[0] {
		t.Error("the differences were walked twice")
	}
}
