package verify

import (
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/pithscope/pithscope/model"
)

// Options say what to trust and what was asked for.
type Options struct {
	// Trust holds the pinned key and the user's keys; nil means pinned only.
	Trust *TrustStore
	// Requested is what the bundle was fetched for; the zero value skips
	// the requested_id check.
	Requested Request
	// Previous is the last version of this bundle seen before; nil skips
	// the rollback check.
	Previous *PreviousVersion
	// Workers is how many events are checked at once; 0 means one per core.
	Workers int
}

// PreviousVersion is what a cache remembers of a bundle it saw before.
type PreviousVersion struct {
	EventIDs  []string
	FetchedAt string
}

// Emit receives each check as soon as it is decided (from the goroutine
// that calls Run). It may be nil.
type Emit func(Check)

// Verify checks a bundle and returns the full report.
func Verify(b *model.Bundle, opts Options) *Report {
	return Run(context.Background(), b, opts, nil)
}

// Run checks a bundle, streaming checks to emit as they are decided. The
// report's checks are in a deterministic order (CheckOrder, then subject)
// whatever order the workers finished in. When ctx is cancelled Run stops
// early and returns what it has.
func Run(ctx context.Context, b *model.Bundle, opts Options, emit Emit) *Report {
	if opts.Trust == nil {
		opts.Trust = NewTrustStore()
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := &Report{PithNumber: b.PithNumber, EventSHA256: make([]string, len(b.Events)), bundle: b}
	// Four checks an event and a few for the rest: sized once, since a
	// growing slice of 40,000 checks would leave copies for the GC.
	checks := make([]Check, 0, 4*len(b.Events)+len(b.PublicKeys)+len(b.SourceAliases)+16)
	add := func(cs ...Check) {
		for _, c := range cs {
			checks = append(checks, c)
			if emit != nil {
				emit(c)
			}
		}
	}

	if ctx.Err() != nil {
		return r
	}
	// Every digest below streams the canonical form of what it covers
	// from the received bytes into SHA-256.
	canon := model.NewCanonicalBundle(b)

	// The record: its digest, the number derived from it, the aliases.
	rec := checkRecord(b, canon.Root, opts.Requested)
	r.CanonicalSHA256 = rec.digest
	if rec.number != "" {
		r.PithNumber = rec.number
	}
	add(rec.checks...)
	duplicateOf := duplicates(b.Events)
	// record_match reads every snapshot and no signature: it runs beside
	// the event workers, and its checks are added once they are done.
	var recordMatch []Check
	recordMatchDone := make(chan struct{})
	go func() {
		defer close(recordMatchDone)
		recordMatch = recordMatchChecks(b, rec.digest, duplicateOf)
	}()

	// Every key is resolved here, before the workers share the keyring.
	keys := newKeyring(b.PublicKeys, opts.Trust, signingKeyIDs(b))
	add(keyFingerprintChecks(b)...)
	add(keys.keyTrustChecks()...)
	add(receiptChecks(b, rec.digest, keys)...)

	// Events, in parallel: each one's digest, id, signature. Beside them,
	// as one more task for the same workers, the whole bundle's digest
	// (then its signature), which does not depend on the events' verdicts:
	// started first, it runs while the events are checked rather than
	// after.
	results := make([]eventResult, len(b.Events))
	subjectNumber := r.PithNumber
	var bc bundleResult
	// Workers take tasks from a shared counter: the bundle digest, then the
	// events in small batches, each finished batch handed to this
	// goroutine, which emits its checks. One channel send per batch rather
	// than per event keeps the scheduler out of the way of the signature
	// checks.
	const batch = 32
	const digestTasks = 1
	tasks := digestTasks + (len(b.Events)+batch-1)/batch
	var next atomic.Int64
	done := make(chan [2]int, tasks+workers)
	var wg sync.WaitGroup
	for w := 0; w < workers && w < tasks; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				task := int(next.Add(1)) - 1
				switch {
				case task >= tasks:
					return
				case task == 0:
					bc = bundleChecks(b, canon, keys)
					continue
				}
				from := (task - digestTasks) * batch
				to := min(from+batch, len(b.Events))
				for i := from; i < to; i++ {
					results[i] = checkEvent(&b.Events[i], canon.Events[i], subjectNumber, keys, duplicateOf[i])
				}
				done <- [2]int{from, to}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	for span := range done {
		for i := span[0]; i < span[1]; i++ {
			add(results[i].checks...)
			results[i].checks = nil // now in checks; keep one copy
		}
	}
	<-recordMatchDone
	add(recordMatch...)
	if ctx.Err() != nil {
		r.Checks = sortChecks(checks)
		return r
	}
	for i := range results {
		r.EventSHA256[i] = results[i].digest
	}

	// The merged state, recomputed from the events that are valid. The
	// served state's digest, which does not depend on them, is hashed
	// meanwhile on the core the merge leaves idle.
	served := make(chan servedState, 1)
	go func() { served <- servedStateDigest(canon) }()
	signers := eventSigners(b, keys)
	merge := model.RecomputeState(b, r.PithNumber, func(e *model.Event) string { return results[e.Index].invalidReason },
		func(e *model.Event) string { return signers[e.Index] })
	sc := stateChecks(b, canon, merge, served)
	r.StateSHA256, r.stateDiff = sc.digest, sc.diff
	add(sc.checks...)
	add(equivocationChecks(b, merge)...)
	links, unlinked := eventLinksChecks(b, merge, signers, duplicateOf)
	r.unlinked = unlinked
	add(links...)
	r.BundleSHA256 = bc.digest
	add(bc.checks...)
	if opts.Previous != nil {
		add(rollbackCheck(b, opts.Previous))
	}
	r.Keys = keys.keys()
	r.Merge = merge
	r.Checks = sortChecks(checks)
	r.Vouchers = vouchers(b.Events, &b.BundleSignature, r.Checks, r.Keys)
	return r
}

// sortChecks orders checks by their place in CheckOrder, then by event,
// keeping the order among equals. Each check's rank is looked up once,
// not at each of the n log n comparisons of 40,000 checks.
func sortChecks(cs []Check) []Check {
	rank := make(map[string]int, len(CheckOrder))
	for i, n := range CheckOrder {
		rank[n] = i
	}
	type ranked struct{ rank, event, at int }
	keys := make([]ranked, len(cs))
	for i := range cs {
		keys[i] = ranked{rank[cs[i].Name], cs[i].Event, i}
	}
	slices.SortFunc(keys, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.event, b.event), cmp.Compare(a.at, b.at))
	})
	// Put each check where it goes, in place, cycle by cycle: position j
	// takes the check at keys[j].at.
	for i := range keys {
		if keys[i].at < 0 {
			continue
		}
		first := cs[i]
		for j := i; ; {
			from := keys[j].at
			keys[j].at = -1
			if from == i {
				cs[j] = first
				break
			}
			cs[j] = cs[from]
			j = from
		}
	}
	return cs
}

