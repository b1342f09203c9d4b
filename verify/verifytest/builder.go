// Package verifytest builds Pith bundles signed with keys made in the test,
// so that every check can be made to fail for a known reason. The digests,
// signatures and state are computed with the same rules the verifier uses;
// the real bundle in testdata/ is what proves those rules right.
package verifytest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Signer is a key made in the test.
type Signer struct {
	KeyID string
	Priv  ed25519.PrivateKey
}

// NewSigner derives a key deterministically from a seed phrase.
func NewSigner(keyID, seed string) Signer {
	s := sha256.Sum256([]byte(seed))
	return Signer{KeyID: keyID, Priv: ed25519.NewKeyFromSeed(s[:])}
}

// Public is the raw public key.
func (s Signer) Public() ed25519.PublicKey { return s.Priv.Public().(ed25519.PublicKey) }

// Fingerprint is the key's fingerprint_sha256_hex.
func (s Signer) Fingerprint() string { fp, _ := model.KeyFingerprints(s.Public()); return fp }

// KeyEntry is the key as a public_keys entry (also a --trust-key file).
func (s Signer) KeyEntry() map[string]any {
	raw := s.Public()
	fp, fpB32 := model.KeyFingerprints(raw)
	return map[string]any{
		"key_id": s.KeyID, "algorithm": "ed25519", "format": "raw",
		"public_key_b64": base64.StdEncoding.EncodeToString(raw), "public_key_hex": hex.EncodeToString(raw),
		"fingerprint_sha256_b32_first128bits": fpB32, "fingerprint_sha256_hex": fp,
		"rotates_at": nil, "url": "https://example.test/key.json", "notes": "test key",
	}
}

// KeyFile is KeyEntry as JSON.
func (s Signer) KeyFile() []byte { out, _ := json.Marshal(s.KeyEntry()); return out }

// Trust returns a trust store that trusts this signer's key.
func (s Signer) Trust() *verify.TrustStore {
	t := verify.NewTrustStore()
	if err := t.AddFile(s.KeyFile(), "test"); err != nil {
		panic(err)
	}
	return t
}

// sign signs the raw bytes of a hex digest.
func (s Signer) sign(digestHex string) string {
	raw, _ := hex.DecodeString(digestHex)
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.Priv, raw))
}

// Event describes an event to add.
type Event struct {
	Type       string
	Target     string
	CreatedAt  string
	Payload    map[string]any
	PrevEvent  string   // "" for null
	Supersedes []string // event ids
	Subject    string   // "" for the bundle's own pith number
	Signer     *Signer  // nil for the builder's signer
	// BadSignature signs other bytes, so the event's signature fails.
	BadSignature bool
}

// Builder assembles a bundle.
type Builder struct {
	Signer   Signer
	Year     string
	SourceID string
	// Title is the paper's title, which the record commits to
	// (title_canon_sha256). Empty means the title of the first graph
	// snapshot among Events, so that a bundle's snapshots agree with its
	// record unless a test makes them differ; set it before adding events
	// whose ids you keep when the first snapshot comes later.
	Title     string
	Events    []Event
	ExtraKeys []Signer // other keys to list in public_keys
	// StateTrust, when set, is the trust the served state is computed
	// under (e.g. to trust a signer whose key is not in the bundle).
	StateTrust  *verify.TrustStore
	recordAdded bool
}

// New returns a builder with a record_created event, signed by a test key.
func New() *Builder {
	b := &Builder{Signer: NewSigner("test-key-1", "pithscope test key 1"), Year: "2021", SourceID: "2101.00001"}
	return b
}

// The paper fields every generated record and snapshot share.
const (
	license    = "http://creativecommons.org/licenses/by/4.0/"
	primaryCat = "cs.CR"
	crossCat   = "cs.DS"
)

// Record is the canonical record the builder uses.
func (b *Builder) Record() map[string]any {
	return map[string]any{
		"source": map[string]any{"id": b.SourceID, "kind": "arxiv", "version": 1},
		"metadata": map[string]any{
			"license": license, "primary_cat": primaryCat,
			"submitted_at": b.submittedAt(), "cross_cats_sorted": []any{crossCat},
			"title_canon_sha256": model.TitleCanonSHA256(b.title()), "abstract_canon_sha256": strings.Repeat("cd", 32),
		},
		"schema_version": "1.0",
	}
}

