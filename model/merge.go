package model

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
)

// The merge rules of pith-open-graph-merge-v1, in one place.
//
// Observed (reproduced byte for byte on the real bundle, FORMAT.md "Merged
// state"):
//   - current.record_created and each current.graph_snapshots entry are
//     {event_id, target, created_at, signer, payload} copied from the event;
//   - current.canonical_record and current.source_aliases equal the bundle's;
//   - applied_event_ids lists the applied events' ids in order;
//   - event_count, valid_event_count, invalid_event_count, equivocation_count;
//   - current always holds the lists below, empty when no event fills them,
//     and current.mirror_hints holds mirror_hint events only.
//
// Inferred (one example exists; our reading, kept here so it can change):
//   - event type X goes to the list named X + "s" (knownListTypes); any other
//     event type makes the event invalid ("unknown event_type"), so nothing a
//     reader cannot interpret is silently merged;
//   - an event is invalid when its digest, id or signature fails, its signer
//     key is unknown, or its subject_pith_number is not the bundle's (the
//     caller decides this: see Validity);
//   - events apply in (created_at, event_id) order; a later record_created
//     replaces an earlier one; current.record_created is null when none applies;
//   - every valid event applies unless a later valid event (in apply
//     order) names it in supersedes (FORMAT.md: "a later valid event");
//   - an equivocation is two or more valid events with the same signer key,
//     subject, target and prev_event but different ids; none of them applies
//     and the fork is listed as {signer_key_id, target, prev_event, event_ids}
//     with its events in apply order;
//   - the signer key is the public key an event's signature verified with
//     (its bytes, see SignerOf), not the key id it names: two ids for one
//     key are one signer, so naming a key twice hides no fork. The fork's
//     signer_key_id is the id its first event (in apply order) names;
//   - invalid_events entries are {event_id, reason}, in bundle order.

// MergeVersion is the only merge this program knows.
const MergeVersion = "pith-open-graph-merge-v1"

// RecordCreated is the event type whose entry is current.record_created.
const RecordCreated = "record_created"

// knownListTypes maps each list-valued event type to its list in current.
var knownListTypes = map[string]string{
	"graph_snapshot":      "graph_snapshots",
	"author_attestation":  "author_attestations",
	"timestamp_anchor":    "timestamp_anchors",
	"storage_attestation": "storage_attestations",
	"citation_signature":  "citation_signatures",
	"replication_record":  "replication_records",
	"correction":          "corrections",
	"mirror_hint":         "mirror_hints",
}

// currentLists is the order the lists are written in (order does not matter
// to the digest; it keeps the recomputed JSON stable to read).
var currentLists = []string{"graph_snapshots", "author_attestations", "timestamp_anchors", "storage_attestations",
	"citation_signatures", "replication_records", "corrections", "mirror_hints"}

// KnownEventType reports whether the merge knows where an event type goes.
func KnownEventType(t string) bool {
	_, ok := knownListTypes[t]
	return ok || t == RecordCreated
}

// Validity says why an event cannot be merged, or "" when it can. Computing
// it needs digests and signatures, which the verify package owns.
type Validity func(e *Event) string

// SignerOf names the signer of a valid event by the public key its
// signature verified with (the raw key bytes, as a string), which the
// verify package resolves.
type SignerOf func(e *Event) string

// InvalidEvent is an event the merge left out, and why.
type InvalidEvent struct {
	Index   int
	EventID string
	Reason  string
}

// Fork is an equivocation: one signer signed several events for the same
// place in its chain.
type Fork struct {
	SignerKeyID string   // the key id the first event names
	KeyIDs      []string // every key id its events name: more than one when one key goes by several
	Subject     string
	Target      string
	PrevEvent   string
	Events      []int // indices into Bundle.Events, in apply order
	EventIDs    []string
}

// Merge is the recomputed state.
type Merge struct {
	Applied []int // event indices in apply order
	Invalid []InvalidEvent
	Forks   []Fork

	bundle     *Bundle
	pithNumber string
	validCount int
}

