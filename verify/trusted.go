package verify

import (
	"slices"
	"strings"
)

// proofChecks are the checks that together prove a bundle is exactly what
// its signers signed, every signer a trusted key: the record hashes to its
// number, every event and the bundle are signed over their digests, every
// key a signature named is pinned or given with --trust-key, and the
// bundle is the one asked for. Other checks (the merged state, forks,
// rollback) may fail on a bundle whose signed events are still genuine.
var proofChecks = []string{
	CheckRequestedID, CheckCanonicalDigest, CheckPithNumber, CheckReceiptSignature,
	CheckKeyTrust, CheckEventDigest, CheckEventID, CheckEventSignature,
	CheckEventSubject, CheckBundleDigest, CheckBundleSignature,
}

// NotSignedByTrustedKeys says why the report does not show its bundle
// signed throughout by trusted keys (every proof check ok, every event's
// signature and the bundle's verified), or "" when it does. It is the one
// test of whether a copy's signed statements may be relied on: the cache
// learns only from such a bundle, and only such a copy takes part in a
// comparison of sources.
func (r *Report) NotSignedByTrustedKeys() string {
	if r == nil || r.bundle == nil {
		return "no verification of this bundle"
	}
	var notOK []string
	signedEvents, bundleSigned := 0, false
	for _, c := range r.Checks {
		if !slices.Contains(proofChecks, c.Name) {
			continue
		}
		if c.Status != OK {
			if what := c.Name + " " + string(c.Status); !slices.Contains(notOK, what) {
				notOK = append(notOK, what)
			}
			continue
		}
		switch c.Name {
		case CheckEventSignature:
			signedEvents++
		case CheckBundleSignature:
			bundleSigned = true
		}
	}
	switch {
	case len(notOK) > 0:
		return "not signed throughout by trusted keys: " + strings.Join(notOK, ", ")
	case !bundleSigned || signedEvents != len(r.bundle.Events):
		return "its verification did not finish"
	}
	return ""
}

// NotOK says which checks of the report are not ok (failed or unknown),
// each once, in the report's order: "fails a, b; cannot decide c"; ""
// when every check passed.
func (r *Report) NotOK() string {
	var failed, unknown []string
	for _, c := range r.Checks {
		switch {
		case c.Status == Fail && !slices.Contains(failed, c.Name):
			failed = append(failed, c.Name)
		case c.Status == Unknown && !slices.Contains(unknown, c.Name):
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
