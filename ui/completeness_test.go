package ui

import (
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// The overview's completeness rows count the events the merge applied, not
// what the served state lists: a state edited to claim an archive copy
// shows none, and a validly signed author attestation shows as present.
func TestCompletenessCountsVerifiedEvents(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.Add(verifytest.Event{Type: "author_attestation", Target: "authors", CreatedAt: "2026-01-01T05:00:00Z",
		Payload: map[string]any{"orcid": "0000-0002-1825-0097"}})
	data := verifytest.Edit(b.Build(), func(m map[string]any) {
		current := verifytest.At(m, "state", "current").(map[string]any)
		current["storage_attestations"] = []any{map[string]any{"event_id": "sha256:forged"}}
	})
	m := openModel(t, testConfig(t, data, "claims.json", b.Signer.Trust()), 100, 50)
	view := m.View()
	for _, want := range []string{
		"Author claim   ● present author attestation: 1 (applied, valid events)",
		"Archive copy   ○ absent  no Internet Archive copy yet",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("overview lacks %q:\n%s", want, view)
		}
	}
}
