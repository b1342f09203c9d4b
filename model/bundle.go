package model

import (
	"fmt"
	"strconv"
)

// Bundle is a Pith open graph bundle as received. Typed fields are read from
// Root; every object keeps its received bytes (Value.Raw), so digests are
// computed over what arrived, unknown fields included.
type Bundle struct {
	Doc  *Doc
	Root Value

	BundleType      string
	BundleVersion   string
	PithNumber      string
	ShortPithNumber string
	CanonicalRecord Value
	CanonicalSHA256 string
	SubmittedAt     string // canonical_record.metadata.submitted_at: its year is the pith number's
	Source          Source
	SourceAliases   []Alias
	Events          []Event
	TimestampProofs Value
	MirrorHints     []MirrorHint
	PublicKeys      []PublicKey
	MergeVersion    string
	BuiltAt         string
	Links           Value
	State           State
	BundleSignature Signature

	// digestRead is sha256(JCS(bundle minus bundle_signature)) when it was
	// hashed while the bundle was read (readhash.go), else "".
	digestRead string
}

// Source names the paper a record is about.
type Source struct {
	Kind    string
	ID      string
	Version int64
}

// Alias is one entry of source_aliases.
type Alias struct {
	Kind      string
	Value     string
	CreatedAt string
}

// Signer names who signed an event.
type Signer struct {
	SignerID    string
	SignerType  string
	KeyID       string
	Fingerprint string // public_key_fingerprint
	Value       Value
}

// Signature is an event's, a receipt's, or the bundle's signature block.
type Signature struct {
	Status        string // signature_status: a claim, never evidence
	Algorithm     string
	KeyID         string
	Fingerprint   string
	SignatureB64  string
	SignedMessage string
	SignedAt      string
	Digest        string // bundle_sha256 for the bundle signature, canonical_sha256 for a receipt
	Value         Value
}

// Event is one signed event.
type Event struct {
	Index             int
	Value             Value
	EventType         string
	SubjectPithNumber string
	Target            string
	Payload           Value
	Signer            Signer
	CreatedAt         string
	Supersedes        []string
	PrevEvent         string // "" when null
	Signature         Signature
	ContentSHA256     string
	SchemaVersion     string
	EventID           string
}

// Receipt returns the receipt inside a record_created payload.
func (e *Event) Receipt() (Signature, bool) {
	v := e.Payload.Get("receipt")
	if v.Kind() != KindObject {
		return Signature{}, false
	}
	s, err := readSignature(v, "$.payload.receipt")
	if err != nil {
		return Signature{}, false
	}
	s.Digest = v.Get("canonical_sha256").Str()
	return s, true
}

// MirrorHint is one place a bundle can also be fetched from.
type MirrorHint struct {
	MirrorType         string
	Name               string
	BaseURL            string
	BundleURL          string
	StateURL           string
	WellKnownBundleURL string
	Status             string
}

// PublicKey is one entry of public_keys: delivered by the bundle, so
// untrusted until it matches a pinned key.
type PublicKey struct {
	KeyID          string
	Algorithm      string
	Format         string
	PublicKeyB64   string
	PublicKeyHex   string
	FingerprintB32 string // fingerprint_sha256_b32_first128bits
	FingerprintHex string // fingerprint_sha256_hex
	RotatesAt      string
	URL            string
	Notes          string
	Value          Value
}

// State is the merged state the bundle serves.
type State struct {
	Value             Value
	StateSHA256       string
	PithNumber        string
	MergeVersion      string
	EventCount        int64
	ValidEventCount   int64
	InvalidEventCount int64
	EquivocationCount int64
	AppliedEventIDs   []string
	InvalidEvents     Value
	Equivocations     Value
	Current           Value
}

// Parse reads a bundle from bytes. It refuses input that is not exactly one
// strict JSON object (see ParseDoc) and fields of the wrong JSON type, naming
// the JSON path. Missing fields read as empty: the checks report them.
func Parse(src []byte) (*Bundle, error) {
	doc, digest, err := parseBundleDoc(src)
	if err != nil {
		return nil, err
	}
	return bundleFromDoc(doc, digest)
}

// ParseDocument reads either a bundle or an equivocation evidence file
// (which `pithscope verify` also checks); exactly one result is non-nil.
func ParseDocument(src []byte) (*Bundle, *Evidence, error) {
	doc, digest, err := parseBundleDoc(src)
	if err != nil {
		return nil, nil, err
	}
	if IsEvidence(doc.Root()) {
		ev, err := evidenceFromDoc(doc)
		return nil, ev, err
	}
	b, err := bundleFromDoc(doc, digest)
	return b, nil, err
}

