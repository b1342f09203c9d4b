// Package verify checks a Pith bundle: every digest, signature, derivation
// and the merged state, computed from the received bytes. It knows nothing
// of terminals: results are structured Checks that a UI or a script reads.
package verify

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/pithscope/pithscope/model"
)

// Status is a check's outcome.
type Status string

const (
	OK      Status = "ok"
	Fail    Status = "fail"
	Unknown Status = "unknown" // cannot be decided, e.g. no key for a signer
)

// Subjects name what a check is about.
const SubjectBundle = "bundle"

// EventSubject names an event by its position and claimed id.
func EventSubject(e int, id string) string {
	if id == "" {
		return "event[" + itoa(e) + "]"
	}
	return "event:" + id
}

// KeySubject names a public key by id.
func KeySubject(keyID string) string { return "key:" + keyID }

// Check is one result.
type Check struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Status  Status `json:"status"`
	Detail  string `json:"detail"`
	// Expected and Found are the computed and the claimed value, where the
	// check compares two values.
	Expected string `json:"expected,omitempty"`
	Found    string `json:"found,omitempty"`
	// Event is the index of the event the check is about, or -1.
	Event int `json:"-"`
}

// Summary counts checks by status.
type Summary struct {
	OK      int `json:"ok"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

// Report is the outcome of verifying one bundle.
type Report struct {
	PithNumber string // the number computed from the record, or the claimed one when it cannot be
	Checks     []Check
	// Keys says, for every key a signature named, which key was used and how
	// far it is trusted.
	Keys map[string]KeyInfo
	// Computed values the UI shows beside the claims.
	CanonicalSHA256 string
	BundleSHA256    string
	StateSHA256     string
	EventSHA256     []string // per event, "" when it could not be computed
	// Merge is the state recomputed from the events (nil when cancelled).
	Merge *model.Merge
	// Vouchers are the keys whose signatures verified, and what each
	// signed, most trusted first.
	Vouchers []Voucher
	// Evidence is what an evidence file proves (nil for a bundle).
	Evidence *ForkProof

	bundle *model.Bundle // the bundle checked (nil for an evidence file)
	// unlinked marks the events event_links fails on (per event index).
	unlinked []bool
	index    struct { // Find's index, built on first use: Checks no longer change by then
		once  sync.Once
		byKey map[string]int
	}
	// stateDiff lists where the served and the recomputed state differ,
	// when first asked (StateDifferences).
	stateDiff *stateDiff
}

// bundleCheck starts a check about the bundle as a whole.
func bundleCheck(name string) Check {
	return Check{Name: name, Subject: SubjectBundle, Event: -1}
}

// compare fills a check that compares a computed value with a claimed one.
func compare(c Check, what, expected, found string) Check {
	return compareOr(c, what, expected, found, "")
}

// compareOr is compare with a fixed detail for a pass ("" for "what is
// value").
func compareOr(c Check, what, expected, found, okDetail string) Check {
	c.Expected, c.Found = expected, found
	switch {
	case expected != found:
		c.Status, c.Detail = Fail, fmt.Sprintf("%s: expected %s, found %s", what, expected, model.Quote(found))
	case okDetail != "":
		c.Expected = found // one copy of the value for both: 40,000 checks add up
		c.Status, c.Detail = OK, okDetail
	default:
		c.Expected = found
		c.Status, c.Detail = OK, what+" is "+found
	}
	return c
}

// Summary counts the report's checks.
func (r *Report) Summary() Summary {
	var s Summary
	for _, c := range r.Checks {
		switch c.Status {
		case OK:
			s.OK++
		case Fail:
			s.Fail++
		default:
			s.Unknown++
		}
	}
	return s
}

// OK is true when every check passed.
func (r *Report) OK() bool {
	s := r.Summary()
	return s.Fail == 0 && s.Unknown == 0 && len(r.Checks) > 0
}

// ChecksFor lists the checks about one subject.
func (r *Report) ChecksFor(subject string) []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Subject == subject {
			out = append(out, c)
		}
	}
	return out
}

// Find returns the first check with this name and subject. It indexes the
// checks on its first call, so a report's Checks must be complete by then
// (they are when Run or VerifyEvidence returns).
func (r *Report) Find(name, subject string) (Check, bool) {
	r.index.once.Do(func() {
		r.index.byKey = make(map[string]int, len(r.Checks))
		for i := len(r.Checks) - 1; i >= 0; i-- {
			r.index.byKey[r.Checks[i].Name+"\x00"+r.Checks[i].Subject] = i
		}
	})
	if i, ok := r.index.byKey[name+"\x00"+subject]; ok {
		return r.Checks[i], true
	}
	return Check{}, false
}

// JSONReport is the schema of `pithscope verify --json`. Fields are only
// ever added: scripts read it.
type JSONReport struct {
	// OK is the verdict: every check passed, or, for an evidence file,
	// the file proves its fork. The exit status is 0 exactly when it is true.
	OK         bool    `json:"ok"`
	Source     string  `json:"source,omitempty"`
	PithNumber string  `json:"pith_number"`
	Checks     []Check `json:"checks"`
	Summary    Summary `json:"summary"`
	// Verdict is the verdict line a person reads (Report.Verdict).
	Verdict string `json:"verdict"`
	// Signers are the keys whose signatures verified, and what each signed.
	Signers []JSONSigner `json:"signers"`
	// CurrentSnapshot is the event id of the graph snapshot a reader may
	// show as the paper's current graph; "" (left out) when none applies.
	CurrentSnapshot string `json:"current_snapshot,omitempty"`
	// NotVerified lists the values no passed check proves (Report.Unverified).
	NotVerified []JSONPlace `json:"not_verified"`
	// Evidence is what an evidence file proves; left out for a bundle.
	Evidence *ForkProof `json:"evidence,omitempty"`
}

// JSONSigner is a Voucher in the --json schema.
type JSONSigner struct {
	Name           string   `json:"name"` // as the verdict names it: "pith-v1-2026-05", "your key test-key-1"
	KeyIDs         []string `json:"key_ids"`
	Trust          Trust    `json:"trust"`
	FingerprintHex string   `json:"fingerprint_sha256_hex"`
	Receipts       int      `json:"receipts"`
	Events         int      `json:"events"`
	Bundle         bool     `json:"bundle"`
}

// JSONPlace is a Place in the --json schema.
type JSONPlace struct {
	Path  string `json:"path"`
	Value string `json:"value"`
	Why   string `json:"why"`
}

// MarshalReport renders a report in the --json schema (WriteReportJSON
// without its newline).
func MarshalReport(r *Report, source string) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteReportJSON(&buf, r, source); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// jsonReportParts is the report in the --json schema (JSONReport) less its
// checks: the members before them and those after, so that the checks can
// be written one at a time between the two.
func jsonReportParts(r *Report, source string) (head, tail any) {
	verdict, ok := r.Verdict()
	head = struct {
		OK         bool   `json:"ok"`
		Source     string `json:"source,omitempty"`
		PithNumber string `json:"pith_number"`
	}{ok, source, r.PithNumber}
	t := struct {
		Summary         Summary      `json:"summary"`
		Verdict         string       `json:"verdict"`
		Signers         []JSONSigner `json:"signers"`
		CurrentSnapshot string       `json:"current_snapshot,omitempty"`
		NotVerified     []JSONPlace  `json:"not_verified"`
		Evidence        *ForkProof   `json:"evidence,omitempty"`
	}{Summary: r.Summary(), Verdict: verdict, Signers: []JSONSigner{}, NotVerified: []JSONPlace{}, Evidence: r.Evidence}
	for _, v := range r.Vouchers {
		t.Signers = append(t.Signers, JSONSigner{Name: v.Name(), KeyIDs: v.KeyIDs, Trust: v.Trust, FingerprintHex: v.FingerprintHex,
			Receipts: v.Receipts, Events: v.Events, Bundle: v.Bundle})
	}
	if i, ok := r.CurrentSnapshot(); ok {
		t.CurrentSnapshot = r.bundle.Events[i].EventID
	}
	for _, p := range r.Unverified() {
		t.NotVerified = append(t.NotVerified, JSONPlace{Path: p.Path, Value: p.Value, Why: p.Coverage.String()})
	}
	return head, t
}
