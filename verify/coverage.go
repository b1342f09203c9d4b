package verify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// What proves each place of a bundle, in one place, so that every value a
// reader shows either names the passed check behind it or says "not
// verified" and why. The bundle digest covers everything but
// bundle_signature, so whatever no narrower check proves is proven by the
// bundle signature, and only when it verifies with a key the user trusts.
// Nothing covers bundle_signature's signed_at and signature_status, and a
// timestamp proof's bytes are signed but what it proves is never checked.

// Coverage says which passed check proves the value at one place of a
// bundle, or why none does.
type Coverage struct {
	Check string // the passed check that proves it, "" when none does
	KeyID string // for a signature: the key it verified with
	Trust Trust  // and that key's trust
	// Unchecked is set when the bytes are signed but what they claim is
	// never checked (a timestamp proof): present, not verified.
	Unchecked string
	Reason    string // why it is not verified, when Check is ""
}

// Verified is true when a passed check proves the value.
func (c Coverage) Verified() bool { return c.Check != "" && c.Unchecked == "" }

// String says it for people: "event_signature by pith-v1-2026-05
// (pinned)", "record_match: the record confirms it", "not verified:
// outside every digest and signature".
func (c Coverage) String() string {
	by := c.Check
	if c.KeyID != "" {
		by += " by " + c.KeyID + " (" + string(c.Trust) + ")"
	} else if what := coveredBy[c.Check]; what != "" {
		by += ": " + what
	}
	switch {
	case c.Unchecked != "":
		return "not verified: " + c.Unchecked + " (its bytes are under " + by + ")"
	case c.Check == "":
		return "not verified: " + c.Reason
	}
	return by
}

// coveredBy says what a passed check that is not a signature proves of
// the places it covers.
var coveredBy = map[string]string{
	CheckCanonicalDigest: "the pith number commits to it",
	CheckPithNumber:      "derived from the record",
	CheckShortPithNumber: "derived from the record",
	CheckAliases:         "derived from the record",
	CheckRecordMatch:     "the record confirms it",
	CheckKeyFingerprint:  "computed from the key",
	CheckKeyTrust:        "the key is one you trust",
	CheckEventDigest:     "computed from the event",
	CheckEventID:         "computed from the event",
	CheckStateDigest:     "computed from the state",
	CheckStateRecompute:  "recomputed from the valid events",
	CheckBundleDigest:    "computed from the bundle",
}

// Reasons a place is not verified.
const (
	notCovered      = "outside every digest and signature"
	proofUnchecked  = "a timestamp proof's content is never checked: present is not verified"
	partlyUncovered = "bundle_signature's signed_at and signature_status are outside every digest and signature"
)

// signatureFields are the members of a signature block its check decides.
var signatureFields = []string{"signature_b64", "algorithm", "key_id", "public_key_fingerprint", "signed_message"}

