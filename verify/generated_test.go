package verify_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// reseal edits a bundle as a server holding the signer's key would: fn
// changes it, state_sha256 is recomputed over the edited state, and the
// bundle is signed again. Only what fn changed can then fail.
func reseal(t testing.TB, data []byte, s verifytest.Signer, fn func(m map[string]any)) []byte {
	t.Helper()
	m := verifytest.Decode(data)
	fn(m)
	if st, ok := m["state"].(map[string]any); ok {
		delete(st, "state_sha256")
		st["state_sha256"] = jcsSHA256(t, mustJSON(t, st))
	}
	return verifytest.Sign(mustJSON(t, m), s)
}

// signHex signs the raw bytes of a hex digest.
func signHex(s verifytest.Signer, digestHex string) string {
	raw := make([]byte, 32)
	fmt.Sscanf(digestHex, "%x", &raw)
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.Priv, raw))
}

// basic is a record and a chain of two graph snapshots.
func basic() (*verifytest.Builder, []string) {
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	c := b.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	return b, []string{a, c}
}

// state decodes the state the verifier recomputed.
func state(t testing.TB, r *verify.Report) map[string]any {
	t.Helper()
	var m map[string]any
	stateJSON, err := r.Merge.StateJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(stateJSON, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGeneratedBundlePassesWithTheSignerTrusted(t *testing.T) {
	b, ids := basic()
	data := b.Build()
	r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, nil)
	if !r.OK() {
		t.Fatal("not OK")
	}
	st := state(t, r)
	applied := fmt.Sprint(st["applied_event_ids"])
	if !strings.Contains(applied, ids[0]) || !strings.Contains(applied, ids[1]) {
		t.Errorf("applied %s, want both snapshots", applied)
	}
	if r.Keys[b.Signer.KeyID].Trust != verify.TrustUser {
		t.Errorf("trust %s", r.Keys[b.Signer.KeyID].Trust)
	}
}

// A key that only the bundle delivers: every signature verifies with it,
// and key_trust says that this proves nothing.
func TestBundleOnlyKeyIsNotTrusted(t *testing.T) {
	b, _ := basic()
	data := b.Build()
	r := verifyData(t, data, verify.Options{})
	expectNotOK(t, r, map[string]int{verify.CheckKeyTrust: 1})
	kt := find(t, r, verify.CheckKeyTrust, verify.KeySubject(b.Signer.KeyID))
	if !strings.Contains(kt.Detail, "key not pinned") || kt.Found != string(verify.TrustBundleOnly) {
		t.Errorf("key_trust %+v, want \"key not pinned\", bundle-only", kt)
	}
	for _, c := range append(checksNamed(r, verify.CheckEventSignature), checksNamed(r, verify.CheckBundleSignature)...) {
		if c.Status != verify.OK || !strings.Contains(c.Detail, string(verify.TrustBundleOnly)) {
			t.Errorf("%s %s: %s %q; want ok and saying the key is bundle-only", c.Name, c.Subject, c.Status, c.Detail)
		}
	}
	if r.OK() {
		t.Error("a bundle signed only by its own key reported OK")
	}

	// The same key given by the user (a --trust-key file) is trusted.
	trust := verify.NewTrustStore()
	if err := trust.AddFile(b.Signer.KeyFile(), "key.json"); err != nil {
		t.Fatal(err)
	}
	r = verifyData(t, data, verify.Options{Trust: trust})
	expectNotOK(t, r, nil)
	if kt := find(t, r, verify.CheckKeyTrust, verify.KeySubject(b.Signer.KeyID)); !strings.Contains(kt.Detail, "key.json") {
		t.Errorf("key_trust detail %q does not name the file", kt.Detail)
	}
}

// A bundle whose key claims the pinned id with other bytes: key_trust
// fails, and every signature is checked with the pinned key, so fails.
func TestImpostorOfThePinnedKey(t *testing.T) {
	impostor := verifytest.NewSigner(verify.PinnedKeyID, "impostor")
	b := verifytest.New()
	b.Signer = impostor
	b.WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	data := b.Build()
	r := verifyData(t, data, verify.Options{})
	expectNotOK(t, r, map[string]int{verify.CheckKeyTrust: 1, verify.CheckEventSignature: 2,
		verify.CheckReceiptSignature: 1, verify.CheckBundleSignature: 1})
	kt := find(t, r, verify.CheckKeyTrust, verify.KeySubject(verify.PinnedKeyID))
	if !strings.Contains(kt.Detail, "differs from the pinned key") {
		t.Errorf("key_trust detail %q", kt.Detail)
	}
	k := r.Keys[verify.PinnedKeyID]
	if !k.BundleMismatch || k.Trust != verify.TrustPinned || k.FingerprintHex != realFPHex {
		t.Errorf("key info %+v: want the pinned key used, and the mismatch noted", k)
	}
	for _, c := range checksNamed(r, verify.CheckEventSignature) {
		if !strings.Contains(c.Detail, realFPHex) {
			t.Errorf("event_signature %q does not say the pinned key was used", c.Detail)
		}
	}
	// Both events are invalid for the merge.
	if len(r.Merge.Invalid) != 2 || len(r.Merge.Applied) != 0 {
		t.Errorf("invalid %v applied %v", r.Merge.Invalid, r.Merge.Applied)
	}
	// And a user cannot trust the impostor under the pinned id.
	if err := verify.NewTrustStore().AddFile(impostor.KeyFile(), "impostor.json"); err == nil || !strings.Contains(err.Error(), "already trusted") {
		t.Errorf("AddFile(impostor) = %v, want refused", err)
	}
}

// TestEachCheckFailsAlone builds, for every check name, a bundle where that
// check fails (or is unknown) for a known reason and all others are ok.
func TestEachCheckFailsAlone(t *testing.T) {
	type scenario struct {
		name  string
		build func(t *testing.T) ([]byte, verify.Options)
		want  map[string]int
		check func(t *testing.T, r *verify.Report)
	}
	b0, ids := basic()
	s := b0.Signer
	base := b0.Build()
	trusted := verify.Options{Trust: s.Trust()}
	body := model.BodyOf(b0.PithNumber())
	other := verifytest.NewSigner("other-key", "another signer")

	scenarios := []scenario{
		{"canonical_digest", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, set(p("canonical_sha256"), strings.Repeat("0", 64))), trusted
		}, map[string]int{verify.CheckCanonicalDigest: 1}, func(t *testing.T, r *verify.Report) {
			c := find(t, r, verify.CheckCanonicalDigest, "bundle")
			if c.Expected != b0.CanonicalSHA256() || c.Found != strings.Repeat("0", 64) {
				t.Errorf("expected/found %q/%q", c.Expected, c.Found)
			}
		}},
		{"canonical_digest of a record JCS refuses", func(t *testing.T) ([]byte, verify.Options) {
			// A number beyond float64 has no canonical form: nothing
			// derived from the record's digest can be decided, and the
			// bundle has no digest either (so it cannot be re-signed).
			return verifytest.Edit(base, set(p("canonical_record", "metadata", "huge"), json.Number("1e400"))), trusted
		}, map[string]int{verify.CheckCanonicalDigest: 1, verify.CheckPithNumber + "?": 1, verify.CheckShortPithNumber + "?": 1,
			verify.CheckAliases + "?": 1, verify.CheckReceiptSignature + "?": 1, verify.CheckStateRecompute: 1,
			verify.CheckBundleDigest: 1, verify.CheckBundleSignature + "?": 1, verify.CheckRecordMatch + "?": 1}, nil},
		{"pith_number", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, set(p("pith_number"), "pith:2021:"+strings.Repeat("A", 26))), trusted
		}, map[string]int{verify.CheckPithNumber: 1}, nil},
		{"pith_number from a record without a year", func(t *testing.T) ([]byte, verify.Options) {
			// The record hashes to another digest, so the claims
			// derived from it fail too; the pith number cannot be
			// derived at all.
			return reseal(t, base, s, set(p("canonical_record", "metadata", "submitted_at"), "soon")), trusted
			// The record_created payload's copy of the record and
			// both snapshots' submitted_at contradict the new record.
		}, map[string]int{verify.CheckCanonicalDigest: 1, verify.CheckPithNumber: 1, verify.CheckShortPithNumber: 1,
			verify.CheckAliases: 3, verify.CheckReceiptSignature: 1, verify.CheckStateRecompute: 1, verify.CheckRecordMatch: 3}, func(t *testing.T, r *verify.Report) {
			if c := find(t, r, verify.CheckPithNumber, "bundle"); !strings.Contains(c.Detail, "does not start with a year") {
				t.Errorf("pith_number detail %q", c.Detail)
			}
		}},
		{"short_pith_number", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, set(p("short_pith_number"), "pith:"+body[:7]+"Z")), trusted
		}, map[string]int{verify.CheckShortPithNumber: 1}, nil},
		{"aliases", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, func(m map[string]any) {
				set(p("source_aliases", 4, "alias_value"), body[:11]+"Z")(m)
				set(p("state", "current", "source_aliases", 4, "alias_value"), body[:11]+"Z")(m)
			}), trusted
		}, map[string]int{verify.CheckAliases: 1}, func(t *testing.T, r *verify.Report) {
			c := find(t, r, verify.CheckAliases, "alias:pith_short_12")
			if c.Expected != body[:12] || c.Found != body[:11]+"Z" {
				t.Errorf("alias check %+v", c)
			}
		}},
		{"aliases of no valid length", func(t *testing.T) ([]byte, verify.Options) {
			alias := map[string]any{"alias_kind": "pith_short_99", "alias_value": body, "created_at": "2026-01-01T00:00:00Z"}
			return reseal(t, base, s, func(m map[string]any) {
				m["source_aliases"] = append(m["source_aliases"].([]any), alias)
				cur := verifytest.At(m, "state", "current").(map[string]any)
				cur["source_aliases"] = append(cur["source_aliases"].([]any), alias)
			}), trusted
		}, map[string]int{verify.CheckAliases: 1}, nil},
		{"receipt_signature", func(t *testing.T) ([]byte, verify.Options) {
			b := verifytest.New()
			cd := b.CanonicalSHA256()
			b.Add(verifytest.Event{Type: model.RecordCreated, Target: "record", CreatedAt: "2026-01-01T00:00:00Z",
				Payload: map[string]any{"canonical_sha256": cd, "receipt": map[string]any{
					"key_id": s.KeyID, "algorithm": "ed25519", "public_key_fingerprint": s.Fingerprint(),
					"signature_b64": signHex(s, strings.Repeat("11", 32)), "signed_message": "canonical_sha256_bytes",
					"canonical_sha256": cd}}})
			return b.Build(), trusted
		}, map[string]int{verify.CheckReceiptSignature: 1}, func(t *testing.T, r *verify.Report) {
			c := checksNamed(r, verify.CheckReceiptSignature)[0]
			if !strings.Contains(c.Detail, "does not verify") {
				t.Errorf("receipt detail %q", c.Detail)
			}
		}},
		{"receipt_signature naming another digest", func(t *testing.T) ([]byte, verify.Options) {
			b := verifytest.New()
			d := strings.Repeat("22", 32)
			b.Add(verifytest.Event{Type: model.RecordCreated, Target: "record", CreatedAt: "2026-01-01T00:00:00Z",
				Payload: map[string]any{"receipt": map[string]any{
					"key_id": s.KeyID, "algorithm": "ed25519", "public_key_fingerprint": s.Fingerprint(),
					"signature_b64": signHex(s, d), "signed_message": "canonical_sha256_bytes", "canonical_sha256": d}}})
			return b.Build(), trusted
		}, map[string]int{verify.CheckReceiptSignature: 1}, nil},
		{"receipt_signature with no record_created", func(t *testing.T) ([]byte, verify.Options) {
			b := verifytest.New()
			b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
			return b.Build(), trusted
		}, map[string]int{verify.CheckReceiptSignature: 1}, func(t *testing.T, r *verify.Report) {
			if c := find(t, r, verify.CheckReceiptSignature, "bundle"); !strings.Contains(c.Detail, "no record_created") {
				t.Errorf("detail %q", c.Detail)
			}
		}},
		{"event_digest", func(t *testing.T) ([]byte, verify.Options) {
			return verifytest.Restate(verifytest.Edit(base, set(p("events", 2, "content_sha256"), strings.Repeat("a", 64))), s, s.Trust()), trusted
		}, map[string]int{verify.CheckEventDigest: 1}, func(t *testing.T, r *verify.Report) {
			c := find(t, r, verify.CheckEventDigest, "event:"+ids[1])
			if c.Expected != ids[1][len("sha256:"):] || c.Found != strings.Repeat("a", 64) {
				t.Errorf("event_digest %+v", c)
			}
		}},
		{"event_digest of an event JCS refuses", func(t *testing.T) ([]byte, verify.Options) {
			// A number beyond float64 has no canonical form: the event
			// has no digest, so its id and signature cannot be decided,
			// and neither can the bundle's digest.
			data := verifytest.Edit(base, set(p("events", 2, "payload", "n"), json.Number("1e400")))
			return data, trusted
		}, map[string]int{verify.CheckEventDigest: 1, verify.CheckEventID + "?": 1, verify.CheckEventSignature + "?": 1,
			verify.CheckStateRecompute: 1, verify.CheckBundleDigest: 1, verify.CheckBundleSignature + "?": 1}, nil},
		{"event_id", func(t *testing.T) ([]byte, verify.Options) {
			return verifytest.Restate(verifytest.Edit(base, set(p("events", 2, "event_id"), "sha256:"+strings.Repeat("b", 64))), s, s.Trust()), trusted
		}, map[string]int{verify.CheckEventID: 1}, nil},
		{"event_signature", func(t *testing.T) ([]byte, verify.Options) {
			b, _ := basic()
			b.Add(verifytest.Event{Type: "author_attestation", Target: "author", CreatedAt: "2026-01-01T03:00:00Z", BadSignature: true})
			return b.Build(), trusted
		}, map[string]int{verify.CheckEventSignature: 1}, func(t *testing.T, r *verify.Report) {
			st := state(t, r)
			inv := st["invalid_events"].([]any)
			if len(inv) != 1 || !strings.HasPrefix(inv[0].(map[string]any)["reason"].(string), "event_signature: ") ||
				st["invalid_event_count"] != 1.0 || st["valid_event_count"] != 3.0 {
				t.Errorf("state lists invalid %v, counts %v/%v", inv, st["valid_event_count"], st["invalid_event_count"])
			}
			if n := len(st["current"].(map[string]any)["author_attestations"].([]any)); n != 0 {
				t.Errorf("the badly signed attestation was applied")
			}
			if len(st["applied_event_ids"].([]any)) != 3 {
				t.Errorf("applied %v", st["applied_event_ids"])
			}
		}},
		{"event_signature by a key nobody has", func(t *testing.T) ([]byte, verify.Options) {
			b, _ := basic()
			b.Add(verifytest.Event{Type: "author_attestation", Target: "author", CreatedAt: "2026-01-01T03:00:00Z", Signer: &other})
			return b.Build(), trusted
		}, map[string]int{verify.CheckEventSignature + "?": 1, verify.CheckKeyTrust + "?": 1}, func(t *testing.T, r *verify.Report) {
			if len(r.Merge.Invalid) != 1 || !strings.Contains(r.Merge.Invalid[0].Reason, "other-key") {
				t.Errorf("invalid %+v, want the event signed by the unknown key", r.Merge.Invalid)
			}
		}},
		{"event_subject", func(t *testing.T) ([]byte, verify.Options) {
			b, _ := basic()
			b.Add(verifytest.Event{Type: "citation_signature", Target: "citation", CreatedAt: "2026-01-01T03:00:00Z",
				Subject: "pith:2020:" + strings.Repeat("B", 26)})
			return b.Build(), trusted
		}, map[string]int{verify.CheckEventSubject: 1}, func(t *testing.T, r *verify.Report) {
			if len(r.Merge.Invalid) != 1 || !strings.HasPrefix(r.Merge.Invalid[0].Reason, "event_subject") {
				t.Errorf("invalid %+v", r.Merge.Invalid)
			}
		}},
		{"state_digest", func(t *testing.T) ([]byte, verify.Options) {
			return verifytest.Sign(verifytest.Edit(base, set(p("state", "state_sha256"), strings.Repeat("c", 64))), s), trusted
		}, map[string]int{verify.CheckStateDigest: 1}, nil},
		{"state_recompute", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, func(m map[string]any) {
				applied := verifytest.At(m, "state", "applied_event_ids").([]any)
				applied[1], applied[2] = applied[2], applied[1]
			}), trusted
		}, map[string]int{verify.CheckStateRecompute: 1}, func(t *testing.T, r *verify.Report) {
			c := find(t, r, verify.CheckStateRecompute, "bundle")
			want := fmt.Sprintf(`$.applied_event_ids[1]: served "%s", recomputed "%s"`, ids[1], ids[0])
			if !strings.Contains(c.Detail, want) || !strings.Contains(c.Detail, "$.applied_event_ids[2]") {
				t.Errorf("detail %q does not name %s", c.Detail, want)
			}
		}},
		{"state_recompute of a copied payload", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, set(p("state", "current", "graph_snapshots", 1, "payload", "graph_snapshot", "paper", "title"), "edited")), trusted
		}, map[string]int{verify.CheckStateRecompute: 1}, func(t *testing.T, r *verify.Report) {
			c := find(t, r, verify.CheckStateRecompute, "bundle")
			if !strings.Contains(c.Detail, `$.current.graph_snapshots[1].payload.graph_snapshot.paper.title: served "edited", recomputed "`+title+`"`) {
				t.Errorf("detail %q", c.Detail)
			}
			if c.Found != `"edited"` || c.Expected != `"`+title+`"` {
				t.Errorf("expected/found %q/%q", c.Expected, c.Found)
			}
		}},
		{"state_recompute of counts and a missing member", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, func(m map[string]any) {
				st := m["state"].(map[string]any)
				st["event_count"] = json.Number("4")
				delete(st, "equivocations")
			}), trusted
		}, map[string]int{verify.CheckStateRecompute: 1}, func(t *testing.T, r *verify.Report) {
			c := find(t, r, verify.CheckStateRecompute, "bundle")
			for _, want := range []string{"$.event_count: served 4, recomputed 3", "$.equivocations: served (missing), recomputed []"} {
				if !strings.Contains(c.Detail, want) {
					t.Errorf("detail %q does not say %q", c.Detail, want)
				}
			}
		}},
		{"bundle_digest", func(t *testing.T) ([]byte, verify.Options) {
			return verifytest.Edit(base, set(p("bundle_signature", "bundle_sha256"), strings.Repeat("d", 64))), trusted
		}, map[string]int{verify.CheckBundleDigest: 1}, nil},
		{"bundle_signature", func(t *testing.T) ([]byte, verify.Options) {
			m := verifytest.Decode(base)
			d := verifytest.At(m, "bundle_signature", "bundle_sha256").(string)
			set(p("bundle_signature", "signature_b64"), signHex(other, d))(m)
			return mustJSON(t, m), trusted
		}, map[string]int{verify.CheckBundleSignature: 1}, nil},
		{"bundle_signature missing", func(t *testing.T) ([]byte, verify.Options) {
			return verifytest.Edit(base, func(m map[string]any) { delete(m, "bundle_signature") }), trusted
		}, map[string]int{verify.CheckBundleDigest: 1, verify.CheckBundleSignature: 1}, nil},
		{"key_fingerprint", func(t *testing.T) ([]byte, verify.Options) {
			return reseal(t, base, s, set(p("public_keys", 0, "fingerprint_sha256_b32_first128bits"), strings.Repeat("A", 26))), trusted
		}, map[string]int{verify.CheckKeyFingerprint: 1}, nil},
		{"key_trust", func(t *testing.T) ([]byte, verify.Options) {
			return base, verify.Options{}
		}, map[string]int{verify.CheckKeyTrust: 1}, nil},
		{"equivocation", func(t *testing.T) ([]byte, verify.Options) {
			b, ids := basic()
			b.AddSnapshot("2026-01-01T03:00:00Z", ids[0], title)
			return b.Build(), trusted
		}, map[string]int{verify.CheckEquivocation: 1}, nil},
		{"record_match", func(t *testing.T) ([]byte, verify.Options) {
			b, ids := basic()
			b.AddSnapshot("2026-01-01T03:00:00Z", ids[1], "Another Paper Entirely")
			return b.Build(), trusted
		}, map[string]int{verify.CheckRecordMatch: 1}, func(t *testing.T, r *verify.Report) {
			c := checksNamed(r, verify.CheckRecordMatch)
			if last := c[len(c)-1]; last.Found != model.TitleCanonSHA256("Another Paper Entirely") || last.Expected != model.TitleCanonSHA256(title) {
				t.Errorf("record_match %+v", last)
			}
		}},
		{"event_links", func(t *testing.T) ([]byte, verify.Options) {
			b, ids := basic()
			b.Add(verifytest.Event{Type: "correction", Target: "graph", CreatedAt: "2026-01-01T03:00:00Z", PrevEvent: ids[1], Supersedes: []string{"sha256:gone"}})
			return b.Build(), trusted
		}, map[string]int{verify.CheckEventLinks: 1}, nil},
		{"requested_id", func(t *testing.T) ([]byte, verify.Options) {
			o := trusted
			o.Requested = verify.Request{Text: "pith:ZZZZZZZZ", PithPrefix: "ZZZZZZZZ"}
			return base, o
		}, map[string]int{verify.CheckRequestedID: 1}, nil},
		{"rollback", func(t *testing.T) ([]byte, verify.Options) {
			o := trusted
			o.Previous = &verify.PreviousVersion{EventIDs: append([]string{"sha256:gone"}, ids...), FetchedAt: "2026-01-03T00:00:00Z"}
			return base, o
		}, map[string]int{verify.CheckRollback: 1}, func(t *testing.T, r *verify.Report) {
			if c := find(t, r, verify.CheckRollback, "bundle"); !strings.Contains(c.Detail, "sha256:gone") {
				t.Errorf("rollback detail %q", c.Detail)
			}
		}},
	}
	covered := map[string]bool{}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			data, opts := sc.build(t)
			r := verifyData(t, data, opts)
			expectNotOK(t, r, sc.want)
			if r.OK() {
				t.Error("report OK")
			}
			if sc.check != nil {
				sc.check(t, r)
			}
		})
		if len(sc.want) == 1 {
			for name := range sc.want {
				covered[strings.TrimSuffix(name, "?")] = true
			}
		}
	}
	for _, name := range verify.CheckOrder {
		if !covered[name] {
			t.Errorf("no scenario where %s alone fails", name)
		}
	}
}