// RecomputeState applies the merge rules to the bundle's events. The state
// names pithNumber, the number the record hashes to, not whatever the
// bundle's pith_number member claims (the pith_number check judges that).
func RecomputeState(b *Bundle, pithNumber string, validity Validity, signerOf SignerOf) *Merge {
	m := &Merge{bundle: b, pithNumber: pithNumber}
	valid := make([]bool, len(b.Events))
	for i := range b.Events {
		e := &b.Events[i]
		reason := validity(e)
		if reason == "" && !KnownEventType(e.EventType) {
			reason = "unknown event_type " + strconv.Quote(e.EventType)
		}
		if reason != "" {
			m.Invalid = append(m.Invalid, InvalidEvent{Index: i, EventID: e.EventID, Reason: reason})
			continue
		}
		valid[i] = true
	}

	order := make([]int, 0, len(b.Events))
	for i := range b.Events {
		if valid[i] {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, c := &b.Events[order[x]], &b.Events[order[y]]
		if a.CreatedAt != c.CreatedAt {
			return a.CreatedAt < c.CreatedAt
		}
		return a.EventID < c.EventID
	})

	// Only a later event supersedes: one that names an event not yet
	// seen in apply order (a backdated one) supersedes nothing.
	superseded := map[string]bool{}
	earlier := make(map[string]bool, len(order))
	type forkKey struct{ signer, subject, target, prev string }
	groups := map[forkKey][]int{}
	var groupOrder []forkKey
	for _, i := range order {
		e := &b.Events[i]
		for _, s := range e.Supersedes {
			if s != e.EventID && earlier[s] {
				superseded[s] = true
			}
		}
		earlier[e.EventID] = true
		k := forkKey{signerOf(e), e.SubjectPithNumber, e.Target, e.PrevEvent}
		if _, seen := groups[k]; !seen {
			groupOrder = append(groupOrder, k)
		}
		groups[k] = append(groups[k], i)
	}
	forked := map[int]bool{}
	for _, k := range groupOrder {
		ids := map[string]bool{}
		for _, i := range groups[k] {
			ids[b.Events[i].EventID] = true
		}
		if len(ids) < 2 {
			continue
		}
		f := Fork{SignerKeyID: b.Events[groups[k][0]].Signer.KeyID, Subject: k.subject, Target: k.target, PrevEvent: k.prev, Events: groups[k]}
		for _, i := range groups[k] {
			f.EventIDs = append(f.EventIDs, b.Events[i].EventID)
			if id := b.Events[i].Signer.KeyID; !slices.Contains(f.KeyIDs, id) {
				f.KeyIDs = append(f.KeyIDs, id)
			}
			forked[i] = true
		}
		m.Forks = append(m.Forks, f)
	}
	for _, i := range order {
		if !forked[i] && !superseded[b.Events[i].EventID] {
			m.Applied = append(m.Applied, i)
		}
	}
	m.validCount = len(order)
	return m
}

// LastApplied is the index of the last event of a type the merge applied,
// in apply order: the current one. Invalid, superseded and forked events
// are never applied, so never current.
func (m *Merge) LastApplied(eventType string) (int, bool) {
	for k := len(m.Applied) - 1; k >= 0; k-- {
		if i := m.Applied[k]; m.bundle.Events[i].EventType == eventType {
			return i, true
		}
	}
	return -1, false
}

// applyLists sorts the applied events into current.record_created (the
// last applied one, or -1) and the lists of current.
func (m *Merge) applyLists() (recordCreated int, lists map[string][]int) {
	b := m.bundle
	lists = map[string][]int{}
	recordCreated = -1
	for _, i := range m.Applied {
		e := &b.Events[i]
		if e.EventType == RecordCreated {
			recordCreated = i
			continue
		}
		name := knownListTypes[e.EventType]
		lists[name] = append(lists[name], i)
	}
	return recordCreated, lists
}

// Canonical composes the recomputed state (without state_sha256) in
// canonical form from the canonical events already computed in cb, so that
// comparing it with the served state costs one hash, not a second
// canonicalization. cb must come from a CanonPlan that has run.
func (m *Merge) Canonical(cb *CanonicalBundle) *CanonObject {
	b := m.bundle
	orNull := func(v canonValue) any {
		if v == nil {
			return nil
		}
		return v
	}
	entry := func(i int) canonValue {
		v := cb.Events[i].pick("event_id", "target", "created_at", "signer", "payload")
		return canonObjectOf("event_id", orNull(v[0]), "target", orNull(v[1]),
			"created_at", orNull(v[2]), "signer", orNull(v[3]), "payload", orNull(v[4]))
	}
	recordCreated, lists := m.applyLists()
	current := []any{"canonical_record", orNull(cb.Root.member("canonical_record")),
		"source_aliases", orNull(cb.Root.member("source_aliases"))}
	for _, name := range currentLists {
		arr := canonArray{}
		for _, i := range lists[name] {
			arr = append(arr, entry(i))
		}
		current = append(current, name, arr)
	}
	if recordCreated >= 0 {
		current = append(current, "record_created", entry(recordCreated))
	} else {
		current = append(current, "record_created", nil)
	}
	forks := canonArray{}
	for _, f := range m.Forks {
		ids := canonArray{}
		for _, id := range f.EventIDs {
			ids = append(ids, canonString(id))
		}
		var prev any
		if f.PrevEvent != "" {
			prev = f.PrevEvent
		}
		forks = append(forks, canonObjectOf("signer_key_id", f.SignerKeyID, "target", f.Target, "prev_event", prev, "event_ids", ids))
	}
	invalid := canonArray{}
	for _, inv := range m.Invalid {
		invalid = append(invalid, canonObjectOf("event_id", inv.EventID, "reason", inv.Reason))
	}
	applied := canonArray{}
	for _, i := range m.Applied {
		applied = append(applied, canonString(b.Events[i].EventID))
	}
	return canonObjectOf("state_type", "pith_open_graph_state", "state_version", "1.0",
		"pith_number", m.pithNumber, "merge_version", MergeVersion,
		"event_count", len(b.Events), "valid_event_count", m.validCount,
		"invalid_event_count", len(b.Events)-m.validCount, "equivocation_count", len(m.Forks),
		"current", canonObjectOf(current...), "equivocations", forks, "invalid_events", invalid,
		"applied_event_ids", applied)
}

// StateJSON is the recomputed state (without state_sha256) as canonical
// JSON: what a server following these rules would serve, for reading and
// for naming differing paths. It canonicalizes the bundle again, so it is
// for the slow paths; comparing goes through Canonical.
func (m *Merge) StateJSON() ([]byte, error) {
	return m.Canonical(NewCanonicalBundle(m.bundle)).Bytes()
}

// JSONString encodes s as a JSON string.
func JSONString(s string) string {
	out, _ := json.Marshal(s) // a Go string always marshals
	return string(out)
}
