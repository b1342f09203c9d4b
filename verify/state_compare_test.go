package verify_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// The served state is compared with the recomputed one part by part, by
// received bytes where they are the same and canonically where not. The
// oracle is the plain way: the served state's canonical form (minus
// state_sha256) against the recomputed state's, byte for byte. They must
// agree on every edit, whether it changes the data or only its spelling.
func TestStateComparisonAgreesWithCanonicalForms(t *testing.T) {
	b, _ := basic()
	data := b.Build()
	entry := func(m map[string]any) map[string]any {
		return verifytest.At(m, "state", "current", "graph_snapshots", 0).(map[string]any)
	}
	edits := map[string]func(m map[string]any){
		"none":            func(m map[string]any) {},
		"count respelled": func(m map[string]any) { m["state"].(map[string]any)["event_count"] = json.Number("3.00e0") },
		"count changed":   func(m map[string]any) { m["state"].(map[string]any)["event_count"] = 4 },
		"title changed": func(m map[string]any) {
			verifytest.At(entry(m), "payload", "graph_snapshot", "paper").(map[string]any)["title"] = "other"
		},
		"member added":   func(m map[string]any) { entry(m)["extra"] = true },
		"member dropped": func(m map[string]any) { delete(entry(m), "signer") },
		"list entry dropped": func(m map[string]any) {
			verifytest.At(m, "state", "current").(map[string]any)["graph_snapshots"] = []any{entry(m)}
		},
		"id respelled": func(m map[string]any) {
			m["state"].(map[string]any)["pith_number"] = json.RawMessage(`"pith:` + `\u0032` + `021:X"`)
		},
		"id list reordered": func(m map[string]any) {
			ids := m["state"].(map[string]any)["applied_event_ids"].([]any)
			ids[0], ids[1] = ids[1], ids[0]
		},
		"state_sha256 removed": func(m map[string]any) { delete(m["state"].(map[string]any), "state_sha256") },
	}
	for name, edit := range edits {
		for _, foreign := range []bool{false, true} {
			edited := reseal(t, data, b.Signer, edit)
			if foreign { // the same data, every object's members reversed and indented
				edited = verifytest.Foreign(edited)
			}
			bundle := mustParse(t, edited)
			r := verify.Verify(bundle, verify.Options{Trust: b.Signer.Trust()})
			recomputed, err := r.Merge.StateJSON()
			if err != nil {
				t.Fatal(err)
			}
			served, err := model.CanonicalOf(bundle.State.Value).Bytes("state_sha256")
			if err != nil {
				t.Fatal(err)
			}
			c, _ := r.Find(verify.CheckStateRecompute, verify.SubjectBundle)
			if want := bytes.Equal(served, recomputed); (c.Status == verify.OK) != want {
				t.Errorf("%s (foreign %v): state_recompute %s, canonical forms equal %v: %s", name, foreign, c.Status, want, c.Detail)
			}
		}
	}
}