func (b *Builder) submittedAt() string { return b.Year + "-03-04T05:06:07Z" }

// title is Title, or the title of the first graph snapshot.
func (b *Builder) title() string {
	if b.Title != "" {
		return b.Title
	}
	for _, e := range b.Events {
		snapshot, _ := e.Payload["graph_snapshot"].(map[string]any)
		paper, _ := snapshot["paper"].(map[string]any)
		if t, ok := paper["title"].(string); ok && e.Type == "graph_snapshot" {
			return t
		}
	}
	return "A Paper With No Snapshot"
}

// CanonicalSHA256 is the record's digest.
func (b *Builder) CanonicalSHA256() string { return digest(b.Record()) }

// PithNumber is the number the record hashes to.
func (b *Builder) PithNumber() string {
	n, err := model.PithNumber(b.CanonicalSHA256(), b.Year+"-03-04T05:06:07Z")
	if err != nil {
		panic(err)
	}
	return n
}

// Add appends an event and returns its event id.
func (b *Builder) Add(e Event) string {
	b.Events = append(b.Events, e)
	return b.eventID(len(b.Events) - 1)
}

// AddSnapshot appends a graph_snapshot event with a small graph.
func (b *Builder) AddSnapshot(createdAt, prev string, title string) string {
	return b.Add(Event{Type: "graph_snapshot", Target: "graph", CreatedAt: createdAt, PrevEvent: prev, Payload: b.SnapshotPayload(title, 3)})
}

// SnapshotPayload is a graph_snapshot payload for New()'s record.
func SnapshotPayload(title string, n int) map[string]any { return New().SnapshotPayload(title, n) }

// SnapshotPayload is a graph_snapshot payload with n claims, shaped like the
// real bundle's, whose paper and source agree with the builder's record
// (its title does when it is the record's title).
func (b *Builder) SnapshotPayload(title string, n int) map[string]any {
	items := make([]any, n)
	for i := range items {
		items[i] = map[string]any{"id": fmt.Sprintf("c%d", i), "text": fmt.Sprintf("Claim %d about %s holds under stated assumptions.", i, title), "strength": i % 3}
	}
	snap := "258153158e38e3291e3d48162225fcdb2d5a3ed65a07baac614ab91432fd4f57"
	return map[string]any{
		"graph_snapshot": map[string]any{
			"paper": map[string]any{"title": title, "authors_text": "A. Author, B. Author", "primary_cat": primaryCat,
				"cross_cats": []any{crossCat}, "submitted_at": b.submittedAt(), "license": license,
				"headline": "", "abstract_excerpt": "We study " + title + "."},
			"claims":          map[string]any{"count": n, "items": items, "snapshot_sha256": snap},
			"references":      map[string]any{"count": 0, "sample": []any{}, "resolved_work": 0, "internal_anchors": 0, "snapshot_sha256": snap},
			"formal_canon":    map[string]any{"evidence_count": 0, "snapshot_sha256": snap},
			"author_claims":   map[string]any{"count": 0, "strong_count": 0, "snapshot_sha256": snap},
			"source":          map[string]any{"id": b.SourceID, "kind": "arxiv", "version": 1},
			"builder_version": "verifytest",
		},
		"verdict_id": nil,
	}
}

// WithRecord adds the record_created event (with its receipt) first.
func (b *Builder) WithRecord() *Builder {
	if !b.recordAdded {
		b.recordAdded = true
		rec := Event{Type: model.RecordCreated, Target: "record", CreatedAt: "2026-01-01T00:00:00Z"}
		b.Events = append([]Event{rec}, b.Events...)
	}
	return b
}

func (b *Builder) signerOf(e Event) Signer {
	if e.Signer != nil {
		return *e.Signer
	}
	return b.Signer
}

