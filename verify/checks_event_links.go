package verify

import (
	"fmt"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// Events link to each other by id: prev_event (the signer's previous event
// for the same target) and supersedes. A link to an event the bundle does
// not hold cannot be followed, and a signer whose events for one target do
// not form one chain has two histories for it: equivocation sees only two
// events after the same prev_event, so a second branch that starts after a
// missing or foreign event would pass unseen. event_links fails on both.
// Like equivocation, it names a signer by its key's bytes, not its key id.

// eventSigners names each event's signer by the bytes of the key its key id
// resolves to ("" when none): two key ids for one key are one signer.
func eventSigners(b *model.Bundle, keys *keyring) []string {
	out := make([]string, len(b.Events))
	for i := range b.Events {
		if id := b.Events[i].Signer.KeyID; id != "" {
			out[i] = string(keys.info(id).Key)
		}
	}
	return out
}

// chainKey is one signer's chain: its events for one subject and target.
type chainKey struct{ signer, subject, target string }

// eventLinksChecks reports each event whose prev_event or supersedes names
// no event in the bundle, and each signer whose valid events for one target
// start more than one chain (after different prev_events: two starting
// after the same one are a fork, which equivocation reports). With none,
// one check about the bundle passes. duplicateOf is as for checkEvent.
// unlinked marks the events those checks are about: a dangling link, or a
// place in a chain with more than one start, where no one can tell which
// branch is the signer's history.
func eventLinksChecks(b *model.Bundle, merge *model.Merge, signers []string, duplicateOf []int) (out []Check, unlinked []bool) {
	unlinked = make([]bool, len(b.Events))
	listed := make(map[string]bool, len(b.Events))
	for i := range b.Events {
		listed[b.Events[i].EventID] = true
	}
	for i := range b.Events {
		e := &b.Events[i]
		var dangling []string
		if e.PrevEvent != "" && !listed[e.PrevEvent] {
			dangling = append(dangling, "prev_event "+e.PrevEvent)
		}
		for _, s := range e.Supersedes {
			if !listed[s] {
				dangling = append(dangling, "supersedes "+s)
			}
		}
		if len(dangling) > 0 {
			unlinked[i] = true
			out = append(out, Check{Name: CheckEventLinks, Subject: eventCheckSubject(e, duplicateOf[i]), Event: i, Status: Fail,
				Detail: "names no event in the bundle: " + strings.Join(dangling, ", ")})
		}
	}

	invalid := make(map[int]bool, len(merge.Invalid))
	for _, inv := range merge.Invalid {
		invalid[inv.Index] = true
	}
	chains := map[chainKey][]int{}
	var order []chainKey
	for i := range b.Events {
		if invalid[i] {
			continue
		}
		e := &b.Events[i]
		k := chainKey{signers[i], e.SubjectPithNumber, e.Target}
		if _, seen := chains[k]; !seen {
			order = append(order, k)
		}
		chains[k] = append(chains[k], i)
	}
	n := 0
	for _, k := range order {
		starts := chainStarts(b, chains[k])
		if len(starts) < 2 {
			continue
		}
		for _, i := range chains[k] {
			unlinked[i] = true
		}
		n++
		var parts []string
		for _, i := range starts {
			prev := b.Events[i].PrevEvent
			if prev == "" {
				prev = "null"
			}
			parts = append(parts, fmt.Sprintf("%s after %s", b.Events[i].EventID, prev))
		}
		first := &b.Events[starts[0]]
		out = append(out, Check{Name: CheckEventLinks, Subject: fmt.Sprintf("chain:%d", n), Event: starts[0], Status: Fail,
			Detail: fmt.Sprintf("signer %s has %d chains for target %s, not one: %s", first.Signer.KeyID, len(starts), model.Quote(first.Target), strings.Join(parts, "; "))})
	}
	if len(out) == 0 {
		c := bundleCheck(CheckEventLinks)
		c.Status, c.Detail = OK, fmt.Sprintf("every prev_event and supersedes names an event in the bundle; each of %d signer chains is one chain", len(order))
		out = append(out, c)
	}
	return out, unlinked
}

// chainStarts lists the first event of each branch of one signer's chain:
// an event whose prev_event is not one of the chain's own events. Starts
// after the same prev_event count once (that is a fork, not a branch).
func chainStarts(b *model.Bundle, chain []int) []int {
	own := make(map[string]bool, len(chain))
	for _, i := range chain {
		own[b.Events[i].EventID] = true
	}
	var starts []int
	after := map[string]bool{}
	for _, i := range chain {
		prev := b.Events[i].PrevEvent
		if (prev == "" || !own[prev]) && !after[prev] {
			after[prev] = true
			starts = append(starts, i)
		}
	}
	return starts
}
