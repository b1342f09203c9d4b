package verify_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// The real bundle's values, reproduced by hand from FORMAT.md.
const (
	realNumber      = "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T"
	realShort       = "pith:M5BNRHPU"
	realCanonical   = "6742d89df4b181f61de51a850536adf4fdf7a8a9c65a8fd6111076b17f2d4ebe"
	realState       = "c504f5b774ac76d0bdabf608a3df03d6efd53674c19d512c5890df4c0407807e"
	realBundleSHA   = "62ec571faca77c6ee00b9769549cdd2b4a578231f802c62140da7e3cc5aec66b"
	realFPHex       = "8d4b5ee74e4693bcd1df2446408b0d54"
	realFPB32       = "RVFV5Z2OI2J3ZUO7ERDEBCYNKS"
	realEvent0      = "sha256:0cf2ca14dfbb6a8a567c89dbea99562ef2120338e18661863f3f37fa8abb78fe"
	realEvent1      = "sha256:67eb3f4c0fa3f7ba298c13b7516c477f486b5d5152ce6939d702d7503bfa57cf"
	realKeySubject  = "key:" + verify.PinnedKeyID
	realEvent0Subj  = "event:" + realEvent0
	realEvent1Subj  = "event:" + realEvent1
	realChecksTotal = 26
)

func TestRealBundlePassesEveryCheck(t *testing.T) {
	r := verifyData(t, verifytest.RealBundle(t), verify.Options{})
	expectNotOK(t, r, nil)
	if !r.OK() {
		t.Fatalf("report not OK:\n%s", allChecks(r))
	}
	if len(r.Checks) != realChecksTotal {
		t.Errorf("%d checks, want %d:\n%s", len(r.Checks), realChecksTotal, allChecks(r))
	}
	// Every check a bundle without a request or a previous version can
	// have is present, about the subject it should be.
	for _, want := range []struct{ name, subject string }{
		{verify.CheckCanonicalDigest, "bundle"}, {verify.CheckPithNumber, "bundle"},
		{verify.CheckShortPithNumber, "bundle"},
		{verify.CheckRecordMatch, "bundle"}, {verify.CheckRecordMatch, realEvent0Subj}, {verify.CheckRecordMatch, realEvent1Subj},
		{verify.CheckAliases, "alias:pith_short_8"}, {verify.CheckAliases, "alias:pith_short_12"}, {verify.CheckAliases, "alias:pith_short_16"},
		{verify.CheckReceiptSignature, realEvent0Subj},
		{verify.CheckKeyFingerprint, realKeySubject}, {verify.CheckKeyTrust, realKeySubject},
		{verify.CheckEventDigest, realEvent0Subj}, {verify.CheckEventDigest, realEvent1Subj},
		{verify.CheckEventID, realEvent0Subj}, {verify.CheckEventID, realEvent1Subj},
		{verify.CheckEventSignature, realEvent0Subj}, {verify.CheckEventSignature, realEvent1Subj},
		{verify.CheckEventSubject, realEvent0Subj}, {verify.CheckEventSubject, realEvent1Subj},
		{verify.CheckEquivocation, "bundle"}, {verify.CheckEventLinks, "bundle"}, {verify.CheckStateDigest, "bundle"}, {verify.CheckStateRecompute, "bundle"},
		{verify.CheckBundleDigest, "bundle"}, {verify.CheckBundleSignature, "bundle"},
	} {
		find(t, r, want.name, want.subject)
	}
	if _, ok := r.Find(verify.CheckRequestedID, "bundle"); ok {
		t.Error("requested_id reported although nothing was requested")
	}
	if _, ok := r.Find(verify.CheckRollback, "bundle"); ok {
		t.Error("rollback reported although there is no previous version")
	}
}

