package verify

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// Voucher is one public key and what the signatures that verified with it
// vouch for in a bundle: who stands behind what is shown. A key is its
// bytes: the ids it is named by are listed together.
type Voucher struct {
	KeyIDs         []string // the ids its signatures name, in the order first seen
	Trust          Trust    // pinned, user-trusted or bundle-only (the most trusted of its ids)
	FingerprintHex string
	Receipts       int  // record receipts
	Events         int  // events
	Bundle         bool // the bundle signature
}

// Name is how a report names the key: its id when pinned, "your key ID"
// when the user trusts it, "bundle-only key ID" otherwise.
func (v Voucher) Name() string {
	ids := strings.Join(v.KeyIDs, " = ")
	switch v.Trust {
	case TrustPinned:
		return ids
	case TrustUser:
		return "your key " + ids
	}
	return string(v.Trust) + " key " + ids
}

// Signed lists what it signed: "the record's receipt, 2 events, the bundle".
func (v Voucher) Signed() string {
	var parts []string
	switch {
	case v.Receipts == 1:
		parts = append(parts, "the record's receipt")
	case v.Receipts > 1:
		parts = append(parts, fmt.Sprintf("%d record receipts", v.Receipts))
	}
	switch {
	case v.Events == 1:
		parts = append(parts, "1 event")
	case v.Events > 1:
		parts = append(parts, fmt.Sprintf("%d events", v.Events))
	}
	if v.Bundle {
		parts = append(parts, "the bundle")
	}
	return strings.Join(parts, ", ")
}

// trustRank orders trust levels, most trusted first.
var trustRank = map[Trust]int{TrustPinned: 0, TrustUser: 1, TrustBundleOnly: 2, TrustNone: 3}

// vouchers gathers, from the signature checks that passed, what each key
// signed: receipts and signatures of events, and the bundle signature
// (bundleSig nil when there is none, as in an evidence file).
func vouchers(events []model.Event, bundleSig *model.Signature, checks []Check, keys map[string]KeyInfo) []Voucher {
	var out []Voucher
	byKey := map[string]int{}
	credit := func(keyID string, add func(*Voucher)) {
		info, ok := keys[keyID]
		if !ok || info.Key == nil {
			return
		}
		n, seen := byKey[string(info.Key)]
		if !seen {
			n = len(out)
			byKey[string(info.Key)] = n
			out = append(out, Voucher{Trust: info.Trust, FingerprintHex: info.FingerprintHex})
		}
		v := &out[n]
		if !slices.Contains(v.KeyIDs, keyID) {
			v.KeyIDs = append(v.KeyIDs, keyID)
		}
		if trustRank[info.Trust] < trustRank[v.Trust] {
			v.Trust = info.Trust
		}
		add(v)
	}
	for _, c := range checks {
		if c.Status != OK {
			continue
		}
		switch {
		case c.Name == CheckReceiptSignature && c.Event >= 0:
			if rc, ok := events[c.Event].Receipt(); ok {
				credit(rc.KeyID, func(v *Voucher) { v.Receipts++ })
			}
		case c.Name == CheckEventSignature && c.Event >= 0:
			credit(events[c.Event].Signature.KeyID, func(v *Voucher) { v.Events++ })
		case c.Name == CheckBundleSignature && bundleSig != nil:
			credit(bundleSig.KeyID, func(v *Voucher) { v.Bundle = true })
		}
	}
	slices.SortStableFunc(out, func(a, b Voucher) int {
		return cmp.Or(cmp.Compare(trustRank[a.Trust], trustRank[b.Trust]), cmp.Compare(a.KeyIDs[0], b.KeyIDs[0]))
	})
	return out
}

// Bundle is the bundle the report is about (nil for an evidence file).
func (r *Report) Bundle() *model.Bundle { return r.bundle }

// CurrentSnapshot is the event index of the graph snapshot a reader may
// show as the paper's current graph: the last one the merge applied, in
// apply order, so never an invalid, superseded or forked one. ok is false
// when none applies (and when the run was cancelled before the merge), and
// when that last one is on a broken chain (event_links): after a dangling
// prev_event, or on one of a signer's two chains for the graph, it is no
// more the current graph than the other branch is, so neither is shown.
// Whether its paper fields agree with the record is SnapshotPaper's to say.
func (r *Report) CurrentSnapshot() (event int, ok bool) {
	if r.Merge == nil {
		return -1, false
	}
	i, ok := r.Merge.LastApplied("graph_snapshot")
	if ok && i < len(r.unlinked) && r.unlinked[i] {
		return -1, false
	}
	return i, ok
}

// Verdict is the line a person reads first, and whether it is good news
// (the exit status 0). For a bundle: "VERIFIED", or, when a key behind it
// is not pinned, "VERIFIED · pith-v1-2026-05 + your key test-key-1";
// otherwise "NOT VERIFIED". For an evidence file: "FORK PROVEN: KEY signed
// N events for TARGET after PREV", or "FORK NOT PROVEN: why".
func (r *Report) Verdict() (text string, ok bool) {
	if r.Evidence != nil {
		return r.Evidence.verdict(), r.Evidence.Proven
	}
	if !r.OK() {
		return "NOT VERIFIED", false
	}
	var names []string
	allPinned := true
	for _, v := range r.Vouchers {
		names = append(names, v.Name())
		allPinned = allPinned && v.Trust == TrustPinned
	}
	if allPinned {
		return "VERIFIED", true
	}
	return "VERIFIED · " + strings.Join(names, " + "), true
}