// event builds event i without its signature, digest and id, then
// completes it.
func (b *Builder) event(i int) map[string]any {
	e := b.Events[i]
	s := b.signerOf(e)
	payload := e.Payload
	if e.Type == model.RecordCreated && payload == nil {
		cd := b.CanonicalSHA256()
		payload = map[string]any{
			"canonical_record": b.Record(), "canonical_sha256": cd,
			"receipt": map[string]any{
				"kind": "pith_receipt", "key_id": s.KeyID, "algorithm": "ed25519", "signed_at": "2026-01-01T00:00:00Z",
				"signature_b64": s.sign(cd), "signed_message": "canonical_sha256_bytes", "canonical_sha256": cd,
				"signature_status": "signed_v1", "public_key_fingerprint": s.Fingerprint(),
			},
			"source_kind": "arxiv", "source_id": b.SourceID, "source_version": 1,
		}
	}
	if payload == nil {
		payload = map[string]any{}
	}
	subject := e.Subject
	if subject == "" {
		subject = b.PithNumber()
	}
	var prev any
	if e.PrevEvent != "" {
		prev = e.PrevEvent
	}
	supersedes := []any{}
	for _, id := range e.Supersedes {
		supersedes = append(supersedes, id)
	}
	ev := map[string]any{
		"event_type": e.Type, "subject_pith_number": subject, "target": e.Target, "payload": payload,
		"signer":     map[string]any{"signer_id": "test", "signer_type": "test_signer", "key_id": s.KeyID, "public_key_fingerprint": s.Fingerprint()},
		"created_at": e.CreatedAt, "supersedes": supersedes, "prev_event": prev, "schema_version": "1.0",
	}
	SignEvent(ev, s)
	if e.BadSignature {
		At(ev, "signature").(map[string]any)["signature_b64"] = s.sign(digest("not the event"))
	}
	return ev
}

// SignEvent completes an event (without signature, content_sha256 and
// event_id) as its signer would: its digest, its id, and a signature by s
// over the digest, signed at its created_at.
func SignEvent(ev map[string]any, s Signer) {
	d := digest(ev)
	ev["content_sha256"] = d
	ev["event_id"] = "sha256:" + d
	ev["signature"] = map[string]any{
		"signature_status": "signed_v1", "algorithm": "ed25519", "key_id": s.KeyID,
		"public_key_fingerprint": s.Fingerprint(), "signature_b64": s.sign(d),
		"signed_message": "open_graph_event_sha256_bytes", "signed_at": ev["created_at"],
	}
}

func (b *Builder) eventID(i int) string { return b.event(i)["event_id"].(string) }

// Build returns the signed bundle as JSON: the state is recomputed with the
// verifier's merge and signed into the bundle digest.
func (b *Builder) Build() []byte {
	number := b.PithNumber()
	body := model.BodyOf(number)
	aliases := []any{
		map[string]any{"alias_kind": "arxiv", "alias_value": b.SourceID, "created_at": "2026-01-01T00:00:00Z"},
		map[string]any{"alias_kind": "arxiv_version", "alias_value": b.SourceID + "v1", "created_at": "2026-01-01T00:00:00Z"},
		map[string]any{"alias_kind": "doi", "alias_value": "10.48550/arxiv." + b.SourceID, "created_at": "2026-01-01T00:00:00Z"},
	}
	for _, n := range model.ShortLens {
		aliases = append(aliases, map[string]any{"alias_kind": fmt.Sprintf("pith_short_%d", n), "alias_value": body[:n], "created_at": "2026-01-01T00:00:00Z"})
	}
	events := make([]any, len(b.Events))
	for i := range b.Events {
		events[i] = b.event(i)
	}
	keys := []any{b.Signer.KeyEntry()}
	for _, k := range b.ExtraKeys {
		keys = append(keys, k.KeyEntry())
	}
	base := "https://mirror.example.test"
	bundle := map[string]any{
		"bundle_type": "pith_open_graph_bundle", "bundle_version": "1.0",
		"pith_number": number, "short_pith_number": model.ShortPithNumber(body),
		"canonical_record": b.Record(), "canonical_sha256": b.CanonicalSHA256(),
		"source": map[string]any{"kind": "arxiv", "id": b.SourceID, "version": 1}, "source_aliases": aliases,
		"events": events, "timestamp_proofs": []any{},
		"mirror_hints": []any{map[string]any{"mirror_type": "https", "name": "Test mirror", "base_url": base,
			"bundle_url": base + "/pith/" + body + "/bundle.json", "state_url": base + "/pith/" + body + "/state.json",
			"well_known_bundle_url": base + "/.well-known/pith/" + body + "/bundle.json", "status": "primary"}},
		"public_keys": keys, "merge_version": model.MergeVersion, "built_at": "2026-01-02T00:00:00Z",
		"links": map[string]any{"bundle": base + "/pith/" + body + "/bundle.json"},
		"state": map[string]any{},
	}
	// The state is what the verifier's merge makes of these events, with
	// this signer's key trusted as a signer of events.
	return Restate(marshal(bundle), b.Signer, b.stateTrust())
}

