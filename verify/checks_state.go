package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// maxStateDiffs bounds how many differing paths a state_recompute failure's
// detail names (StateDifferences lists more).
const maxStateDiffs = 8

type stateResult struct {
	digest string
	checks []Check
	diff   *stateDiff
}

// servedState is the served state's digest, or why there is none.
type servedState struct {
	digest string
	err    error
}

// servedStateDigest hashes the served state (minus state_sha256).
func servedStateDigest(canon *model.CanonicalBundle) servedState {
	if canon.State == nil {
		return servedState{err: errNoState}
	}
	digest, err := canon.State.SHA256Without("state_sha256")
	return servedState{digest: digest, err: err}
}

var errNoState = errors.New("the bundle has no state")

// stateChecks checks the served state's digest (arriving on served) and
// compares the state with the one recomputed from the events.
func stateChecks(b *model.Bundle, canon *model.CanonicalBundle, merge *model.Merge, served <-chan servedState) stateResult {
	var res stateResult
	dc := bundleCheck(CheckStateDigest)
	// Equal canonical forms are equal JSON data. The recomputed state is
	// compared with the served one part by part, by their received bytes
	// where those are the same (the served state copies its events'
	// members), canonically where not: no second hash of the whole state.
	same, errRecomputed := false, error(nil)
	if canon.State != nil {
		same, errRecomputed = merge.Canonical(canon).EqualTo(b.State.Value, "state_sha256")
	}
	s := <-served
	digest, err := s.digest, s.err
	switch {
	case canon.State == nil:
		dc.Status, dc.Detail = Fail, errNoState.Error()
	case err != nil:
		dc.Status, dc.Detail = Fail, "cannot canonicalize the state: "+err.Error()
	default:
		res.digest = digest
		dc = compare(dc, "sha256(JCS(state minus state_sha256))", digest, b.State.StateSHA256)
	}
	rc := bundleCheck(CheckStateRecompute)
	// Only a mismatch pays for walking both documents to name the paths.
	res.diff = &stateDiff{bundle: b, merge: merge, equal: errRecomputed == nil && err == nil && same}
	var diffs []model.Difference
	if !res.diff.equal {
		diffs, err = res.diff.get()
		if err == nil && len(diffs) == 0 {
			// Same data by a walk, yet different canonical forms: only
			// a value JCS refuses (err above) or a bug can do that.
			err = fmt.Errorf("served and recomputed state differ in canonical form but no path differs (%v)", errRecomputed)
		}
	}
	switch {
	case err != nil:
		rc.Status, rc.Detail = Fail, err.Error()
	case len(diffs) == 0:
		rc.Status, rc.Detail = OK, fmt.Sprintf("served state equals the state recomputed from %d events (%d applied, %d invalid, %d forks)",
			len(b.Events), len(merge.Applied), len(merge.Invalid), len(merge.Forks))
	default:
		var parts []string
		for _, d := range diffs[:min(len(diffs), maxStateDiffs)] {
			parts = append(parts, fmt.Sprintf("%s: served %s, recomputed %s", d.Path, d.Left, d.Right))
		}
		rc.Status, rc.Detail = Fail, "served state differs from the recomputed state at "+strings.Join(parts, "; ")
		rc.Expected, rc.Found = diffs[0].Right, diffs[0].Left
	}
	res.checks = []Check{dc, rc}
	return res
}

// StateDifferences compares the served state (left) with the recomputed one
// (right), state_sha256 aside, and returns up to max differing paths.
func StateDifferences(b *model.Bundle, merge *model.Merge, max int) ([]model.Difference, error) {
	if !b.State.Value.Exists() {
		return nil, fmt.Errorf("the bundle has no state to compare")
	}
	stateJSON, err := merge.StateJSON()
	if err != nil {
		return nil, fmt.Errorf("cannot write the recomputed state: %v", err)
	}
	doc, err := model.ParseDoc(stateJSON)
	if err != nil {
		return nil, fmt.Errorf("recomputed state is not JSON: %v", err) // a bug in the merge, never the input
	}
	return model.DiffJSON(b.State.Value, doc.Root(), max, "$.state_sha256"), nil
}