func TestEquivocationNamesTheFork(t *testing.T) {
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	left := b.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	right := b.AddSnapshot("2026-01-01T02:00:01Z", a, title)
	after := b.Add(verifytest.Event{Type: "storage_attestation", Target: "storage", CreatedAt: "2026-01-01T04:00:00Z"})
	r := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEquivocation: 1})
	c := find(t, r, verify.CheckEquivocation, "fork:1")
	for _, want := range []string{b.Signer.KeyID, `"graph"`, "prev_event " + a, left, right} {
		if !strings.Contains(c.Detail, want) {
			t.Errorf("equivocation detail %q does not name %s", c.Detail, want)
		}
	}
	// The forked events stay valid but neither applies; the rest does.
	st := state(t, r)
	if st["equivocation_count"] != 1.0 || st["invalid_event_count"] != 0.0 || st["valid_event_count"] != 5.0 {
		t.Errorf("counts %v %v %v", st["equivocation_count"], st["invalid_event_count"], st["valid_event_count"])
	}
	applied := fmt.Sprint(st["applied_event_ids"])
	if strings.Contains(applied, left) || strings.Contains(applied, right) || !strings.Contains(applied, a) || !strings.Contains(applied, after) {
		t.Errorf("applied %s: want the first snapshot and the attestation, not the fork", applied)
	}
	eq := st["equivocations"].([]any)
	want := map[string]any{"signer_key_id": b.Signer.KeyID, "target": "graph", "prev_event": a, "event_ids": []any{left, right}}
	if len(eq) != 1 || fmt.Sprint(eq[0]) != fmt.Sprint(want) {
		t.Errorf("equivocations %v, want [%v]", eq, want)
	}
}