func TestRealBundleLiteralValues(t *testing.T) {
	data := verifytest.RealBundle(t)
	b := mustParse(t, data)
	r := verify.Verify(b, verify.Options{})

	if r.PithNumber != realNumber {
		t.Errorf("pith number %q, want %q", r.PithNumber, realNumber)
	}
	if r.CanonicalSHA256 != realCanonical {
		t.Errorf("canonical_sha256 %q, want %q", r.CanonicalSHA256, realCanonical)
	}
	if r.StateSHA256 != realState {
		t.Errorf("state_sha256 %q, want %q", r.StateSHA256, realState)
	}
	if r.BundleSHA256 != realBundleSHA {
		t.Errorf("bundle_sha256 %q, want %q", r.BundleSHA256, realBundleSHA)
	}
	for i, want := range []string{realEvent0, realEvent1} {
		if got := "sha256:" + r.EventSHA256[i]; got != want {
			t.Errorf("event %d digest gives id %q, want %q", i, got, want)
		}
	}

	// The numbers, derived again from the computed digest alone.
	number, err := model.PithNumber(r.CanonicalSHA256, b.SubmittedAt)
	if err != nil || number != realNumber {
		t.Errorf("PithNumber = %q, %v; want %q", number, err, realNumber)
	}
	body, _ := model.PithBody(r.CanonicalSHA256)
	if got := model.ShortPithNumber(body); got != realShort {
		t.Errorf("short pith number %q, want %q", got, realShort)
	}
	if c := find(t, r, verify.CheckShortPithNumber, "bundle"); c.Expected != realShort {
		t.Errorf("short_pith_number expected %q, want %q", c.Expected, realShort)
	}
	if c := find(t, r, verify.CheckPithNumber, "bundle"); c.Expected != realNumber {
		t.Errorf("pith_number expected %q, want %q", c.Expected, realNumber)
	}

	// The key: pinned, and both fingerprints of its raw bytes.
	k, ok := r.Keys[verify.PinnedKeyID]
	if !ok {
		t.Fatalf("no key info for %s: %v", verify.PinnedKeyID, r.Keys)
	}
	if k.Trust != verify.TrustPinned || k.FingerprintHex != realFPHex || k.FingerprintB32 != realFPB32 || !k.InBundle || k.BundleMismatch {
		t.Errorf("key info %+v, want pinned %s / %s, in bundle, no mismatch", k, realFPHex, realFPB32)
	}
	fp := find(t, r, verify.CheckKeyFingerprint, realKeySubject)
	if fp.Expected != realFPHex+" "+realFPB32 {
		t.Errorf("key_fingerprint expected %q", fp.Expected)
	}

	// The state recomputed from the events: both applied, in order, and
	// the recomputed JSON hashes to the served state's digest.
	m := r.Merge
	if !reflect.DeepEqual(m.Applied, []int{0, 1}) || len(m.Invalid) != 0 || len(m.Forks) != 0 {
		t.Errorf("merge applied %v invalid %v forks %v; want [0 1], none, none", m.Applied, m.Invalid, m.Forks)
	}
	stateJSON, err := m.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got := jcsSHA256(t, stateJSON); got != realState {
		t.Errorf("recomputed state hashes to %s, want the served %s", got, realState)
	}
	var recomputed, served map[string]any
	if err := json.Unmarshal(stateJSON, &recomputed); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.State.Value.Raw(), &served); err != nil {
		t.Fatal(err)
	}
	delete(served, "state_sha256")
	if !reflect.DeepEqual(recomputed, served) {
		t.Errorf("recomputed state differs from the served one")
	}
	ids, _ := recomputed["applied_event_ids"].([]any)
	if !reflect.DeepEqual(ids, []any{realEvent0, realEvent1}) {
		t.Errorf("applied_event_ids %v, want [%s %s]", ids, realEvent0, realEvent1)
	}
}

// The composed digests (events and state canonicalized once, then reused
// in the bundle digest) agree with canonicalizing each whole value again
// with the jcs package.
func TestRealBundleDigestsAgreeWithWholeValueJCS(t *testing.T) {
	data := verifytest.RealBundle(t)
	m := verifytest.Decode(data)
	delete(m, "bundle_signature")
	if got := jcsSHA256(t, mustJSON(t, m)); got != realBundleSHA {
		t.Errorf("sha256(JCS(bundle minus bundle_signature)) = %s, want %s", got, realBundleSHA)
	}
	state := m["state"].(map[string]any)
	delete(state, "state_sha256")
	if got := jcsSHA256(t, mustJSON(t, state)); got != realState {
		t.Errorf("sha256(JCS(state minus state_sha256)) = %s, want %s", got, realState)
	}
	if got := jcsSHA256(t, mustJSON(t, m["canonical_record"])); got != realCanonical {
		t.Errorf("sha256(JCS(canonical_record)) = %s, want %s", got, realCanonical)
	}
	for i, want := range []string{realEvent0, realEvent1} {
		ev := verifytest.At(m, "events", i).(map[string]any)
		delete(ev, "signature")
		delete(ev, "content_sha256")
		delete(ev, "event_id")
		if got := "sha256:" + jcsSHA256(t, mustJSON(t, ev)); got != want {
			t.Errorf("event %d: %s, want %s", i, got, want)
		}
	}
}

// Re-encoding the bundle (other member order, other escapes, no
// whitespace) changes no digest: they are over canonical JSON.
func TestRealBundleReencodedStillVerifies(t *testing.T) {
	data := verifytest.RealBundle(t)
	reencoded := verifytest.Edit(data, func(map[string]any) {})
	if string(reencoded) == string(data) {
		t.Fatal("re-encoding gave the same bytes; the test proves nothing")
	}
	r := verifyData(t, reencoded, verify.Options{})
	expectNotOK(t, r, nil)
	if r.BundleSHA256 != realBundleSHA {
		t.Errorf("bundle digest %s after re-encoding", r.BundleSHA256)
	}
}

func jcsSHA256(t testing.TB, data []byte) string {
	t.Helper()
	c, err := jcs.Transform(data)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:])
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