// Restate replaces a bundle's state with the one the verifier's merge
// makes of its events under trust, with its state_sha256, and signs the
// bundle with s: what a server holding s serves after changing events.
func Restate(data []byte, s Signer, trust *verify.TrustStore) []byte {
	parsed, err := model.Parse(data)
	if err != nil {
		panic(err)
	}
	stateJSON, err := verify.Verify(parsed, verify.Options{Trust: trust}).Merge.StateJSON()
	if err != nil {
		panic(err)
	}
	state := Decode(stateJSON)
	state["state_sha256"] = digest(state)
	bundle := Decode(data)
	bundle["state"] = state
	return Sign(marshal(bundle), s)
}

// stateTrust is the trust the served state is computed under: StateTrust
// when set, else the pinned key and the builder's signer. A signer that
// reuses a pinned key id with other bytes (an impostor) cannot be trusted
// beside the pinned key, so the state is then what the pinned key makes of
// its events.
func (b *Builder) stateTrust() *verify.TrustStore {
	if b.StateTrust != nil {
		return b.StateTrust
	}
	t := verify.NewTrustStore()
	_ = t.AddFile(b.Signer.KeyFile(), "test") // refused for an impostor: pinned only
	return t
}

// Sign recomputes bundle_sha256 over data (minus bundle_signature) and signs
// it with s, as a server holding s would.
func Sign(data []byte, s Signer) []byte {
	bundle := Decode(data)
	delete(bundle, "bundle_signature")
	d := digest(bundle)
	bundle["bundle_signature"] = map[string]any{
		"signature_status": "signed_v1", "algorithm": "ed25519", "key_id": s.KeyID,
		"public_key_fingerprint": s.Fingerprint(), "signature_b64": s.sign(d),
		"signed_message": "bundle_sha256_bytes", "signed_at": "2026-01-02T00:00:00Z", "bundle_sha256": d,
	}
	return marshal(bundle)
}

// Decode reads JSON into maps, keeping numbers exact.
func Decode(data []byte) map[string]any {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	return m
}

// Edit decodes a bundle, lets fn change it, and encodes it again. Digests
// and signatures are left as they were: that is what tampering looks like.
func Edit(data []byte, fn func(bundle map[string]any)) []byte {
	m := Decode(data)
	fn(m)
	return marshal(m)
}

// At walks a decoded bundle along keys and indices, e.g. At(m, "events", 0, "signer").
func At(m any, path ...any) any {
	cur := m
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur
}

func marshal(v any) []byte {
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return out
}

func digest(v any) string {
	c, err := jcs.Transform(marshal(v))
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:])
}

// Generate builds a bundle of n events: the record, then a chain of
// graph snapshots of the same paper, each naming the one before as
// prev_event and saying which revision it is in its headline.
func Generate(n int) []byte {
	b := New().WithRecord()
	b.Title = "A Paper Revised Many Times"
	prev := ""
	for i := 1; i < n; i++ {
		payload := b.SnapshotPayload(b.Title, 0)
		At(payload, "graph_snapshot", "paper").(map[string]any)["headline"] = fmt.Sprintf("revision %d", i)
		prev = b.Add(Event{Type: "graph_snapshot", Target: "graph", PrevEvent: prev,
			CreatedAt: fmt.Sprintf("2026-01-01T%02d:%02d:%02dZ", i/3600%24, i/60%60, i%60), Payload: payload})
	}
	return b.Build()
}

// RealBundle reads the real bundle pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T
// from the module's testdata/, from a test in any of the module's packages.
func RealBundle(tb testing.TB) []byte {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "testdata", "seed-M5BNRHPU.json"))
		if err == nil {
			return data
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testdata/seed-M5BNRHPU.json is not in the test's directory or above it")
		}
		dir = parent
	}
}