func TestTwoForksAreTwoChecks(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b.AddSnapshot("2026-01-01T01:00:01Z", "", title) // with prev_event null
	b.Add(verifytest.Event{Type: "timestamp_anchor", Target: "anchor", CreatedAt: "2026-01-01T05:00:00Z", Payload: map[string]any{"n": 1}})
	b.Add(verifytest.Event{Type: "timestamp_anchor", Target: "anchor", CreatedAt: "2026-01-01T05:00:00Z", Payload: map[string]any{"n": 2}})
	r := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEquivocation: 2})
	if c := find(t, r, verify.CheckEquivocation, "fork:1"); !strings.Contains(c.Detail, "prev_event null") {
		t.Errorf("fork 1 detail %q", c.Detail)
	}
	// Different signers at the same place are no fork.
	other := verifytest.NewSigner("other-key", "another signer")
	b2 := verifytest.New().WithRecord()
	b2.ExtraKeys = []verifytest.Signer{other}
	b2.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b2.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T01:00:01Z", Signer: &other, Payload: b2.SnapshotPayload(title, 1)})
	trust := b2.Signer.Trust()
	if err := trust.AddFile(other.KeyFile(), "other"); err != nil {
		t.Fatal(err)
	}
	r = verifyData(t, b2.Build(), verify.Options{Trust: trust})
	expectNotOK(t, r, nil)
}

