package verify_test

import (
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// expectCoverage asserts what Coverage says of each path.
func expectCoverage(t *testing.T, r *verify.Report, want map[string]string) {
	t.Helper()
	for path, w := range want {
		if got := r.Coverage(path).String(); got != w {
			t.Errorf("Coverage(%s):\n got  %s\n want %s", path, got, w)
		}
	}
}

// On the real bundle, every place names the narrowest passed check that
// proves it, and the bundle signature's own claims are proven by nothing.
func TestCoverageOfTheRealBundle(t *testing.T) {
	r := verifyData(t, verifytest.RealBundle(t), verify.Options{})
	const pith, bundle = "event_signature by pith-v1-2026-05 (pinned)", "bundle_signature by pith-v1-2026-05 (pinned)"
	expectCoverage(t, r, map[string]string{
		"$.events[1].payload.graph_snapshot.paper.title":        "record_match: the record confirms it",
		"$.events[1].payload.graph_snapshot.source.version":     "record_match: the record confirms it",
		"$.events[1].payload.graph_snapshot.paper.authors_text": pith,
		"$.events[1].payload.graph_snapshot.claims.count":       pith,
		"$.events[0].payload.receipt.signed_at":                 pith,
		"$.events[1]":                                           pith,
		"$.events[1].signature.signature_b64":                   pith,
		"$.events[1].signature.signed_at":                       bundle,
		"$.events[1].signature.signature_status":                bundle,
		"$.events[1].content_sha256":                            "event_digest: computed from the event",
		"$.events[1].event_id":                                  "event_id: computed from the event",
		"$.bundle_signature.signed_at":                          "not verified: outside every digest and signature",
		"$.bundle_signature.signature_status":                   "not verified: outside every digest and signature",
		"$.bundle_signature.bundle_sha256":                      "bundle_digest: computed from the bundle",
		"$.bundle_signature.key_id":                             bundle,
		"$.bundle_signature":                                    "not verified: bundle_signature's signed_at and signature_status are outside every digest and signature",
		"$":                                                     "not verified: bundle_signature's signed_at and signature_status are outside every digest and signature",
		"$.canonical_record.metadata.title_canon_sha256":        "canonical_digest: the pith number commits to it",
		"$.pith_number":                                         "pith_number: derived from the record",
		"$.source.id":                                           "record_match: the record confirms it",
		"$.source_aliases[0].alias_value":                       bundle,
		"$.source_aliases[5].alias_value":                       "aliases: derived from the record",
		"$.public_keys[0].fingerprint_sha256_hex":               "key_fingerprint: computed from the key",
		"$.public_keys[0].public_key_hex":                       "key_trust: the key is one you trust",
		"$.public_keys[0].notes":                                bundle,
		"$.state.state_sha256":                                  "state_digest: computed from the state",
		"$.state.current.graph_snapshots[0].payload":            "state_recompute: recomputed from the valid events",
		"$.mirror_hints[0].base_url":                            bundle,
		`$["built_at"]`:                                         bundle,
		`$["events"][1]["payload"].graph_snapshot.paper.title`:  "record_match: the record confirms it",
		"$.timestamp_proofs":                                    bundle, // none, so nothing unchecked
		"events[1]":                                             `not verified: path "events[1]" does not start with $`,
	})
	var paths []string
	for _, p := range r.Unverified() {
		paths = append(paths, p.Path+"="+p.Value)
	}
	if got := strings.Join(paths, " "); got != "$.bundle_signature.signature_status=signed_v1 $.bundle_signature.signed_at=2026-05-31T19:48:22.396575Z" {
		t.Errorf("Unverified = %s", got)
	}
}

// Issue 8, item 4: a timestamp proof is signed into the bundle but what it
// proves is never checked: present is not verified, and it says so.
func TestCoverageOfATimestampProof(t *testing.T) {
	b, _ := basic()
	data := reseal(t, b.Build(), b.Signer, func(m map[string]any) {
		m["timestamp_proofs"] = []any{map[string]any{"kind": "opentimestamps", "proof_b64": "AAAA"}}
	})
	r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, nil)
	c := r.Coverage("$.timestamp_proofs[0]")
	if c.Verified() || c.Check != verify.CheckBundleSignature ||
		c.String() != "not verified: a timestamp proof's content is never checked: present is not verified (its bytes are under bundle_signature by test-key-1 (user-trusted))" {
		t.Errorf("timestamp proof coverage %+v: %s", c, c)
	}
	found := false
	for _, p := range r.Unverified() {
		found = found || p.Path == "$.timestamp_proofs[0]"
	}
	if !found {
		t.Error("Unverified does not list the timestamp proof")
	}
}

