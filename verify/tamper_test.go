package verify_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// Every edit of the bundle outside bundle_signature changes the bundle's
// digest, so the claimed bundle_sha256 no longer matches and the signature
// (checked over the digest of what was received) no longer verifies.
var bundleCovers = map[string]int{verify.CheckBundleDigest: 1, verify.CheckBundleSignature: 1}

func with(extra map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range bundleCovers {
		out[k] = v
	}
	for k, v := range extra {
		out[k] += v
	}
	return out
}

// flipHex changes the last hex digit of a digest.
func flipHex(s string) string {
	last := s[len(s)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return s[:len(s)-1] + string(repl)
}

func set(path []any, value any) func(map[string]any) {
	return func(m map[string]any) {
		parent := verifytest.At(m, path[:len(path)-1]...)
		switch k := path[len(path)-1].(type) {
		case string:
			parent.(map[string]any)[k] = value
		case int:
			parent.([]any)[k] = value
		}
	}
}

func edit(path []any, fn func(old any) any) func(map[string]any) {
	return func(m map[string]any) {
		set(path, fn(verifytest.At(m, path...)))(m)
	}
}

func p(path ...any) []any { return path }

// otherKey is a key that is not Pith's, with the pinned key's id.
var otherKey = verifytest.NewSigner(verify.PinnedKeyID, "not the pith key")

// wrongSignature is a valid Ed25519 signature, by another key, of the
// right 32 bytes: well-formed, and wrong.
func wrongSignature(digestHex string) string {
	raw, _ := hex.DecodeString(digestHex)
	return base64.StdEncoding.EncodeToString(ed25519.Sign(otherKey.Priv, raw))
}

// TestTamperRealBundle changes one field of the real bundle at a time and
// asserts exactly which checks fail. Everything else must stay ok: a check
// that fails where it should not hides which part of the bundle is wrong.
func TestTamperRealBundle(t *testing.T) {
	ev0, ev1 := realEvent0[len("sha256:"):], realEvent1[len("sha256:"):]
	otherPub := otherKey.Public()
	otherFP, otherFPB32 := model.KeyFingerprints(otherPub)
	alsoState := func(extra map[string]int) map[string]int {
		extra[verify.CheckStateRecompute]++
		return with(extra)
	}
	cases := []struct {
		name string
		edit func(map[string]any)
		want map[string]int
	}{
		// Fields outside every digest but the bundle's.
		{"built_at", set(p("built_at"), "2030-01-01T00:00:00Z"), with(nil)},
		{"links", set(p("links", "resolver"), "https://evil.example/"), with(nil)},
		{"mirror hint url", set(p("mirror_hints", 0, "bundle_url"), "https://evil.example/b.json"), with(nil)},
		{"unknown top-level member", set(p("x_unknown"), "counts in the digest"), with(nil)},

		// The record and the numbers derived from it.
		{"canonical_sha256", edit(p("canonical_sha256"), func(v any) any { return flipHex(v.(string)) }),
			with(map[string]int{verify.CheckCanonicalDigest: 1})},
		// The record hashes to another number: every claim derived from
		// the old digest fails, the receipt signs the old digest, both
		// events are about the old number (so neither merges), and the
		// state copies the record.
		{"canonical_record field", set(p("canonical_record", "metadata", "license"), "CC0"),
			alsoState(map[string]int{verify.CheckCanonicalDigest: 1, verify.CheckPithNumber: 1, verify.CheckShortPithNumber: 1,
				verify.CheckAliases: 3, verify.CheckReceiptSignature: 1, verify.CheckEventSubject: 2,
				// the record_created payload's copy of the record, and the snapshot's license
				verify.CheckRecordMatch: 2})},
		{"pith_number", set(p("pith_number"), "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6A"),
			with(map[string]int{verify.CheckPithNumber: 1})},
		{"pith_number year", set(p("pith_number"), "pith:2018:M5BNRHPUWGA7MHPFDKCQKNVN6T"),
			with(map[string]int{verify.CheckPithNumber: 1})},
		{"short_pith_number", set(p("short_pith_number"), "pith:M5BNRHPV"),
			with(map[string]int{verify.CheckShortPithNumber: 1})},
		// source_aliases is copied into state.current.
		{"pith_short_12 alias", set(p("source_aliases", 3, "alias_value"), "M5BNRHPUWGA8"),
			alsoState(map[string]int{verify.CheckAliases: 1})},
		{"pith_short_8 alias", set(p("source_aliases", 5, "alias_value"), "M5BNRHPV"),
			alsoState(map[string]int{verify.CheckAliases: 1})},

		// One event's unsigned members: content_sha256, event_id, the
		// signature block. The event no longer merges, so the served
		// state (which applied it) differs from the recomputed one.
		{"event content_sha256", set(p("events", 1, "content_sha256"), flipHex(ev1)),
			alsoState(map[string]int{verify.CheckEventDigest: 1})},
		{"record event content_sha256", set(p("events", 0, "content_sha256"), flipHex(ev0)),
			alsoState(map[string]int{verify.CheckEventDigest: 1})},
		{"event_id", set(p("events", 1, "event_id"), "sha256:"+flipHex(ev1)),
			alsoState(map[string]int{verify.CheckEventID: 1})},
		{"event_id without prefix", set(p("events", 1, "event_id"), ev1),
			alsoState(map[string]int{verify.CheckEventID: 1})},
		{"signature_b64 valid but wrong", set(p("events", 1, "signature", "signature_b64"), wrongSignature(ev1)),
			alsoState(map[string]int{verify.CheckEventSignature: 1})},
		{"signature_b64 63 bytes", edit(p("events", 1, "signature", "signature_b64"), func(v any) any {
			raw, _ := base64.StdEncoding.DecodeString(v.(string))
			return base64.StdEncoding.EncodeToString(raw[:63])
		}), alsoState(map[string]int{verify.CheckEventSignature: 1})},
		{"signature_b64 not base64", set(p("events", 1, "signature", "signature_b64"), "not base64!"),
			alsoState(map[string]int{verify.CheckEventSignature: 1})},
		// Go's base64 decoder skips line breaks even in strict mode: the
		// same bytes with a newline are not the canonical encoding.
		{"signature_b64 with a line break", edit(p("events", 1, "signature", "signature_b64"), func(v any) any {
			return v.(string)[:40] + "\n" + v.(string)[40:]
		}), alsoState(map[string]int{verify.CheckEventSignature: 1})},
		{"signature_b64 empty", set(p("events", 0, "signature", "signature_b64"), ""),
			alsoState(map[string]int{verify.CheckEventSignature: 1})},
		{"signature fingerprint", set(p("events", 1, "signature", "public_key_fingerprint"), flipHex(realFPHex)),
			alsoState(map[string]int{verify.CheckEventSignature: 1})},
		{"signature signed_message", set(p("events", 1, "signature", "signed_message"), "something_else"),
			alsoState(map[string]int{verify.CheckEventSignature: 1})},
		{"signature algorithm", set(p("events", 1, "signature", "algorithm"), "rsa"),
			alsoState(map[string]int{verify.CheckEventSignature: 1})},
		// The signature block names another key than the signer: it fails,
		// and the trust in a key nobody has cannot be decided.
		{"signature key_id", set(p("events", 1, "signature", "key_id"), "nobody"),
			alsoState(map[string]int{verify.CheckEventSignature: 1, verify.CheckKeyTrust + "?": 1})},

		// One event's signed members: its digest, id and signature fail.
		{"payload field", set(p("events", 1, "payload", "graph_snapshot", "paper", "headline"), "Another headline"),
			alsoState(map[string]int{verify.CheckEventDigest: 1, verify.CheckEventID: 1, verify.CheckEventSignature: 1})},
		{"snapshot title", set(p("events", 1, "payload", "graph_snapshot", "paper", "title"), "Another title"),
			alsoState(map[string]int{verify.CheckEventDigest: 1, verify.CheckEventID: 1, verify.CheckEventSignature: 1, verify.CheckRecordMatch: 1})},
		{"unknown event member", set(p("events", 1, "x_unknown"), true),
			alsoState(map[string]int{verify.CheckEventDigest: 1, verify.CheckEventID: 1, verify.CheckEventSignature: 1})},
		{"created_at", set(p("events", 1, "created_at"), "2026-05-18T00:05:52Z"),
			alsoState(map[string]int{verify.CheckEventDigest: 1, verify.CheckEventID: 1, verify.CheckEventSignature: 1})},
		{"subject_pith_number", set(p("events", 1, "subject_pith_number"), "pith:2017:AAAAAAAAAAAAAAAAAAAAAAAAAA"),
			alsoState(map[string]int{verify.CheckEventDigest: 1, verify.CheckEventID: 1, verify.CheckEventSignature: 1, verify.CheckEventSubject: 1})},
		// The receipt lives in the record_created payload: the event's
		// digest covers it too.
		{"receipt signature", set(p("events", 0, "payload", "receipt", "signature_b64"), wrongSignature(realCanonical)),
			alsoState(map[string]int{verify.CheckReceiptSignature: 1, verify.CheckEventDigest: 1, verify.CheckEventID: 1, verify.CheckEventSignature: 1})},

		// The state: its digest covers every member but state_sha256.
		{"state event_count", set(p("state", "event_count"), json.Number("3")),
			alsoState(map[string]int{verify.CheckStateDigest: 1})},
		{"state applied_event_ids", set(p("state", "applied_event_ids"), []any{realEvent1, realEvent0}),
			alsoState(map[string]int{verify.CheckStateDigest: 1})},
		{"state copied payload", set(p("state", "current", "graph_snapshots", 0, "payload", "verdict_id"), "v"),
			alsoState(map[string]int{verify.CheckStateDigest: 1})},
		{"state_sha256", edit(p("state", "state_sha256"), func(v any) any { return flipHex(v.(string)) }),
			with(map[string]int{verify.CheckStateDigest: 1})},

		// The bundle signature block is outside the bundle digest.
		{"bundle_sha256", edit(p("bundle_signature", "bundle_sha256"), func(v any) any { return flipHex(v.(string)) }),
			map[string]int{verify.CheckBundleDigest: 1}},
		{"bundle signature_b64", set(p("bundle_signature", "signature_b64"), wrongSignature(realBundleSHA)),
			map[string]int{verify.CheckBundleSignature: 1}},
		{"bundle signature 63 bytes", edit(p("bundle_signature", "signature_b64"), func(v any) any {
			raw, _ := base64.StdEncoding.DecodeString(v.(string))
			return base64.StdEncoding.EncodeToString(raw[:63])
		}), map[string]int{verify.CheckBundleSignature: 1}},
		{"bundle signature fingerprint", set(p("bundle_signature", "public_key_fingerprint"), flipHex(realFPHex)),
			map[string]int{verify.CheckBundleSignature: 1}},
		// A key id that no one has: neither the signature nor the key's
		// trust can be decided.
		{"bundle signature key_id", set(p("bundle_signature", "key_id"), "nobody"),
			map[string]int{verify.CheckBundleSignature + "?": 1, verify.CheckKeyTrust + "?": 1}},

		// The bundle's copy of the key. Signatures are checked with the
		// pinned key, so they stay ok; the bundle's entry is wrong.
		{"public_key_hex other key", set(p("public_keys", 0, "public_key_hex"), hex.EncodeToString(otherPub)),
			with(map[string]int{verify.CheckKeyFingerprint: 1, verify.CheckKeyTrust: 1})},
		{"public_key_b64 other key", set(p("public_keys", 0, "public_key_b64"), base64.StdEncoding.EncodeToString(otherPub)),
			with(map[string]int{verify.CheckKeyFingerprint: 1, verify.CheckKeyTrust: 1})},
		{"public_key_b64 with a line break", edit(p("public_keys", 0, "public_key_b64"), func(v any) any {
			return v.(string)[:20] + "\r\n" + v.(string)[20:]
		}), with(map[string]int{verify.CheckKeyFingerprint: 1, verify.CheckKeyTrust: 1})},
		{"public_key_hex not hex", set(p("public_keys", 0, "public_key_hex"), "zz"),
			with(map[string]int{verify.CheckKeyFingerprint: 1, verify.CheckKeyTrust: 1})},
		{"key bytes replaced consistently", func(m map[string]any) {
			k := verifytest.At(m, "public_keys", 0).(map[string]any)
			k["public_key_hex"] = hex.EncodeToString(otherPub)
			k["public_key_b64"] = base64.StdEncoding.EncodeToString(otherPub)
			k["fingerprint_sha256_hex"], k["fingerprint_sha256_b32_first128bits"] = otherFP, otherFPB32
		}, with(map[string]int{verify.CheckKeyTrust: 1})},
		// A second entry with the pinned id and other bytes, however
		// consistent, is a key the bundle says is Pith's and is not.
		{"second entry for the pinned id", func(m map[string]any) {
			m["public_keys"] = append(m["public_keys"].([]any), otherKey.KeyEntry())
		}, with(map[string]int{verify.CheckKeyTrust: 1})},
		{"fingerprint_sha256_hex", set(p("public_keys", 0, "fingerprint_sha256_hex"), flipHex(realFPHex)),
			with(map[string]int{verify.CheckKeyFingerprint: 1})},
		// The field's name says 128 bits; the real value encodes the whole
		// digest (…NKS). Encoding only 16 bytes gives …NKQ: wrong.
		{"fingerprint_sha256_b32 from 128 bits", set(p("public_keys", 0, "fingerprint_sha256_b32_first128bits"), b32Of16Bytes()),
			with(map[string]int{verify.CheckKeyFingerprint: 1})},
	}
	data := verifytest.RealBundle(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tampered := verifytest.Edit(data, tc.edit)
			r := verifyData(t, tampered, verify.Options{})
			expectNotOK(t, r, tc.want)
			if r.OK() {
				t.Error("report OK after tampering")
			}
		})
	}
}