// The merge rules, asserted on recomputed states with values written out
// here, not computed by the merge itself.
func TestMergeRules(t *testing.T) {
	b := verifytest.New().WithRecord()
	// Bundle order is not apply order: (created_at, event_id) is.
	late := b.AddSnapshot("2026-01-01T09:00:00Z", "", title)
	early := b.Add(verifytest.Event{Type: "author_attestation", Target: "author", CreatedAt: "2026-01-01T01:00:00Z", Payload: map[string]any{"a": 1}})
	chained := b.Add(verifytest.Event{Type: "author_attestation", Target: "author", CreatedAt: "2026-01-01T02:00:00Z", PrevEvent: early, Payload: map[string]any{"a": 2}})
	mirror := b.Add(verifytest.Event{Type: "mirror_hint", Target: "mirror", CreatedAt: "2026-01-01T03:00:00Z"})
	unknownType := b.Add(verifytest.Event{Type: "gossip", Target: "x", CreatedAt: "2026-01-01T04:00:00Z"})
	bad := b.Add(verifytest.Event{Type: "correction", Target: "c", CreatedAt: "2026-01-01T05:00:00Z", BadSignature: true})
	superseded := b.Add(verifytest.Event{Type: "replication_record", Target: "r", CreatedAt: "2026-01-01T06:00:00Z", Payload: map[string]any{"v": 1}})
	superseding := b.Add(verifytest.Event{Type: "replication_record", Target: "r", CreatedAt: "2026-01-01T07:00:00Z", PrevEvent: superseded, Supersedes: []string{superseded}, Payload: map[string]any{"v": 2}})
	data := b.Build()
	r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEventSignature: 1})
	st := state(t, r)
	record := verifytest.At(verifytest.Decode(data), "events", 0, "event_id").(string)

	wantApplied := []any{record, early, chained, mirror, superseding, late}
	if fmt.Sprint(st["applied_event_ids"]) != fmt.Sprint(wantApplied) {
		t.Errorf("applied\n got  %v\n want %v", st["applied_event_ids"], wantApplied)
	}
	inv := st["invalid_events"].([]any)
	if len(inv) != 2 || inv[0].(map[string]any)["event_id"] != unknownType || inv[1].(map[string]any)["event_id"] != bad ||
		inv[0].(map[string]any)["reason"] != `unknown event_type "gossip"` {
		t.Errorf("invalid_events %v, want the unknown type then the bad signature, in bundle order", inv)
	}
	if st["event_count"] != 9.0 || st["valid_event_count"] != 7.0 || st["invalid_event_count"] != 2.0 || st["equivocation_count"] != 0.0 {
		t.Errorf("counts %v %v %v %v", st["event_count"], st["valid_event_count"], st["invalid_event_count"], st["equivocation_count"])
	}
	cur := st["current"].(map[string]any)
	ids := func(list string) []any {
		var out []any
		for _, e := range cur[list].([]any) {
			out = append(out, e.(map[string]any)["event_id"])
		}
		return out
	}
	for list, want := range map[string][]any{
		"author_attestations": {early, chained}, "graph_snapshots": {late}, "mirror_hints": {mirror},
		"replication_records": {superseding}, "corrections": nil, "timestamp_anchors": nil,
		"storage_attestations": nil, "citation_signatures": nil,
	} {
		if fmt.Sprint(ids(list)) != fmt.Sprint(want) {
			t.Errorf("current.%s = %v, want %v", list, ids(list), want)
		}
	}
	rc := cur["record_created"].(map[string]any)
	if rc["event_id"] != record || rc["target"] != "record" || len(rc) != 5 {
		t.Errorf("record_created entry %v", rc)
	}
	for _, k := range []string{"event_id", "target", "created_at", "signer", "payload"} {
		if _, ok := rc[k]; !ok {
			t.Errorf("record_created entry lacks %s", k)
		}
	}
	if len(cur) != 11 {
		t.Errorf("current has %d members, want 11: %v", len(cur), cur)
	}
}