// Where a covering signature failed, or verifies only with a key the
// bundle brought, nothing is verified; a snapshot field that contradicts
// the record is not verified though its signature holds.
func TestCoverageWhereTheCoveringSignatureFails(t *testing.T) {
	data, trust := verifytest.TamperedSnapshot()
	r := verifyData(t, data, verify.Options{Trust: trust})
	expectCoverage(t, r, map[string]string{
		"$.events[1].payload.graph_snapshot.paper.title":        "not verified: its signature failed (event_signature)",
		"$.events[1].payload.graph_snapshot.paper.authors_text": "not verified: its signature failed (event_signature)",
		"$.events[0].payload.source_id":                         "record_match: the record confirms it",
		"$.events[0].payload.receipt":                           "event_signature by test-key-1 (user-trusted)",
	})

	b, _ := basic()
	r = verifyData(t, b.Build(), verify.Options{})
	expectCoverage(t, r, map[string]string{
		"$.events[1].payload":        "not verified: signed by test-key-1, which only the bundle vouches for (bundle-only)",
		"$.links":                    "not verified: signed by test-key-1, which only the bundle vouches for (bundle-only)",
		"$.bundle_signature.key_id":  "not verified: signed by test-key-1, which only the bundle vouches for (bundle-only)",
		"$.canonical_record.source":  "canonical_digest: the pith number commits to it",
		"$.events[1].content_sha256": "event_digest: computed from the event",
	})

	attacker := verifytest.NewSigner("test-key-1", "attacker")
	data, trust = verifytest.RealBundleRetitled(t, attacker, "Attention Is All You Need")
	r = verifyData(t, data, verify.Options{Trust: trust})
	expectCoverage(t, r, map[string]string{
		"$.events[2].payload.graph_snapshot.paper.title":        `not verified: contradicts the record (its metadata.title_canon_sha256 is "` + realTitleHash + `")`,
		"$.events[2].payload.graph_snapshot.paper.authors_text": "event_signature by test-key-1 (user-trusted)",
		"$.events[1].payload.graph_snapshot.paper.title":        "record_match: the record confirms it",
	})

	// A copy of the record's source in the record_created payload that
	// contradicts it is not verified, though Pith's key signed it.
	b, _ = basic()
	m := verifytest.Decode(b.Build())
	rec := verifytest.At(m, "events", 0).(map[string]any)
	for _, k := range []string{"signature", "content_sha256", "event_id"} {
		delete(rec, k)
	}
	set(p("payload", "source_version"), 2)(rec)
	verifytest.SignEvent(rec, b.Signer)
	r = verifyData(t, verifytest.Restate(mustJSON(t, m), b.Signer, b.Signer.Trust()), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckRecordMatch: 1})
	expectCoverage(t, r, map[string]string{
		"$.events[0].payload.source_version": `not verified: contradicts the record (its source.version is "1")`,
		// record_match failed for this event, so what agrees is its signer's word
		"$.events[0].payload.source_id": "event_signature by test-key-1 (user-trusted)",
	})

	// The bundle digest fails: what only the bundle signature covered
	// (an event's signed_at among it) is no longer verified.
	r = verifyData(t, verifytest.Edit(verifytest.RealBundle(t), set(p("built_at"), "2030-01-01T00:00:00Z")), verify.Options{})
	expectCoverage(t, r, map[string]string{
		"$.built_at":                      "not verified: the bundle signature over it failed (bundle_digest)",
		"$.events[1].signature.signed_at": "not verified: the bundle signature over it failed (bundle_digest)",
		"$.events[1]":                     "not verified: its signature block's signed_at and signature_status are outside every digest and signature",
		"$.events[1].payload":             "event_signature by pith-v1-2026-05 (pinned)",
	})
}

// Issue 8, item 3: the snapshot a reader may show is the last one the
// merge applied, never an invalid, superseded or forked one.
func TestCurrentSnapshot(t *testing.T) {
	attacker := verifytest.NewSigner("test-key-1", "attacker")
	retitled, retitledTrust := verifytest.RealBundleRetitled(t, attacker, "Attention Is All You Need")
	tampered, tamperedTrust := verifytest.TamperedSnapshot()
	superseded, supersededTrust := verifytest.SupersededSnapshot()
	_, _, forked := forkedBundle(t)
	for _, tc := range []struct {
		name  string
		r     *verify.Report
		event int // -1: none
		ok    bool
	}{
		{"real", verifyData(t, verifytest.RealBundle(t), verify.Options{}), 1, true},
		{"retitled by a later snapshot", verifyData(t, retitled, verify.Options{Trust: retitledTrust}), 2, false},
		{"only snapshot tampered", verifyData(t, tampered, verify.Options{Trust: tamperedTrust}), -1, false},
		{"only snapshot superseded", verifyData(t, superseded, verify.Options{Trust: supersededTrust}), -1, true},
		{"forked after the first", forked, 1, false},
	} {
		i, ok := tc.r.CurrentSnapshot()
		if !ok {
			i = -1
		}
		if i != tc.event || tc.r.OK() != tc.ok {
			t.Errorf("%s: CurrentSnapshot %d (%v), report OK %v; want %d, OK %v\n%s", tc.name, i, ok, tc.r.OK(), tc.event, tc.ok, dump(tc.r))
		}
	}
	if _, ok := (&verify.Report{}).CurrentSnapshot(); ok {
		t.Error("a report with no merge has a current snapshot")
	}
}

