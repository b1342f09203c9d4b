package verify

// Check names. Scripts depend on them: never rename one.
const (
	CheckCanonicalDigest  = "canonical_digest"
	CheckPithNumber       = "pith_number"
	CheckShortPithNumber  = "short_pith_number"
	CheckAliases          = "aliases"
	CheckReceiptSignature = "receipt_signature"
	CheckEventDigest      = "event_digest"
	CheckEventID          = "event_id"
	CheckEventSignature   = "event_signature"
	CheckEventSubject     = "event_subject"
	CheckStateDigest      = "state_digest"
	CheckStateRecompute   = "state_recompute"
	CheckBundleDigest     = "bundle_digest"
	CheckBundleSignature  = "bundle_signature"
	CheckKeyFingerprint   = "key_fingerprint"
	CheckKeyTrust         = "key_trust"
	CheckEquivocation     = "equivocation"
	CheckRequestedID      = "requested_id"
	CheckRollback         = "rollback"
	CheckRecordMatch      = "record_match"
	CheckEventLinks       = "event_links"
)

// Area is the part of a bundle a check is about. Reports group checks by
// area, and the explorer's overview has one row per area.
type Area string

const (
	AreaRequest  Area = "request"
	AreaRecord   Area = "record"
	AreaReceipt  Area = "receipt"
	AreaAliases  Area = "aliases"
	AreaKeys     Area = "keys"
	AreaEvents   Area = "events"
	AreaForks    Area = "forks"
	AreaState    Area = "state"
	AreaBundle   Area = "bundle"
	AreaRollback Area = "rollback"
)

// CheckSpec is everything said about one check outside the code that
// decides it: its stable name, its area, a short label and one line on
// what a pass proves.
type CheckSpec struct {
	Name  string
	Area  Area
	Label string // short, for a detail line: "digest", "signature"
	Help  string // what a pass proves, for --help and the explorer's help
}

// Registry is the one list of checks; its order is the order checks are
// reported in. A new check is its own file plus one row here.
var Registry = []CheckSpec{
	{CheckRequestedID, AreaRequest, "requested", "the bundle is the one asked for: it hashes to the pith number, or lists the alias"},
	{CheckCanonicalDigest, AreaRecord, "digest", "canonical_sha256 is sha256 of the record's RFC 8785 form"},
	{CheckPithNumber, AreaRecord, "pith number", "the pith number is derived from that digest and the submission year"},
	{CheckShortPithNumber, AreaRecord, "short number", "the short pith number is the first 8 characters of that number"},
	{CheckRecordMatch, AreaRecord, "paper", "each snapshot's title, categories, date, license and source agree with the record the number commits to"},
	{CheckAliases, AreaAliases, "pith_short aliases", "every pith_short_N alias is the first N characters of the number"},
	{CheckReceiptSignature, AreaReceipt, "signature", "the record's receipt is an Ed25519 signature over its digest"},
	{CheckKeyFingerprint, AreaKeys, "fingerprint", "each bundle key's fingerprints are sha256 of its bytes"},
	{CheckKeyTrust, AreaKeys, "trust", "each signing key is pinned or one you trust (--trust-key), not only the bundle's word"},
	{CheckEventDigest, AreaEvents, "digest", "content_sha256 is sha256 of the event's RFC 8785 form without its signature"},
	{CheckEventID, AreaEvents, "id", `event_id is "sha256:" + that digest, listed once`},
	{CheckEventSignature, AreaEvents, "signature", "the event's Ed25519 signature verifies with the key it names"},
	{CheckEventSubject, AreaEvents, "subject", "subject_pith_number is the number the record hashes to"},
	{CheckEquivocation, AreaForks, "forks", "no signer (one public key, whatever ids it goes by) signed two events for the same place in its chain"},
	{CheckEventLinks, AreaForks, "links", "every prev_event and supersedes names an event in the bundle, and each signer's events for a target form one chain"},
	{CheckStateDigest, AreaState, "digest", "state_sha256 is sha256 of the state's RFC 8785 form"},
	{CheckStateRecompute, AreaState, "recomputed", "the served state is the one the merge rules give from the valid events"},
	{CheckBundleDigest, AreaBundle, "digest", "bundle_sha256 is sha256 of the bundle's RFC 8785 form without its signature"},
	{CheckBundleSignature, AreaBundle, "signature", "the bundle's Ed25519 signature verifies with the key it names"},
	{CheckRollback, AreaRollback, "rollback", "no event seen in an earlier version has gone"},
}

// CheckOrder is the check names in Registry order.
var CheckOrder = func() []string {
	out := make([]string, len(Registry))
	for i, s := range Registry {
		out[i] = s.Name
	}
	return out
}()

// Spec returns the registry entry of a check.
func Spec(name string) (CheckSpec, bool) {
	for _, s := range Registry {
		if s.Name == name {
			return s, true
		}
	}
	return CheckSpec{}, false
}

// AreaOf names the area of a check ("" for an unknown name).
func AreaOf(name string) Area {
	s, _ := Spec(name)
	return s.Area
}