// FORMAT.md: an event is not applied when a *later* valid event names it in
// supersedes. An event that is earlier in apply order (here backdated)
// cannot supersede a later one.
func TestSupersedesOnlyByALaterEvent(t *testing.T) {
	b := verifytest.New().WithRecord()
	target := b.Add(verifytest.Event{Type: "correction", Target: "c", CreatedAt: "2026-01-01T06:00:00Z", Payload: map[string]any{"v": 1}})
	backdated := b.Add(verifytest.Event{Type: "correction", Target: "c2", CreatedAt: "2026-01-01T01:00:00Z", Supersedes: []string{target}})
	r := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, nil)
	applied := fmt.Sprint(state(t, r)["applied_event_ids"])
	if !strings.Contains(applied, target) || !strings.Contains(applied, backdated) {
		t.Errorf("applied %s: an earlier event superseded a later one", applied)
	}
}

// A later record_created in the signer's chain replaces the earlier one.
func TestLaterRecordCreatedReplacesTheEarlier(t *testing.T) {
	b := verifytest.New().WithRecord()
	first := verifytest.At(verifytest.Decode(b.Build()), "events", 0, "event_id").(string)
	second := b.Add(verifytest.Event{Type: model.RecordCreated, Target: "record", CreatedAt: "2026-02-01T00:00:00Z", PrevEvent: first})
	r := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, nil)
	cur := state(t, r)["current"].(map[string]any)
	if cur["record_created"].(map[string]any)["event_id"] != second {
		t.Errorf("record_created is %v, want the later %s", cur["record_created"], second)
	}
	if len(checksNamed(r, verify.CheckReceiptSignature)) != 2 {
		t.Errorf("want a receipt check per record_created")
	}
}