// Issue 8, item 6: who vouches for what, and the verdict naming the keys
// behind VERIFIED when one is not pinned.
func TestVouchersAndVerdict(t *testing.T) {
	r := verifyData(t, verifytest.RealBundle(t), verify.Options{})
	if len(r.Vouchers) != 1 || r.Vouchers[0].Name() != "pith-v1-2026-05" || r.Vouchers[0].Signed() != "the record's receipt, 2 events, the bundle" ||
		r.Vouchers[0].Trust != verify.TrustPinned || r.Vouchers[0].FingerprintHex != verify.PinnedKeyFingerprint {
		t.Errorf("vouchers %+v", r.Vouchers)
	}
	if v, ok := r.Verdict(); v != "VERIFIED" || !ok {
		t.Errorf("verdict %q %v", v, ok)
	}

	s := verifytest.NewSigner("test-key-1", "a second signer")
	data, trust := verifytest.RealBundleRetitled(t, s, "Three Factors Influencing Minima in SGD") // the true title
	r = verifyData(t, data, verify.Options{Trust: trust})
	expectNotOK(t, r, nil)
	var got []string
	for _, v := range r.Vouchers {
		got = append(got, v.Name()+": "+v.Signed())
	}
	if strings.Join(got, "; ") != "pith-v1-2026-05: the record's receipt, 2 events; your key test-key-1: 1 event, the bundle" {
		t.Errorf("vouchers %v", got)
	}
	if v, ok := r.Verdict(); v != "VERIFIED · pith-v1-2026-05 + your key test-key-1" || !ok {
		t.Errorf("verdict %q %v", v, ok)
	}

	r = verifyData(t, data, verify.Options{}) // the second key is bundle-only now
	if v, ok := r.Verdict(); v != "NOT VERIFIED" || ok {
		t.Errorf("verdict %q %v", v, ok)
	}
	if r.Vouchers[1].Name() != "bundle-only key test-key-1" {
		t.Errorf("vouchers %+v", r.Vouchers)
	}
}

// The real bundle with a signed 0 respelled is the same data to every
// digest: it verifies with the pinned key, and the number reads 0.
func TestRealBundleRespelled(t *testing.T) {
	data := verifytest.RealBundleRespelled(t)
	if !strings.Contains(string(data), `"claims":{"count":`+verifytest.RespelledZero+`,`) || len(data) != len(verifytest.RealBundle(t))+len(verifytest.RespelledZero)-1 {
		t.Fatal("the count is not respelled, or more than it changed")
	}
	b := mustParse(t, data)
	r := verify.Verify(b, verify.Options{})
	expectNotOK(t, r, nil)
	snap, _ := b.Events[1].GraphSnapshot()
	text, respelled := snap.Claims.Value.Get("count").NumberText()
	if text != "0" || !respelled || snap.Claims.Count != 0 {
		t.Errorf("count reads %q (respelled %v), %d", text, respelled, snap.Claims.Count)
	}
	if c := r.Coverage("$.events[1].payload.graph_snapshot.claims.count"); !c.Verified() {
		t.Errorf("the respelled count is not covered: %s", c)
	}
}

// A snapshot on a broken chain is not the current graph: after a
// prev_event the bundle does not hold, or on a signer's second chain for
// the graph, it is no more current than the branch it left.
func TestNoCurrentSnapshotOnABrokenChain(t *testing.T) {
	dangling := verifytest.New().WithRecord()
	dangling.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	dangling.AddSnapshot("2026-01-01T02:00:00Z", "sha256:"+strings.Repeat("0", 64), title)
	followed := verifytest.New().WithRecord()
	a := followed.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	followed.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	for _, tc := range []struct {
		name    string
		b       *verifytest.Builder
		current bool
	}{
		{"after a dangling prev_event", dangling, false},
		{"one chain", followed, true},
	} {
		r := verifyData(t, tc.b.Build(), verify.Options{Trust: tc.b.Signer.Trust()})
		i, ok := r.CurrentSnapshot()
		if ok != tc.current {
			t.Errorf("%s: CurrentSnapshot %d (%v), want current %v\n%s", tc.name, i, ok, tc.current, dump(r))
		}
	}
}