// signingKeyIDs lists every key id a signer or signature in the bundle
// names, the empty id (named, or missing) included.
func signingKeyIDs(b *model.Bundle) []string {
	ids := []string{}
	seen := map[string]bool{}
	addID := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for i := range b.Events {
		e := &b.Events[i]
		addID(e.Signer.KeyID)
		if e.Signature.Value.Exists() {
			addID(e.Signature.KeyID)
		}
		if e.EventType != model.RecordCreated {
			continue // only a record_created receipt is checked (receiptChecks)
		}
		if rc, ok := e.Receipt(); ok {
			addID(rc.KeyID)
		}
	}
	if b.BundleSignature.Value.Exists() {
		addID(b.BundleSignature.KeyID)
	}
	return ids
}

// verifySignature checks an Ed25519 signature over a hex digest's raw bytes
// with the key the signature block names.
func verifySignature(keys *keyring, sig model.Signature, digestHex, wantMessage string) (Status, string) {
	if sig.Algorithm != "ed25519" {
		return Fail, fmt.Sprintf("algorithm is %s, want ed25519", model.Quote(sig.Algorithm))
	}
	if sig.SignedMessage != wantMessage {
		return Fail, fmt.Sprintf("signed_message is %s, want %s", model.Quote(sig.SignedMessage), model.Quote(wantMessage))
	}
	raw, problem := decodeSignature(sig.SignatureB64)
	if problem != "" {
		return Fail, problem
	}
	msg, err := hex.DecodeString(digestHex)
	if err != nil || len(msg) != 32 {
		return Unknown, "no digest to check the signature against"
	}
	info, status, why := keys.resolve(sig.KeyID, sig.Fingerprint)
	if status != OK {
		return status, why
	}
	if !info.verify(msg, raw) {
		// No trust level here: this text can become a merged state's
		// invalid_events reason, which must not depend on who verifies.
		return Fail, fmt.Sprintf("Ed25519 signature does not verify with key %s", sig.KeyID)
	}
	return OK, info.verified
}

func itoa(i int) string { return strconv.Itoa(i) }
