package verifytest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify"
)

// Bundles for the ways a verifier can show more than it proves (issue 8),
// for any package's tests: derived from the real bundle where the attack
// keeps Pith's signatures, generated where it needs a signer of its own.

// RespelledZero is a spelling of 0 that no one would read as 0: a double
// too small to hold anything but 0, which RFC 8785 (and so every digest)
// writes as 0.
var RespelledZero = "12." + strings.Repeat("0", 40) + "e-99999"

// respelledCount is the signed member RealBundleRespelled respells: the
// claims count of the real graph snapshot, the first one in the file
// (events come before the state, which holds a copy).
const respelledCount = `"claims":{"count":0,`

// RealBundleRespelled is the real bundle with the graph snapshot's signed
// claims count (0) respelled as RespelledZero, byte for byte otherwise. JCS
// still writes 0, so every digest and signature holds and it verifies with
// the pinned key alone; anything that shows the received spelling shows
// "claims 12.000…" for a count of 0.
func RealBundleRespelled(tb testing.TB) []byte {
	tb.Helper()
	real := RealBundle(tb)
	events := bytes.Index(real, []byte(`"events":[`))
	at := bytes.Index(real[events:], []byte(respelledCount))
	if events < 0 || at < 0 {
		tb.Fatal("the real bundle has no graph snapshot claims count to respell")
	}
	at += events
	out := append([]byte{}, real[:at]...)
	out = append(out, strings.Replace(respelledCount, "0", RespelledZero, 1)...)
	return append(out, real[at+len(respelledCount):]...)
}

// RealBundleRetitled is the attack of issue 8, item 2: the real bundle,
// Pith's record and receipt and snapshot untouched, plus a later graph
// snapshot titled title by the key s (which the returned store trusts, as
// a user would with --trust-key), the state recomputed and the bundle
// signed by s. Every digest and signature holds; only the record can say
// that the title is not the paper's.
func RealBundleRetitled(tb testing.TB, s Signer, title string) ([]byte, *verify.TrustStore) {
	tb.Helper()
	m := Decode(RealBundle(tb))
	events := m["events"].([]any)
	snapshot := Decode(marshal(events[1])) // a deep copy
	for _, k := range []string{"signature", "content_sha256", "event_id"} {
		delete(snapshot, k)
	}
	At(snapshot, "payload", "graph_snapshot", "paper").(map[string]any)["title"] = title
	snapshot["signer"] = map[string]any{"signer_id": "test", "signer_type": "test_signer", "key_id": s.KeyID, "public_key_fingerprint": s.Fingerprint()}
	snapshot["created_at"] = "2026-06-01T00:00:00Z"
	SignEvent(snapshot, s)
	m["events"] = append(events, snapshot)
	m["public_keys"] = append(m["public_keys"].([]any), s.KeyEntry())
	trust := s.Trust()
	return Restate(marshal(m), s, trust), trust
}

// TamperedSnapshot is a generated bundle whose only graph snapshot had its
// title changed after it was signed (so its digest, id and signature fail
// and it contradicts the record), served with a recomputed state and a
// valid bundle signature: nothing in it may be read as the paper.
func TamperedSnapshot() ([]byte, *verify.TrustStore) {
	b := New().WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", "Signed Bundles and Their Readers")
	data := Edit(b.Build(), func(m map[string]any) {
		At(m, "events", 1, "payload", "graph_snapshot", "paper").(map[string]any)["title"] = "A Tampered Title"
	})
	trust := b.Signer.Trust()
	return Restate(data, b.Signer, trust), trust
}

// SupersededSnapshot is a generated bundle that verifies, whose only graph
// snapshot a later correction by the same signer supersedes: no snapshot
// is applied, so none may be read as the paper's current graph.
func SupersededSnapshot() ([]byte, *verify.TrustStore) {
	b := New().WithRecord()
	snap := b.AddSnapshot("2026-01-01T01:00:00Z", "", "Signed Bundles and Their Readers")
	b.Add(Event{Type: "correction", Target: "graph", CreatedAt: "2026-01-01T02:00:00Z", PrevEvent: snap, Supersedes: []string{snap},
		Payload: map[string]any{"reason": "withdrawn"}})
	return b.Build(), b.Signer.Trust()
}
