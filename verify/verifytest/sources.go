package verifytest

import (
	"testing"

	"github.com/pithscope/pithscope/model"
)

// SourceCopies are copies of one record (arXiv 2101.00042) as different
// sources might serve them, each signed by Signer and verifying on its
// own, none naming a mirror:
//
//   - Current: the record, a first graph snapshot, a second one after it;
//   - Behind: the record and the first snapshot (an older version: a
//     strict subset of Current);
//   - Split: the record, the first snapshot, and another second snapshot
//     after the first: alone it is clean, but with Current's second
//     snapshot it forks the signer's chain;
//   - Diverged: the record, the first snapshot, and a storage attestation
//     Current lacks (which lacks Current's second snapshot): a split view
//     without a fork.
type SourceCopies struct {
	Current, Behind, Split, Diverged []byte
	Signer                           Signer
	PithNumber                       string
}

// SourcesTitle is the paper's title in SourceCopies.
const SourcesTitle = "One Record Served Three Ways"

// NewSourceCopies builds the copies (deterministically: the same bytes on
// every run).
func NewSourceCopies() SourceCopies {
	base := func() (*Builder, string) {
		b := New().WithRecord()
		b.SourceID, b.Title = "2101.00042", SourcesTitle
		first := b.AddSnapshot("2026-01-02T00:00:00Z", "", SourcesTitle)
		return b, first
	}
	noMirrors := func(b *Builder) []byte {
		return Sign(Edit(b.Build(), func(m map[string]any) { m["mirror_hints"] = []any{} }), b.Signer)
	}
	behind, _ := base()
	current, first := base()
	current.AddSnapshot("2026-01-03T00:00:00Z", first, SourcesTitle)
	split, first := base()
	payload := split.SnapshotPayload(SourcesTitle, 4)
	At(payload, "graph_snapshot", "paper").(map[string]any)["headline"] = "the same place in the chain, told differently"
	split.Add(Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-03T12:00:00Z", PrevEvent: first, Payload: payload})
	diverged, _ := base()
	diverged.Add(Event{Type: "storage_attestation", Target: "storage", CreatedAt: "2026-01-04T00:00:00Z",
		Payload: map[string]any{"stored_at": "https://storage.example.test/2101.00042"}})
	return SourceCopies{
		Current: noMirrors(current), Behind: noMirrors(behind), Split: noMirrors(split), Diverged: noMirrors(diverged),
		Signer: current.Signer, PithNumber: current.PithNumber(),
	}
}

// ParseEvidence reads data as an evidence file, failing the test when it
// is not one.
func ParseEvidence(tb testing.TB, data []byte) *model.Evidence {
	tb.Helper()
	_, ev, err := model.ParseDocument(data)
	if err != nil || ev == nil {
		tb.Fatalf("not evidence: %v", err)
	}
	return ev
}