// b32Of16Bytes is the wrong reading of fingerprint_sha256_b32_first128bits:
// base32 of the first 16 bytes of the key's digest.
func b32Of16Bytes() string {
	raw, _ := hex.DecodeString("b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3")
	sum := sha256.Sum256(raw)
	return model.Base32Prefix(sum[:16], 26)
}

func TestWrong128BitFingerprintDiffersFromTheReal(t *testing.T) {
	got := b32Of16Bytes()
	if got == realFPB32 || !strings.HasSuffix(got, "NKQ") || got[:25] != realFPB32[:25] {
		t.Fatalf("base32 of 16 bytes = %s; FORMAT.md says it ends …NKQ where the real one (%s) ends …NKS", got, realFPB32)
	}
}

// A failing check names what it expected and what it found.
func TestTamperDetailsNameExpectedAndFound(t *testing.T) {
	data := verifytest.RealBundle(t)
	r := verifyData(t, verifytest.Edit(data, set(p("events", 1, "content_sha256"), strings.Repeat("0", 64))), verify.Options{})
	c := find(t, r, verify.CheckEventDigest, realEvent1Subj)
	ev1 := realEvent1[len("sha256:"):]
	if c.Expected != ev1 || c.Found != strings.Repeat("0", 64) || !strings.Contains(c.Detail, ev1) || !strings.Contains(c.Detail, strings.Repeat("0", 64)) {
		t.Errorf("event_digest check %+v does not name expected and found", c)
	}
	// The tampered event is listed as invalid by the recomputed state,
	// with the failing check as its reason, and is not applied.
	m := r.Merge
	if len(m.Invalid) != 1 || m.Invalid[0].Index != 1 || !strings.HasPrefix(m.Invalid[0].Reason, verify.CheckEventDigest+":") {
		t.Errorf("invalid events %+v, want event 1 for event_digest", m.Invalid)
	}
	if len(m.Applied) != 1 || m.Applied[0] != 0 {
		t.Errorf("applied %v, want [0]", m.Applied)
	}
	sr := find(t, r, verify.CheckStateRecompute, "bundle")
	for _, path := range []string{"$.valid_event_count", "$.invalid_event_count", "$.applied_event_ids[1]"} {
		if !strings.Contains(sr.Detail, path) {
			t.Errorf("state_recompute detail does not name %s: %s", path, sr.Detail)
		}
	}
}