// equivocationChecks reports each fork: one signer, two or more events for
// the same place in its chain.
func equivocationChecks(b *model.Bundle, merge *model.Merge) []Check {
	if len(merge.Forks) == 0 {
		c := bundleCheck(CheckEquivocation)
		c.Status, c.Detail = OK, fmt.Sprintf("no signer signed two events after the same prev_event, among %d valid events", len(b.Events)-len(merge.Invalid))
		return []Check{c}
	}
	var out []Check
	for n, f := range merge.Forks {
		prev := f.PrevEvent
		if prev == "" {
			prev = "null"
		}
		out = append(out, Check{
			Name: CheckEquivocation, Subject: fmt.Sprintf("fork:%d", n+1), Status: Fail, Event: f.Events[0],
			Detail: fmt.Sprintf("signer %s signed %d events for target %s with prev_event %s: %s",
				forkSigner(f), len(f.EventIDs), model.Quote(f.Target), prev, strings.Join(f.EventIDs, ", ")),
		})
	}
	return out
}

// forkSigner names a fork's signer by its key ids: "k", or "k (one key
// with k2)" when its events name one key by several ids.
func forkSigner(f model.Fork) string {
	if len(f.KeyIDs) < 2 {
		return f.SignerKeyID
	}
	return f.SignerKeyID + " (one key with " + strings.Join(f.KeyIDs[1:], ", ") + ")"
}

type bundleResult struct {
	digest string
	checks []Check
}

// bundleChecks checks bundle_sha256 and the bundle signature. The digest
// was hashed while the bundle was read when the bundle is canonical as
// received, and is streamed from its bytes now when not.
func bundleChecks(b *model.Bundle, canon *model.CanonicalBundle, keys *keyring) bundleResult {
	var res bundleResult
	dc, sc := bundleCheck(CheckBundleDigest), bundleCheck(CheckBundleSignature)
	digest, err := canon.BundleSHA256()
	if err != nil {
		dc.Status, dc.Detail = Fail, "cannot canonicalize the bundle: "+err.Error()
		sc.Status, sc.Detail = Unknown, "no bundle digest to check the signature against"
	} else {
		res.digest = digest
		dc = compare(dc, "sha256(JCS(bundle minus bundle_signature))", digest, b.BundleSignature.Digest)
		if !b.BundleSignature.Value.Exists() {
			sc.Status, sc.Detail = Fail, "the bundle has no bundle_signature"
		} else {
			sc.Status, sc.Detail = verifySignature(keys, b.BundleSignature, digest, "bundle_sha256_bytes")
		}
	}
	res.checks = []Check{dc, sc}
	return res
}

// rollbackCheck fails when this version drops events a previous version had.
func rollbackCheck(b *model.Bundle, prev *PreviousVersion) Check {
	c := bundleCheck(CheckRollback)
	have := make(map[string]bool, len(b.Events))
	for i := range b.Events {
		have[b.Events[i].EventID] = true
	}
	var missing []string
	for _, id := range prev.EventIDs {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	switch {
	case len(b.Events) < len(prev.EventIDs):
		c.Status = Fail
		c.Detail = fmt.Sprintf("this version has %d events, a version fetched %s had %d", len(b.Events), prev.FetchedAt, len(prev.EventIDs))
		if len(missing) > 0 {
			c.Detail += "; missing " + strings.Join(missing, ", ")
		}
	case len(missing) > 0:
		c.Status = Fail
		c.Detail = fmt.Sprintf("events seen in the version fetched %s are missing: %s", prev.FetchedAt, strings.Join(missing, ", "))
	default:
		c.Status, c.Detail = OK, fmt.Sprintf("every one of the %d events seen %s is still here", len(prev.EventIDs), prev.FetchedAt)
	}
	c.Expected, c.Found = fmt.Sprint(len(prev.EventIDs)), fmt.Sprint(len(b.Events))
	return c
}