// One bad event does not hide the others' results: each event keeps its
// own four checks, and the good ones stay ok.
func TestOneBadEventDoesNotHideTheOthers(t *testing.T) {
	other := verifytest.NewSigner("other-key", "another signer")
	b := verifytest.New().WithRecord()
	good1 := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	badSig := b.Add(verifytest.Event{Type: "author_attestation", Target: "a", CreatedAt: "2026-01-01T02:00:00Z", BadSignature: true})
	badSubj := b.Add(verifytest.Event{Type: "storage_attestation", Target: "s", CreatedAt: "2026-01-01T03:00:00Z", Subject: "pith:2019:" + strings.Repeat("C", 26)})
	unknownKey := b.Add(verifytest.Event{Type: "citation_signature", Target: "c", CreatedAt: "2026-01-01T04:00:00Z", Signer: &other})
	edited := b.Add(verifytest.Event{Type: "replication_record", Target: "r", CreatedAt: "2026-01-01T04:30:00Z"})
	good2 := b.AddSnapshot("2026-01-01T05:00:00Z", good1, title)
	data := b.Build()
	// One event broken after signing: its payload no longer matches.
	if verifytest.At(verifytest.Decode(data), "events", 5, "event_id") != edited {
		t.Fatal("events out of place")
	}
	data = verifytest.Restate(verifytest.Edit(data, set(p("events", 5, "payload", "x"), "late edit")), b.Signer, b.Signer.Trust())
	r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{
		verify.CheckEventSignature: 2, verify.CheckEventSubject: 1, verify.CheckEventDigest: 1, verify.CheckEventID: 1,
		verify.CheckEventSignature + "?": 1, verify.CheckKeyTrust + "?": 1,
	})
	for _, id := range []string{good1, good2, badSig, badSubj, unknownKey} {
		if got := len(r.ChecksFor("event:" + id)); got < 4 {
			t.Errorf("event %s has %d checks, want its four", id, got)
		}
	}
	for _, id := range []string{good1, good2} {
		for _, c := range r.ChecksFor("event:" + id) {
			if c.Status != verify.OK {
				t.Errorf("good event %s: %s %s %s", id, c.Name, c.Status, c.Detail)
			}
		}
	}
	// The badly signed event's other checks are still decided, and ok.
	for _, name := range []string{verify.CheckEventDigest, verify.CheckEventID, verify.CheckEventSubject} {
		if c := find(t, r, name, "event:"+badSig); c.Status != verify.OK {
			t.Errorf("%s of the badly signed event: %s", name, c.Status)
		}
	}
	if c := find(t, r, verify.CheckEventSignature, "event:"+badSubj); c.Status != verify.OK {
		t.Errorf("the wrong-subject event's signature: %s %s", c.Status, c.Detail)
	}
	if len(r.Merge.Invalid) != 4 {
		t.Errorf("invalid %+v, want 4", r.Merge.Invalid)
	}
}