// Coverage says what proves the value at path, a JSON path into the
// bundle the report is about ("$.events[1].payload.graph_snapshot.paper.
// title", as model.PathKey and the explorer's tree write it).
func (r *Report) Coverage(path string) Coverage {
	steps, err := model.ParsePath(path)
	if err != nil {
		return Coverage{Reason: err.Error()}
	}
	b := r.bundle
	if b == nil {
		return Coverage{Reason: "no bundle was verified"}
	}
	key := func(i int) string {
		if i < len(steps) && !steps[i].IsIndex {
			return steps[i].Key
		}
		return ""
	}
	index := func(i int) (int, bool) {
		if i < len(steps) && steps[i].IsIndex {
			return steps[i].Index, true
		}
		return 0, false
	}
	switch key(0) {
	case "":
		if len(steps) == 0 {
			return Coverage{Reason: partlyUncovered}
		}
	case "bundle_signature":
		switch f := key(1); {
		case len(steps) == 1:
			return Coverage{Reason: partlyUncovered}
		case f == "bundle_sha256":
			return r.passed(CheckBundleDigest, SubjectBundle, "the bundle digest does not match")
		case slices.Contains(signatureFields, f):
			return r.signedBy(CheckBundleSignature, SubjectBundle, b.BundleSignature.KeyID)
		}
		return Coverage{Reason: notCovered}
	case "canonical_record", "canonical_sha256":
		if c := r.passed(CheckPithNumber, SubjectBundle, "the record does not hash to the pith number"); !c.Verified() {
			return c
		}
		return r.passed(CheckCanonicalDigest, SubjectBundle, "the record does not hash to its canonical_sha256")
	case "pith_number":
		return r.passed(CheckPithNumber, SubjectBundle, "not the number the record hashes to")
	case "short_pith_number":
		return r.passed(CheckShortPithNumber, SubjectBundle, "not the start of the number the record hashes to")
	case "source":
		fields := matchRules(b.CanonicalRecord, b.Root, "$", bundleSourceRules)
		return r.recordConfirms(SubjectBundle, fields, model.FormatPath(steps), r.bundleCover())
	case "source_aliases":
		if i, ok := index(1); ok && i < len(b.SourceAliases) && strings.HasPrefix(b.SourceAliases[i].Kind, "pith_short_") {
			return r.passed(CheckAliases, "alias:"+b.SourceAliases[i].Kind, "not the start of the number the record hashes to")
		}
	case "public_keys":
		if i, ok := index(1); ok && i < len(b.PublicKeys) {
			switch key(2) {
			case "fingerprint_sha256_hex", "fingerprint_sha256_b32_first128bits":
				return r.passed(CheckKeyFingerprint, KeySubject(b.PublicKeys[i].KeyID), "not computed from the key")
			case "public_key_hex", "public_key_b64", "key_id":
				if _, ok := r.Find(CheckKeyTrust, KeySubject(b.PublicKeys[i].KeyID)); ok {
					return r.passed(CheckKeyTrust, KeySubject(b.PublicKeys[i].KeyID), "only the bundle vouches for this key")
				}
			}
		}
	case "state":
		if key(1) == "state_sha256" {
			return r.passed(CheckStateDigest, SubjectBundle, "the state's digest does not match")
		}
		return r.passed(CheckStateRecompute, SubjectBundle, "the served state is not the one the events give")
	case "timestamp_proofs":
		c := r.bundleCover()
		if c.Check != "" && (len(steps) > 1 || b.TimestampProofs.Len() > 0) {
			c.Unchecked = proofUnchecked
		}
		return c
	case "events":
		if i, ok := index(1); ok && i < len(b.Events) {
			return r.eventCoverage(i, steps[2:])
		}
	}
	return r.bundleCover()
}

// eventCoverage is Coverage inside event i; rest is the path below it.
func (r *Report) eventCoverage(i int, rest []model.PathStep) Coverage {
	e := &r.bundle.Events[i]
	subject := r.eventSubject(i)
	member := ""
	if len(rest) > 0 && !rest[0].IsIndex {
		member = rest[0].Key
	}
	switch member {
	case "content_sha256":
		return r.passed(CheckEventDigest, subject, "not the event's digest")
	case "event_id":
		return r.passed(CheckEventID, subject, "not the event's id")
	case "signature":
		if len(rest) > 1 && slices.Contains(signatureFields, rest[1].Key) {
			return r.signedBy(CheckEventSignature, subject, e.Signature.KeyID)
		}
		return r.bundleCover() // signed_at, signature_status: outside the event's digest
	}
	signed := r.signedBy(CheckEventSignature, subject, e.Signature.KeyID)
	if !signed.Verified() {
		return signed
	}
	if c := r.passed(CheckEventDigest, subject, "its digest does not match"); !c.Verified() {
		return c
	}
	if len(rest) == 0 { // the whole event, its signature block's claims too
		if b := r.bundleCover(); !b.Verified() {
			return Coverage{Reason: "its signature block's signed_at and signature_status are " + notCovered}
		}
		return signed
	}
	if member != "payload" {
		return signed // the copies of the record are in the payload: not worth listing them here
	}
	switch e.EventType {
	case "graph_snapshot":
		return r.recordConfirms(subject, SnapshotPaper(r.bundle, e), model.FormatPath(rest), signed)
	case model.RecordCreated:
		return r.recordConfirms(subject, recordCreatedCopies(r.bundle, e, r.CanonicalSHA256), model.FormatPath(rest), signed)
	}
	return signed
}

