package fetch

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Learned is what Learn made of a bundle and its report.
type Learned struct {
	// NotLearned says why the bundle taught the cache nothing ("" when it
	// did, or when there is no cache to teach).
	NotLearned string
	// Quarantined is the file its bytes were kept in for inspection, when
	// they were fetched and not learned ("" when not kept).
	Quarantined string
	// Key is the alias or short form the bundle was looked up by ("" for
	// a pith number or a URL), and Conflicts the other verified bundles
	// that claim it.
	Key       string
	Conflicts []AliasClaim
}

// ErrNotRecorded wraps a cache write that failed (a full disk, a
// read-only directory, a lock held too long).
var ErrNotRecorded = errors.New("could not record this version")

// proofChecks are the checks that together prove a bundle is exactly what
// its signers signed, every signer a trusted key: the record hashes to its
// number, every event and the bundle are signed over their digests, every
// key a signature named is pinned or given with --trust-key, and the
// bundle is the one asked for. Other checks (the merged state, forks,
// rollback) may fail on a bundle whose signed events are still genuine.
var proofChecks = []string{
	verify.CheckRequestedID, verify.CheckCanonicalDigest, verify.CheckPithNumber, verify.CheckReceiptSignature,
	verify.CheckKeyTrust, verify.CheckEventDigest, verify.CheckEventID, verify.CheckEventSignature,
	verify.CheckEventSubject, verify.CheckBundleDigest, verify.CheckBundleSignature,
}

// Learn records the bundle in the cache when report (its verification,
// from verify.Run on Result.Bundle) shows it signed throughout by trusted
// keys: every event id goes into the rollback history, its aliases and
// short forms into the alias index, its mirror hints into the places
// tried later, and its bytes (when fetched) into the cache. What the
// bundle says of itself is never the judge; the report is.
//
// A bundle that is not learned teaches nothing; its bytes, when fetched,
// are kept apart (Learned.Quarantined). A write that fails returns an
// error wrapping ErrNotRecorded, and the report's rollback check says the
// version could not be recorded.
func (r *Result) Learn(report *verify.Report) (Learned, error) {
	var out Learned
	body := derivedBody(r.Bundle)
	if why := untrusted(report, r.Bundle, body); why != "" {
		out.NotLearned = why
		if r.cache != nil && !r.FromCache && r.cache.quarantine(body, r.Data) == nil && isBody(body) {
			out.Quarantined = r.cache.QuarantinePath(body)
		}
		return out, nil
	}
	if r.cache == nil {
		return out, nil
	}
	v := learnedVersion{
		body: body, pithNumber: report.PithNumber, eventIDs: eventIDs(r.Bundle), at: time.Now().UTC(),
		verdict: verdict(report),
	}
	if r.now != nil {
		v.at = r.now().UTC()
	}
	if !r.FromCache {
		v.data, v.title, v.source = r.Data, verifiedTitle(report, r.Bundle), r.Source
		v.at = r.FetchedAt.UTC()
		v.signer = signerOf(report, r.Bundle)
		v.mirrorHints, v.keys = hintURLs(body, r.Bundle), aliasKeys(body, r.Bundle)
	}
	if len(r.Ref.Pith) != model.PithBodyLen {
		out.Key = aliasKey(r.Ref.ID())
	}
	others, err := r.cache.learn(v, out.Key)
	out.Conflicts = others
	if err != nil && r.FromCache {
		// A copy from the cache was recorded when it was fetched: only
		// when it was last opened is lost, which is not worth a warning
		// (a read-only cache is fine to read).
		err = nil
	}
	if err != nil {
		err = fmt.Errorf("%w in the cache %s: %v", ErrNotRecorded, r.cache.Dir, err)
		noteNotRecorded(report, err)
	}
	return out, err
}

// untrusted says why report does not prove b signed throughout by trusted
// keys, or "" when it does.
func untrusted(report *verify.Report, b *model.Bundle, body string) string {
	if report == nil || body == "" || model.BodyOf(report.PithNumber) != body {
		return "no verification of this bundle"
	}
	var notOK []string
	signedEvents, bundleSigned := 0, false
	for _, c := range report.Checks {
		if !slices.Contains(proofChecks, c.Name) {
			continue
		}
		if c.Status != verify.OK {
			if what := c.Name + " " + string(c.Status); !slices.Contains(notOK, what) {
				notOK = append(notOK, what)
			}
			continue
		}
		switch c.Name {
		case verify.CheckEventSignature:
			signedEvents++
		case verify.CheckBundleSignature:
			bundleSigned = true
		}
	}
	switch {
	case len(notOK) > 0:
		return "not signed throughout by trusted keys: " + strings.Join(notOK, ", ")
	case !bundleSigned || signedEvents != len(b.Events):
		return "its verification did not finish"
	}
	return ""
}

// noteNotRecorded adds to the report's rollback check that this version
// could not be recorded, so a later rollback to before it goes unseen.
func noteNotRecorded(report *verify.Report, err error) {
	for i := range report.Checks {
		if c := &report.Checks[i]; c.Name == verify.CheckRollback {
			c.Detail += "; " + err.Error()
		}
	}
}

// verdict is "verified", or which checks were not ok.
func verdict(report *verify.Report) string {
	if report.OK() {
		return "verified"
	}
	return NotOK(report)
}

// signerOf names the key of the bundle signature and its trust.
func signerOf(report *verify.Report, b *model.Bundle) Signer {
	id := b.BundleSignature.KeyID
	info := report.Keys[id]
	return Signer{KeyID: id, Fingerprint: info.FingerprintHex, Trust: info.Trust}
}

// verifiedTitle is the paper's title as the current applied graph
// snapshot states it, when the record confirms it (record_match); ""
// otherwise: a title nothing has proved is never remembered.
func verifiedTitle(report *verify.Report, b *model.Bundle) string {
	i, ok := report.CurrentSnapshot()
	if !ok {
		return ""
	}
	for _, f := range verify.SnapshotPaper(b, &b.Events[i]) {
		if f.Name == "title" && f.Match == verify.FieldAgrees {
			return f.Found
		}
	}
	return ""
}

// NotOK says which checks of a report are not ok (failed or unknown),
// each once, in the report's order; "" when every check passed.
func NotOK(r *verify.Report) string {
	var failed, unknown []string
	for _, c := range r.Checks {
		switch {
		case c.Status == verify.Fail && !slices.Contains(failed, c.Name):
			failed = append(failed, c.Name)
		case c.Status == verify.Unknown && !slices.Contains(unknown, c.Name):
			unknown = append(unknown, c.Name)
		}
	}
	var parts []string
	if len(failed) > 0 {
		parts = append(parts, "fails "+strings.Join(failed, ", "))
	}
	if len(unknown) > 0 {
		parts = append(parts, "cannot decide "+strings.Join(unknown, ", "))
	}
	if len(r.Checks) == 0 {
		parts = append(parts, "no check ran")
	}
	return strings.Join(parts, "; ")
}