// bundleFromDoc reads the bundle in doc. digest is the bundle's digest
// (without its signature) when reading found it canonical as received.
func bundleFromDoc(doc *Doc, digest string) (*Bundle, error) {
	root := doc.Root()
	if root.Kind() != KindObject {
		return nil, &ParseError{Path: "$", Offset: -1, Msg: fmt.Sprintf("a bundle must be a JSON object, found %s", root.Kind())}
	}
	r := &reader{}
	b := &Bundle{Doc: doc, Root: root, digestRead: digest}
	b.BundleType = r.str(root, "bundle_type", "$")
	b.BundleVersion = r.str(root, "bundle_version", "$")
	b.PithNumber = r.str(root, "pith_number", "$")
	b.ShortPithNumber = r.str(root, "short_pith_number", "$")
	b.CanonicalRecord = r.obj(root, "canonical_record", "$")
	b.SubmittedAt = r.str(b.CanonicalRecord.Get("metadata"), "submitted_at", "$.canonical_record.metadata")
	b.CanonicalSHA256 = r.str(root, "canonical_sha256", "$")
	src0 := r.obj(root, "source", "$")
	b.Source = Source{Kind: r.str(src0, "kind", "$.source"), ID: r.str(src0, "id", "$.source"), Version: r.int(src0, "version", "$.source")}
	for i, a := range r.arr(root, "source_aliases", "$") {
		p := "$.source_aliases[" + strconv.Itoa(i) + "]"
		r.mustObj(a, p)
		b.SourceAliases = append(b.SourceAliases, Alias{Kind: r.str(a, "alias_kind", p), Value: r.str(a, "alias_value", p), CreatedAt: r.str(a, "created_at", p)})
	}
	events, err := readEvents(r.arr(root, "events", "$"))
	if r.err == nil {
		r.err = err
	}
	if r.err != nil {
		return nil, r.err
	}
	b.Events = events
	b.TimestampProofs = root.Get("timestamp_proofs")
	for i, m := range r.arr(root, "mirror_hints", "$") {
		p := "$.mirror_hints[" + strconv.Itoa(i) + "]"
		r.mustObj(m, p)
		b.MirrorHints = append(b.MirrorHints, MirrorHint{
			MirrorType: r.str(m, "mirror_type", p), Name: r.str(m, "name", p), BaseURL: r.str(m, "base_url", p),
			BundleURL: r.str(m, "bundle_url", p), StateURL: r.str(m, "state_url", p),
			WellKnownBundleURL: r.str(m, "well_known_bundle_url", p), Status: r.str(m, "status", p),
		})
	}
	for i, k := range r.arr(root, "public_keys", "$") {
		key, err := ParsePublicKey(k, "$.public_keys["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		b.PublicKeys = append(b.PublicKeys, key)
	}
	b.MergeVersion = r.str(root, "merge_version", "$")
	b.BuiltAt = r.str(root, "built_at", "$")
	b.Links = root.Get("links")
	r.shared = true
	b.State = r.state(r.obj(root, "state", "$"))
	r.shared = false
	bs := r.obj(root, "bundle_signature", "$")
	b.BundleSignature = r.signature(bs, "$.bundle_signature")
	b.BundleSignature.Digest = r.str(bs, "bundle_sha256", "$.bundle_signature")
	if r.err != nil {
		return nil, r.err
	}
	return b, nil
}

// ParsePublicKey reads one public_keys entry (also the shape of a
// --trust-key file).
func ParsePublicKey(k Value, path string) (PublicKey, error) {
	r := &reader{}
	r.mustObj(k, path)
	key := PublicKey{
		KeyID: r.str(k, "key_id", path), Algorithm: r.str(k, "algorithm", path), Format: r.str(k, "format", path),
		PublicKeyB64: r.str(k, "public_key_b64", path), PublicKeyHex: r.str(k, "public_key_hex", path),
		FingerprintB32: r.str(k, "fingerprint_sha256_b32_first128bits", path), FingerprintHex: r.str(k, "fingerprint_sha256_hex", path),
		RotatesAt: r.str(k, "rotates_at", path), URL: r.str(k, "url", path), Notes: r.str(k, "notes", path), Value: k,
	}
	return key, r.err
}

// EventByID finds an event by its claimed event_id.
func (b *Bundle) EventByID(id string) (*Event, bool) {
	for i := range b.Events {
		if b.Events[i].EventID == id {
			return &b.Events[i], true
		}
	}
	return nil, false
}

// reader reads typed fields and keeps the first type error.
type reader struct {
	err error
	// shared reads strings without copying them out of the input (see
	// Value.sharedStr): for the events and the state, whose strings are
	// most of a bundle's and live exactly as long as it.
	shared bool
}

func (r *reader) typeErr(path string, want string, v Value) {
	if r.err == nil {
		r.err = &ParseError{Path: path, Offset: -1, Msg: fmt.Sprintf("expected %s, found %s", want, v.Kind())}
	}
}

func (r *reader) mustObj(v Value, path string) {
	if v.Kind() != KindObject {
		r.typeErr(path, "object", v)
	}
}

// str reads an optional string member; null and missing read as "".
func (r *reader) str(obj Value, key, path string) string {
	v := obj.Get(key)
	switch v.Kind() {
	case KindString:
		if r.shared {
			return v.sharedStr()
		}
		return v.Str()
	case KindInvalid, KindNull:
		return ""
	}
	r.typeErr(path+PathKey(key), "string", v)
	return ""
}

func (r *reader) int(obj Value, key, path string) int64 {
	v := obj.Get(key)
	switch v.Kind() {
	case KindNumber:
		if n, ok := v.Int(); ok {
			return n
		}
		if r.err == nil {
			r.err = &ParseError{Path: path + PathKey(key), Offset: -1, Msg: fmt.Sprintf("expected an integer, found the number %.40s", v.Raw())}
		}
	case KindInvalid, KindNull:
	default:
		r.typeErr(path+PathKey(key), "integer", v)
	}
	return 0
}

func (r *reader) obj(obj Value, key, path string) Value {
	v := obj.Get(key)
	switch v.Kind() {
	case KindObject, KindInvalid:
		return v
	}
	r.typeErr(path+PathKey(key), "object", v)
	return Value{}
}

func (r *reader) arr(obj Value, key, path string) []Value {
	v := obj.Get(key)
	switch v.Kind() {
	case KindArray:
		return v.Elems()
	case KindInvalid, KindNull:
		return nil
	}
	r.typeErr(path+PathKey(key), "array", v)
	return nil
}

func (r *reader) strList(obj Value, key, path string) []string {
	var out []string
	for i, v := range r.arr(obj, key, path) {
		if v.Kind() != KindString {
			r.typeErr(path+PathKey(key)+"["+strconv.Itoa(i)+"]", "string", v)
			continue
		}
		if r.shared {
			out = append(out, v.sharedStr())
		} else {
			out = append(out, v.Str())
		}
	}
	return out
}

func (r *reader) signature(v Value, path string) Signature {
	return Signature{
		Status: r.str(v, "signature_status", path), Algorithm: r.str(v, "algorithm", path),
		KeyID: r.str(v, "key_id", path), Fingerprint: r.str(v, "public_key_fingerprint", path),
		SignatureB64: r.str(v, "signature_b64", path), SignedMessage: r.str(v, "signed_message", path),
		SignedAt: r.str(v, "signed_at", path), Value: v,
	}
}

func readSignature(v Value, path string) (Signature, error) {
	r := &reader{}
	s := r.signature(v, path)
	return s, r.err
}

func (r *reader) event(i int, v Value) Event {
	p := "$.events[" + strconv.Itoa(i) + "]"
	if v.Kind() != KindObject {
		r.typeErr(p, "object", v)
		return Event{}
	}
	signer := r.obj(v, "signer", p)
	sig := r.obj(v, "signature", p)
	return Event{
		Index: i, Value: v,
		EventType: r.str(v, "event_type", p), SubjectPithNumber: r.str(v, "subject_pith_number", p),
		Target: r.str(v, "target", p), Payload: v.Get("payload"),
		Signer: Signer{
			SignerID: r.str(signer, "signer_id", p+".signer"), SignerType: r.str(signer, "signer_type", p+".signer"),
			KeyID: r.str(signer, "key_id", p+".signer"), Fingerprint: r.str(signer, "public_key_fingerprint", p+".signer"),
			Value: signer,
		},
		CreatedAt: r.str(v, "created_at", p), Supersedes: r.strList(v, "supersedes", p),
		PrevEvent: r.str(v, "prev_event", p), Signature: r.signature(sig, p+".signature"),
		ContentSHA256: r.str(v, "content_sha256", p), SchemaVersion: r.str(v, "schema_version", p),
		EventID: r.str(v, "event_id", p),
	}
}

func (r *reader) state(v Value) State {
	p := "$.state"
	s := State{
		Value: v, StateSHA256: r.str(v, "state_sha256", p), PithNumber: r.str(v, "pith_number", p),
		MergeVersion: r.str(v, "merge_version", p),
		EventCount:   r.int(v, "event_count", p), ValidEventCount: r.int(v, "valid_event_count", p),
		InvalidEventCount: r.int(v, "invalid_event_count", p), EquivocationCount: r.int(v, "equivocation_count", p),
		AppliedEventIDs: r.strList(v, "applied_event_ids", p),
		InvalidEvents:   v.Get("invalid_events"), Equivocations: v.Get("equivocations"),
		Current: r.obj(v, "current", p),
	}
	return s
}
