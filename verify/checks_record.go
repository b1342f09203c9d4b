package verify

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// Request is what a bundle was fetched for. A pith number is
// self-certifying: the bundle must hash to it. An alias must be listed.
type Request struct {
	Text       string // as the user typed it, for messages
	PithYear   string // the year of a full pith number, or ""
	PithPrefix string // a pith body or its 8/12/16-character prefix, upper case, or ""
	Alias      string // an arXiv id or DOI, or ""
}

// IsZero reports an empty request (nothing was asked for by id).
func (q Request) IsZero() bool { return q.PithPrefix == "" && q.Alias == "" }

type recordResult struct {
	digest string // sha256(JCS(canonical_record)), computed
	number string // the pith number derived from it
	checks []Check
}

// checkRecord checks the canonical record, the numbers derived from it, the
// pith_short_* aliases and, when there was a request, that it matches.
func checkRecord(b *model.Bundle, root *model.CanonObject, req Request) recordResult {
	var res recordResult
	c := bundleCheck(CheckCanonicalDigest)
	digest, err := root.MemberSHA256("canonical_record")
	if !b.CanonicalRecord.Exists() {
		err = fmt.Errorf("the bundle has no canonical_record")
	}
	if err != nil {
		c.Status, c.Detail = Fail, "cannot canonicalize canonical_record: "+err.Error()
		res.checks = append(res.checks, c)
		for _, name := range []string{CheckPithNumber, CheckShortPithNumber, CheckAliases} {
			u := bundleCheck(name)
			u.Status, u.Detail = Unknown, "no canonical digest to derive it from"
			res.checks = append(res.checks, u)
		}
		if !req.IsZero() {
			res.checks = append(res.checks, requestedIDCheck(b, req, ""))
		}
		return res
	}
	res.digest = digest
	res.checks = append(res.checks, compare(c, "sha256(JCS(canonical_record))", digest, b.CanonicalSHA256))

	body, _ := model.PithBody(digest)
	number, err := model.PithNumber(digest, b.SubmittedAt)
	pn := bundleCheck(CheckPithNumber)
	if err != nil {
		pn.Status, pn.Detail = Fail, err.Error()
	} else {
		res.number = number
		pn = compare(pn, "pith number derived from the canonical digest", number, b.PithNumber)
	}
	res.checks = append(res.checks, pn)
	res.checks = append(res.checks, compare(bundleCheck(CheckShortPithNumber), "short pith number", model.ShortPithNumber(body), b.ShortPithNumber))
	res.checks = append(res.checks, aliasChecks(b, body)...)
	if !req.IsZero() {
		res.checks = append(res.checks, requestedIDCheck(b, req, number))
	}
	return res
}

// aliasChecks compares every pith_short_N alias with the first N characters
// of the derived body.
func aliasChecks(b *model.Bundle, body string) []Check {
	var out []Check
	for _, a := range b.SourceAliases {
		n, ok := strings.CutPrefix(a.Kind, "pith_short_")
		if !ok {
			continue
		}
		c := Check{Name: CheckAliases, Subject: "alias:" + a.Kind, Event: -1}
		size, err := strconv.Atoi(n)
		if err != nil || size <= 0 || size > len(body) {
			c.Status, c.Detail = Fail, fmt.Sprintf("alias kind %s names no valid length", model.Quote(a.Kind))
		} else {
			c = compare(c, a.Kind, body[:size], a.Value)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		c := bundleCheck(CheckAliases)
		c.Status, c.Detail = OK, "no pith_short_* aliases to compare"
		out = append(out, c)
	}
	return out
}

// CheckRequested runs the requested_id check alone, so a fetcher can reject
// a source that answered with another bundle before trying the next one.
func CheckRequested(b *model.Bundle, req Request) Check {
	if req.IsZero() {
		c := bundleCheck(CheckRequestedID)
		c.Status, c.Detail = Unknown, "no pith number or alias was asked for"
		return c
	}
	number := ""
	if digest, err := model.SHA256Hex(b.CanonicalRecord); err == nil && b.CanonicalRecord.Exists() {
		number, _ = model.PithNumber(digest, b.SubmittedAt)
	}
	return requestedIDCheck(b, req, number)
}

// requestedIDCheck proves the bundle is the one asked for: a pith number
// must be derived from the record (not claimed), an alias must be listed.
func requestedIDCheck(b *model.Bundle, req Request, derived string) Check {
	c := bundleCheck(CheckRequestedID)
	c.Found = req.Text
	if req.PithPrefix != "" {
		if derived == "" {
			c.Status, c.Detail = Fail, fmt.Sprintf("asked for %s, but no pith number can be derived from this bundle", req.Text)
			return c
		}
		c.Expected = derived
		body := model.BodyOf(derived)
		year := strings.Split(derived, ":")[1]
		switch {
		case !strings.HasPrefix(body, req.PithPrefix):
			c.Status, c.Detail = Fail, fmt.Sprintf("asked for %s, but the record hashes to %s", req.Text, derived)
		case req.PithYear != "" && req.PithYear != year:
			c.Status, c.Detail = Fail, fmt.Sprintf("asked for year %s, but the record is from %s (%s)", req.PithYear, year, derived)
		default:
			c.Status, c.Detail = OK, fmt.Sprintf("asked for %s; the record hashes to %s", req.Text, derived)
		}
		return c
	}
	for _, a := range b.SourceAliases {
		if strings.EqualFold(a.Value, req.Alias) {
			c.Status, c.Detail = OK, fmt.Sprintf("asked for %s; the bundle lists it as a %s alias", req.Text, a.Kind)
			return c
		}
	}
	c.Status, c.Detail = Fail, fmt.Sprintf("asked for %s, but the bundle does not list it among its %d aliases", req.Text, len(b.SourceAliases))
	return c
}

// receiptChecks verifies the receipt in every record_created payload: it
// must name the computed canonical digest and be signed over its bytes.
func receiptChecks(b *model.Bundle, canonicalDigest string, keys *keyring) []Check {
	var out []Check
	for i := range b.Events {
		e := &b.Events[i]
		if e.EventType != model.RecordCreated {
			continue
		}
		c := Check{Name: CheckReceiptSignature, Subject: EventSubject(i, e.EventID), Event: i}
		rc, ok := e.Receipt()
		switch {
		case !ok:
			c.Status, c.Detail = Fail, "record_created payload has no receipt object"
		case canonicalDigest == "":
			c.Status, c.Detail = Unknown, "no canonical digest to check the receipt against"
		case rc.Digest != canonicalDigest:
			c.Status, c.Detail = Fail, fmt.Sprintf("receipt names canonical_sha256 %s, the record hashes to %s", model.Quote(rc.Digest), canonicalDigest)
			c.Expected, c.Found = canonicalDigest, rc.Digest
		default:
			c.Status, c.Detail = verifySignature(keys, rc, canonicalDigest, "canonical_sha256_bytes")
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		c := bundleCheck(CheckReceiptSignature)
		c.Status, c.Detail = Fail, "no record_created event carries a receipt"
		out = append(out, c)
	}
	return out
}
