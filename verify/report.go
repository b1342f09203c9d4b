// Package verify checks a Pith bundle: every digest, signature, derivation
// and the merged state, computed from the received bytes. It knows nothing
// of terminals: results are structured Checks that a UI or a script reads.
package verify

import (
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

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
		c.Status, c.Detail = Fail, fmt.Sprintf("%s: expected %s, found %q", what, expected, found)
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

// Find returns the first check with this name and subject.
func (r *Report) Find(name, subject string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name && c.Subject == subject {
			return c, true
		}
	}
	return Check{}, false
}

// JSONReport is the schema of `pithscope verify --json`.
type JSONReport struct {
	OK         bool    `json:"ok"`
	Source     string  `json:"source,omitempty"`
	PithNumber string  `json:"pith_number"`
	Checks     []Check `json:"checks"`
	Summary    Summary `json:"summary"`
}

// MarshalReport renders a report in the --json schema.
func MarshalReport(r *Report, source string) ([]byte, error) {
	checks := r.Checks
	if checks == nil {
		checks = []Check{}
	}
	out, err := json.Marshal(JSONReport{OK: r.OK(), Source: source, PithNumber: r.PithNumber, Checks: checks, Summary: r.Summary()})
	return EscapeJSONForTerminal(out), err
}

// EscapeJSONForTerminal rewrites, inside JSON text, the characters that
// encoding/json leaves raw but a terminal would act on or hide: DEL, C1
// controls (U+0080–U+009F, e.g. CSI), and format characters (bidi
// overrides and isolates, zero-width characters, BOM, tag characters), as
// \uXXXX escapes. The JSON means the same; printed on a terminal, a
// bundle's strings cannot drive it.
func EscapeJSONForTerminal(js []byte) []byte {
	clean := true
	for _, c := range js {
		if c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return js
	}
	out := make([]byte, 0, len(js)+16)
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		if r == 0x7f || r >= 0x80 && r < 0xa0 || unicode.Is(unicode.Cf, r) {
			for _, u := range utf16.Encode([]rune{r}) {
				out = fmt.Appendf(out, `\u%04x`, u)
			}
		} else {
			out = append(out, js[i:i+size]...)
		}
		i += size
	}
	return out
}