// recordConfirms is the coverage of the value at rel inside a copy of the
// record (fields, as matchRules describes them, with paths relative to the
// copy): record_match when the record confirms it, not verified when it
// contradicts it, else otherwise (what signed it).
func (r *Report) recordConfirms(subject string, fields []PaperField, rel string, otherwise Coverage) Coverage {
	for _, f := range fields {
		if f.Path != rel {
			continue
		}
		switch f.Match {
		case FieldContradicts:
			return Coverage{Reason: fmt.Sprintf("contradicts the record (its %s is %s)", f.RecordField, model.Quote(f.Record))}
		case FieldAgrees:
			if c := r.passed(CheckRecordMatch, subject, "record_match failed"); c.Verified() {
				return c
			}
		}
	}
	return otherwise
}

// bundleCover is what proves a place nothing narrower covers: the bundle
// signature, when it verifies with a key the user trusts.
func (r *Report) bundleCover() Coverage {
	if c, ok := r.Find(CheckBundleDigest, SubjectBundle); !ok || c.Status != OK {
		return Coverage{Reason: "the bundle signature over it failed (" + CheckBundleDigest + ")"}
	}
	return r.signedBy(CheckBundleSignature, SubjectBundle, r.bundle.BundleSignature.KeyID)
}

// passed is the coverage a non-signature check gives: it when it passed,
// else not verified, with why.
func (r *Report) passed(name, subject, why string) Coverage {
	if c, ok := r.Find(name, subject); ok && c.Status == OK {
		return Coverage{Check: name}
	}
	return Coverage{Reason: why + " (" + name + ")"}
}

// signedBy is the coverage a signature check gives: the check and its key
// when it passed with a key the user trusts.
func (r *Report) signedBy(name, subject, keyID string) Coverage {
	if c, ok := r.Find(name, subject); !ok || c.Status != OK {
		return Coverage{Reason: "its signature failed (" + name + ")"}
	}
	info := r.Keys[keyID]
	if c, ok := r.Find(CheckKeyTrust, KeySubject(keyID)); !ok || c.Status != OK {
		return Coverage{Reason: fmt.Sprintf("signed by %s, which only the bundle vouches for (%s)", keyID, info.Trust)}
	}
	return Coverage{Check: name, KeyID: keyID, Trust: info.Trust}
}

// eventSubject is the subject of event i's checks: its id, or its
// position when an earlier event has the same id.
func (r *Report) eventSubject(i int) string {
	subject := EventSubject(i, r.bundle.Events[i].EventID)
	if c, ok := r.Find(CheckEventDigest, subject); ok && c.Event == i {
		return subject
	}
	return EventSubject(i, "")
}

// Place is one value of a bundle and what proves it.
type Place struct {
	Path     string
	Value    string // as a report shows it: a number in its RFC 8785 form, a container by its size
	Coverage Coverage
}

// unverifiedSkipped are top-level members Unverified looks inside of
// rather than judging whole.
var unverifiedSkipped = []string{"events", "timestamp_proofs", "bundle_signature"}

// Unverified lists the values of the bundle that no passed check proves,
// in bundle order: each top-level member, each member of the bundle
// signature, each timestamp proof and each event, judged by Coverage. On
// a bundle that verifies it is the bundle signature's signed_at and
// signature_status, and any timestamp proof. Nil for an evidence file.
func (r *Report) Unverified() []Place {
	b := r.bundle
	if b == nil {
		return nil
	}
	var out []Place
	consider := func(path string, v model.Value) {
		if c := r.Coverage(path); !c.Verified() {
			out = append(out, Place{Path: path, Value: valueText(v), Coverage: c})
		}
	}
	for _, m := range b.Root.Members() {
		if !slices.Contains(unverifiedSkipped, m.Key) {
			consider("$"+model.PathKey(m.Key), m.Value)
		}
	}
	for _, m := range b.BundleSignature.Value.Members() {
		consider("$.bundle_signature"+model.PathKey(m.Key), m.Value)
	}
	for i, v := range b.TimestampProofs.Elems() {
		consider(fmt.Sprintf("$.timestamp_proofs[%d]", i), v)
	}
	for i := range b.Events {
		consider(fmt.Sprintf("$.events[%d]", i), b.Events[i].Value)
	}
	return out
}