// Check order and content do not depend on how many workers ran.
func TestVerifyIsDeterministicAcrossWorkers(t *testing.T) {
	b, _ := basic()
	for i := 0; i < 20; i++ {
		b.Add(verifytest.Event{Type: "author_attestation", Target: "a", CreatedAt: fmt.Sprintf("2026-01-02T00:00:%02dZ", i), BadSignature: i%3 == 0})
	}
	data := b.Build()
	want := verifyData(t, data, verify.Options{Workers: 1})
	for _, w := range []int{2, 7, 64} {
		got := verifyData(t, data, verify.Options{Workers: w})
		if fmt.Sprint(got.Checks) != fmt.Sprint(want.Checks) {
			t.Errorf("workers=%d gives other checks", w)
		}
	}
	// Each event's checks are grouped by name, then in bundle order.
	prev := -1
	for _, c := range checksNamed(want, verify.CheckEventDigest) {
		if c.Event <= prev {
			t.Errorf("event_digest checks out of bundle order")
		}
		prev = c.Event
	}
}

func TestRequestedID(t *testing.T) {
	b, _ := basic()
	data := b.Build()
	number := b.PithNumber()
	body := model.BodyOf(number)
	year := strings.Split(number, ":")[1]
	cases := []struct {
		req  verify.Request
		want verify.Status
		in   string
	}{
		{verify.Request{Text: number, PithYear: year, PithPrefix: body}, verify.OK, "hashes to"},
		{verify.Request{Text: "pith:" + body[:8], PithPrefix: body[:8]}, verify.OK, "hashes to"},
		{verify.Request{Text: body[:16], PithPrefix: body[:16]}, verify.OK, "hashes to"},
		{verify.Request{Text: "pith:1999:" + body, PithYear: "1999", PithPrefix: body}, verify.Fail, "asked for year 1999"},
		{verify.Request{Text: "pith:AAAAAAAA", PithPrefix: "AAAAAAAA"}, verify.Fail, "the record hashes to " + number},
		{verify.Request{Text: "2101.00001", Alias: "2101.00001"}, verify.OK, "arxiv alias"},
		{verify.Request{Text: "10.48550/ARXIV.2101.00001", Alias: "10.48550/ARXIV.2101.00001"}, verify.OK, "doi alias"},
		{verify.Request{Text: "2101.00001v1", Alias: "2101.00001v1"}, verify.OK, "arxiv_version alias"},
		{verify.Request{Text: "1711.04623", Alias: "1711.04623"}, verify.Fail, "does not list it"},
	}
	for _, tc := range cases {
		r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust(), Requested: tc.req})
		c := find(t, r, verify.CheckRequestedID, "bundle")
		if c.Status != tc.want || !strings.Contains(c.Detail, tc.in) {
			t.Errorf("request %q: %s %q, want %s containing %q", tc.req.Text, c.Status, c.Detail, tc.want, tc.in)
		}
		if tc.want == verify.OK {
			expectNotOK(t, r, nil)
		} else {
			expectNotOK(t, r, map[string]int{verify.CheckRequestedID: 1})
		}
		// The fetcher's early check agrees with the full report.
		if early := verify.CheckRequested(mustParse(t, data), tc.req); early.Status != c.Status {
			t.Errorf("CheckRequested %s, report %s", early.Status, c.Status)
		}
	}
	// A pith number is self-certifying: the claim in pith_number is not
	// enough, the record must hash to it.
	claimed := "pith:" + year + ":" + strings.Repeat("Q", 26)
	forged := reseal(t, data, b.Signer, set(p("pith_number"), claimed))
	r := verifyData(t, forged, verify.Options{Trust: b.Signer.Trust(), Requested: verify.Request{Text: claimed, PithYear: year, PithPrefix: strings.Repeat("Q", 26)}})
	expectNotOK(t, r, map[string]int{verify.CheckRequestedID: 1, verify.CheckPithNumber: 1})
}

func TestRollback(t *testing.T) {
	b, ids := basic()
	data := b.Build()
	record := verifytest.At(verifytest.Decode(data), "events", 0, "event_id").(string)
	all := []string{record, ids[0], ids[1]}
	cases := []struct {
		prev []string
		want verify.Status
		in   string
	}{
		{all, verify.OK, "every one of the 3 events"},
		{all[:2], verify.OK, "every one of the 2 events"},
		{nil, verify.OK, "every one of the 0 events"},
		{append(all, "sha256:newer"), verify.Fail, "this version has 3 events, a version fetched 2026-01-05 had 4; missing sha256:newer"},
		{[]string{record, "sha256:replaced", ids[1]}, verify.Fail, "missing: sha256:replaced"},
	}
	for _, tc := range cases {
		r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust(), Previous: &verify.PreviousVersion{EventIDs: tc.prev, FetchedAt: "2026-01-05"}})
		c := find(t, r, verify.CheckRollback, "bundle")
		if c.Status != tc.want || !strings.Contains(c.Detail, tc.in) {
			t.Errorf("previous %v: %s %q, want %s with %q", tc.prev, c.Status, c.Detail, tc.want, tc.in)
		}
	}
}

