package verify_test

import (
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// missing is an event id no bundle here holds.
var missing = "sha256:" + strings.Repeat("0", 64)

// Issue 8, item 5: a second branch of a signer's chain, starting after an
// event the bundle does not hold. Equivocation sees no two events after
// one prev_event; event_links fails on the dangling link and on the
// signer's second chain.
func TestEventLinksCatchesABranchAfterAMissingEvent(t *testing.T) {
	b, ids := basic()
	branch := b.AddSnapshot("2026-01-01T03:00:00Z", missing, title)
	r := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEventLinks: 2})
	if c := find(t, r, verify.CheckEventLinks, "event:"+branch); !strings.Contains(c.Detail, "prev_event "+missing) {
		t.Errorf("dangling link detail %q", c.Detail)
	}
	c := find(t, r, verify.CheckEventLinks, "chain:1")
	for _, want := range []string{"signer test-key-1 has 2 chains", ids[0] + " after null", branch + " after " + missing} {
		if !strings.Contains(c.Detail, want) {
			t.Errorf("chain detail %q lacks %q", c.Detail, want)
		}
	}
	if c := find(t, r, verify.CheckEquivocation, verify.SubjectBundle); strings.Contains(c.Detail, "forked") {
		t.Errorf("equivocation still claims no fork: %q", c.Detail)
	}
}

// A branch after another signer's event is no dangling link, but still a
// second chain; a chain that continues another signer's is one chain.
func TestEventLinksChainsAcrossSigners(t *testing.T) {
	other := verifytest.NewSigner("other-key", "another signer")
	trust := func(b *verifytest.Builder) verify.Options {
		t.Helper()
		ts := b.Signer.Trust()
		if err := ts.AddFile(other.KeyFile(), "other"); err != nil {
			t.Fatal(err)
		}
		return verify.Options{Trust: ts}
	}
	b := verifytest.New().WithRecord()
	b.ExtraKeys = []verifytest.Signer{other}
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	theirs := b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T02:00:00Z", PrevEvent: a, Signer: &other, Payload: b.SnapshotPayload(title, 1)})
	r := verifyData(t, b.Build(), trust(b))
	expectNotOK(t, r, nil) // other-key's chain starts after test-key-1's event: one chain each

	b.AddSnapshot("2026-01-01T03:00:00Z", theirs, title) // test-key-1 again, after other-key's event
	r = verifyData(t, b.Build(), trust(b))
	expectNotOK(t, r, map[string]int{verify.CheckEventLinks: 1})
}

// A supersedes naming no event fails event_links alone: the merge ignores
// it, but a reader could not tell what it meant to replace.
func TestEventLinksCatchesADanglingSupersedes(t *testing.T) {
	b, ids := basic()
	c := b.Add(verifytest.Event{Type: "correction", Target: "graph", CreatedAt: "2026-01-01T03:00:00Z", PrevEvent: ids[1], Supersedes: []string{missing}})
	r := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEventLinks: 1})
	if got := find(t, r, verify.CheckEventLinks, "event:"+c); !strings.Contains(got.Detail, "supersedes "+missing) {
		t.Errorf("detail %q", got.Detail)
	}
}

// The signer of an event is its public key: the same key under a second
// id that signs a second event after the same prev_event is a fork, though
// the key ids differ; the same key continuing its chain under the second
// id is one chain.
func TestOneKeyUnderTwoIdsIsOneSigner(t *testing.T) {
	b := verifytest.New().WithRecord()
	alias := verifytest.Signer{KeyID: "test-key-1-again", Priv: b.Signer.Priv}
	b.ExtraKeys = []verifytest.Signer{alias}
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	second := b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T02:00:00Z", PrevEvent: a, Signer: &alias, Payload: b.SnapshotPayload(title, 1)})
	// The second id names the trusted key: it is trusted as that key, and
	// the chain across both ids is one chain.
	r := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, nil)
	if c := find(t, r, verify.CheckKeyTrust, verify.KeySubject(alias.KeyID)); c.Detail != "user-trusted (the key of test-key-1, test), fingerprint "+b.Signer.Fingerprint() {
		t.Errorf("key_trust of the second id: %s", c.Detail)
	}
	if len(r.Vouchers) != 1 || r.Vouchers[0].Name() != "your key test-key-1 = test-key-1-again" {
		t.Errorf("vouchers %+v: want one key under both ids", r.Vouchers)
	}

	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T02:00:01Z", PrevEvent: a, Payload: b.SnapshotPayload(title, 2)})
	r = verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEquivocation: 1})
	if len(r.Merge.Forks) != 1 || strings.Join(r.Merge.Forks[0].KeyIDs, " ") != "test-key-1-again test-key-1" {
		t.Fatalf("forks %+v, want one across both ids", r.Merge.Forks)
	}
	if c := find(t, r, verify.CheckEquivocation, "fork:1"); !strings.Contains(c.Detail, "test-key-1-again (one key with test-key-1)") || !strings.Contains(c.Detail, second) {
		t.Errorf("equivocation detail %q", c.Detail)
	}
}

// A trust file (or two) naming one key under two ids is refused, naming
// both ids; so is the pinned key under another id.
func TestTrustRefusesOneKeyUnderTwoIds(t *testing.T) {
	s := verifytest.NewSigner("mine", "my key")
	alias := verifytest.Signer{KeyID: "mine-again", Priv: s.Priv}
	list := append(append([]byte("["), s.KeyFile()...), append([]byte(","), append(alias.KeyFile(), ']')...)...)
	if err := verify.NewTrustStore().AddFile(list, "keys.json"); err == nil || !strings.Contains(err.Error(), "mine-again is the same key as mine") {
		t.Errorf("one file, two ids: %v", err)
	}
	ts := verify.NewTrustStore()
	if err := ts.AddFile(s.KeyFile(), "a.json"); err != nil {
		t.Fatal(err)
	}
	if err := ts.AddFile(alias.KeyFile(), "b.json"); err == nil || !strings.Contains(err.Error(), "b.json") || !strings.Contains(err.Error(), "same key as mine, already trusted (a.json)") {
		t.Errorf("two files: %v", err)
	}
	if err := ts.AddFile(s.KeyFile(), "a-again.json"); err != nil {
		t.Errorf("the same key under the same id again: %v", err)
	}
	pinnedAgain := verifytest.Decode(verifytest.RealBundle(t))["public_keys"].([]any)[0].(map[string]any)
	pinnedAgain["key_id"] = "my-name-for-pith"
	if err := ts.AddFile(mustJSON(t, pinnedAgain), "pith.json"); err == nil || !strings.Contains(err.Error(), "my-name-for-pith is the same key as "+verify.PinnedKeyID) {
		t.Errorf("the pinned key under another id: %v", err)
	}
}