func TestTrustStoreAddFile(t *testing.T) {
	s := verifytest.NewSigner("user-key", "user")
	list, _ := json.Marshal([]any{s.KeyEntry(), verifytest.NewSigner("user-key-2", "user 2").KeyEntry()})
	ts := verify.NewTrustStore()
	if err := ts.AddFile(list, "list.json"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"user-key", "user-key-2", verify.PinnedKeyID} {
		if _, ok := ts.Lookup(id); !ok {
			t.Errorf("%s not trusted", id)
		}
	}
	// The pinned key itself, as the real bundle lists it, may be given.
	realKey := mustJSON(t, verifytest.At(verifytest.Decode(verifytest.RealBundle(t)), "public_keys", 0))
	if err := verify.NewTrustStore().AddFile(realKey, "pith.json"); err != nil {
		t.Errorf("the pinned key's own entry refused: %v", err)
	}
	bad := func(edit func(m map[string]any)) []byte {
		m := s.KeyEntry()
		edit(m)
		return mustJSON(t, m)
	}
	for name, tc := range map[string]struct {
		data []byte
		msg  string
	}{
		"not JSON":             {[]byte(`{"key_id":`), "unexpected end of input"},
		"duplicate key":        {[]byte(`{"key_id":"a","key_id":"b"}`), "duplicate key"},
		"no key bytes":         {bad(func(m map[string]any) { delete(m, "public_key_hex"); delete(m, "public_key_b64") }), "no public_key_hex or public_key_b64"},
		"short key":            {bad(func(m map[string]any) { m["public_key_hex"] = "abcd"; delete(m, "public_key_b64") }), "public_key_hex is 2 bytes"},
		"hex and b64 disagree": {bad(func(m map[string]any) { m["public_key_hex"] = strings.Repeat("00", 32) }), "different keys"},
		"non-canonical b64":    {bad(func(m map[string]any) { delete(m, "public_key_hex"); m["public_key_b64"] = "not base64" }), "not canonical base64"},
		"wrong fingerprint":    {bad(func(m map[string]any) { m["fingerprint_sha256_hex"] = strings.Repeat("0", 32) }), "fingerprint_sha256_hex is"},
		"wrong b32":            {bad(func(m map[string]any) { m["fingerprint_sha256_b32_first128bits"] = "AAAA" }), "fingerprint_sha256_b32_first128bits is"},
		"no key_id":            {bad(func(m map[string]any) { delete(m, "key_id") }), "key_id is missing"},
		"other algorithm":      {bad(func(m map[string]any) { m["algorithm"] = "rsa" }), "only ed25519"},
		"wrong type":           {bad(func(m map[string]any) { m["key_id"] = 3 }), "expected string, found number"},
		"pinned id other key":  {bad(func(m map[string]any) { m["key_id"] = verify.PinnedKeyID }), "already trusted"},
	} {
		err := verify.NewTrustStore().AddFile(tc.data, "k.json")
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "k.json") {
			t.Errorf("%s: %v, want an error from k.json containing %q", name, err, tc.msg)
		}
	}
}

// A --trust-key file makes an event signed by a key the bundle does not
// carry verifiable.
func TestTrustKeyForASignerNotInTheBundle(t *testing.T) {
	other := verifytest.NewSigner("other-key", "another signer")
	trust := verifytest.New().Signer.Trust()
	if err := trust.AddFile(other.KeyFile(), "other.json"); err != nil {
		t.Fatal(err)
	}
	b, _ := basic()
	b.StateTrust = trust
	id := b.Add(verifytest.Event{Type: "author_attestation", Target: "a", CreatedAt: "2026-01-01T03:00:00Z", Signer: &other})
	data := b.Build()
	r := verifyData(t, data, verify.Options{Trust: trust})
	expectNotOK(t, r, nil)
	if c := find(t, r, verify.CheckEventSignature, "event:"+id); !strings.Contains(c.Detail, string(verify.TrustUser)) {
		t.Errorf("detail %q", c.Detail)
	}
	// Without it, the signature cannot be decided and the event is
	// invalid, so the served state (which applied it) is not recomputed.
	r = verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEventSignature + "?": 1, verify.CheckKeyTrust + "?": 1, verify.CheckStateRecompute: 1})
}

// Signatures are checked over the digest computed from the received bytes,
// not over the claimed content_sha256: an attacker who edits an event and
// its claimed digest together still fails the signature.
func TestSignatureCoversTheReceivedEvent(t *testing.T) {
	b, ids := basic()
	data := verifytest.Edit(b.Build(), func(m map[string]any) {
		ev := verifytest.At(m, "events", 2).(map[string]any)
		set(p("payload", "graph_snapshot", "paper", "headline"), "rewritten")(ev)
		delete(ev, "signature")
		delete(ev, "content_sha256")
		delete(ev, "event_id")
		d := jcsSHA256(t, mustJSON(t, ev))
		ev["content_sha256"], ev["event_id"] = d, "sha256:"+d
		ev["signature"] = verifytest.At(verifytest.Decode(b.Build()), "events", 2, "signature")
	})
	data = verifytest.Restate(data, b.Signer, b.Signer.Trust())
	r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	expectNotOK(t, r, map[string]int{verify.CheckEventSignature: 1})
	if _, ok := r.Find(verify.CheckEventDigest, "event:"+ids[1]); ok {
		t.Error("the rewritten event kept its old id")
	}
}
