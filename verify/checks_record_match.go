package verify

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// The record (canonical_record) is what the pith number commits to, so
// whatever it says about the paper holds whoever signed anything else. A
// graph snapshot, the record_created payload and the bundle's source each
// restate part of it; record_match fails when one contradicts it. It
// judges what is shown, not what is merged: the merge does not read it.

// FieldMatch says how a value stated beside the record stands against it.
type FieldMatch string

const (
	FieldAgrees      FieldMatch = "agrees"            // the record confirms it
	FieldContradicts FieldMatch = "contradicts"       // the record says otherwise
	FieldNotStated   FieldMatch = "not stated"        // the record has it, this copy leaves it out
	FieldNotInRecord FieldMatch = "not in the record" // only its signer vouches for it
)

// PaperField is one field a snapshot (or another copy) states about the
// paper, beside what the record says. Values are text as shown: a string
// as itself, a number in its RFC 8785 form, a list joined with ", ".
type PaperField struct {
	Name        string // as the copy names it: "title", "cross_cats", "source.version"
	Path        string // its JSON path inside the event ($.payload.…) or the bundle ($.source.…)
	RecordField string // the record's field it is compared with, "" when the record has none
	Record      string // the record's value; for the title, title_canon_sha256
	Found       string // the copy's value
	// FoundDigest is, for the title, TitleCanonSHA256 of the copy's title;
	// for a copy of the record, the sha256 of its RFC 8785 form.
	FoundDigest string
	Match       FieldMatch
}

// fieldRule says where a copy states a field and where the record does.
type fieldRule struct {
	name   string
	at     []string // path below the copy's root
	record []string // path below canonical_record
	sorted bool     // a list whose sorted copy the record holds
	hashed bool     // the record holds TitleCanonSHA256 of it
}

// snapshotRules are the paper fields a graph snapshot restates, below
// payload.graph_snapshot. Every other member of its paper and source is
// not in the record.
var snapshotRules = []fieldRule{
	{name: "title", at: []string{"paper", "title"}, record: []string{"metadata", "title_canon_sha256"}, hashed: true},
	{name: "primary_cat", at: []string{"paper", "primary_cat"}, record: []string{"metadata", "primary_cat"}},
	{name: "cross_cats", at: []string{"paper", "cross_cats"}, record: []string{"metadata", "cross_cats_sorted"}, sorted: true},
	{name: "submitted_at", at: []string{"paper", "submitted_at"}, record: []string{"metadata", "submitted_at"}},
	{name: "license", at: []string{"paper", "license"}, record: []string{"metadata", "license"}},
	{name: "source.id", at: []string{"source", "id"}, record: []string{"source", "id"}},
	{name: "source.kind", at: []string{"source", "kind"}, record: []string{"source", "kind"}},
	{name: "source.version", at: []string{"source", "version"}, record: []string{"source", "version"}},
}

// recordCreatedRules are the copies of the record's source a
// record_created payload holds (its copy of the whole record is compared
// by digest).
var recordCreatedRules = []fieldRule{
	{name: "source_id", at: []string{"source_id"}, record: []string{"source", "id"}},
	{name: "source_kind", at: []string{"source_kind"}, record: []string{"source", "kind"}},
	{name: "source_version", at: []string{"source_version"}, record: []string{"source", "version"}},
}

// bundleSourceRules are the bundle's own source, which names the paper.
var bundleSourceRules = []fieldRule{
	{name: "source.id", at: []string{"source", "id"}, record: []string{"source", "id"}},
	{name: "source.kind", at: []string{"source", "kind"}, record: []string{"source", "kind"}},
	{name: "source.version", at: []string{"source", "version"}, record: []string{"source", "version"}},
}

// SnapshotPaper sets the paper fields of a graph_snapshot event beside the
// bundle's record: title (by title_canon_sha256), primary_cat, cross_cats
// (sorted), submitted_at, license and source, then every other field of
// its paper and source (authors, abstract excerpt, headline…) as
// FieldNotInRecord: those only the event's signer vouches for. An event
// that is not a graph snapshot gives nil.
func SnapshotPaper(b *model.Bundle, e *model.Event) []PaperField {
	if e.EventType != "graph_snapshot" {
		return nil
	}
	snap := e.Payload.Get("graph_snapshot")
	out := matchRules(b.CanonicalRecord, snap, "$.payload.graph_snapshot", snapshotRules)
	for _, part := range []string{"paper", "source"} {
		for _, m := range snap.Get(part).Members() {
			if !slices.ContainsFunc(snapshotRules, func(r fieldRule) bool { return r.at[0] == part && r.at[1] == m.Key }) {
				name := m.Key
				if part == "source" {
					name = "source." + m.Key
				}
				out = append(out, PaperField{Name: name, Path: "$.payload.graph_snapshot" + model.PathKey(part) + model.PathKey(m.Key),
					Found: valueText(m.Value), Match: FieldNotInRecord})
			}
		}
	}
	return out
}

// recordCreatedCopies compares a record_created payload's copies of the
// record with it: the whole record by digest, and its source fields.
func recordCreatedCopies(b *model.Bundle, e *model.Event, recordDigest string) []PaperField {
	out := matchRules(b.CanonicalRecord, e.Payload, "$.payload", recordCreatedRules)
	if c := e.Payload.Get("canonical_record"); c.Exists() {
		f := PaperField{Name: "canonical_record", Path: "$.payload.canonical_record", RecordField: "digest", Record: recordDigest}
		f.FoundDigest, _ = model.SHA256Hex(c)
		f.Found = "sha256 " + f.FoundDigest
		f.Match = matchIf(f.FoundDigest == recordDigest)
		out = append(out, f)
	}
	if c := e.Payload.Get("canonical_sha256"); c.Exists() {
		f := PaperField{Name: "canonical_sha256", Path: "$.payload.canonical_sha256", RecordField: "digest", Record: recordDigest, Found: valueText(c)}
		f.Match = matchIf(c.Kind() == model.KindString && c.Str() == recordDigest)
		out = append(out, f)
	}
	return out
}

// matchRules applies rules to a copy whose root is at, named path.
func matchRules(record, at model.Value, path string, rules []fieldRule) []PaperField {
	out := make([]PaperField, 0, len(rules))
	for _, r := range rules {
		found, want := walk(at, r.at), walk(record, r.record)
		out = append(out, fieldOf(r, found, want, path, matchRule(r, found, want)))
	}
	return out
}

// contradictions is matchRules keeping only the fields that contradict
// the record: the check's way, which describes only those. record holds
// the record's values for the rules (recordValues), found once per bundle.
func contradictions(record []model.Value, at model.Value, path string, rules []fieldRule) []PaperField {
	var out []PaperField
	// Rules that read one part of the copy (paper, source) follow each
	// other: that part is found once, not once per rule (below the
	// index, each Get scans the part's parent).
	var part model.Value
	partName := ""
	for n, r := range rules {
		if r.at[0] != partName {
			partName, part = r.at[0], at.Get(r.at[0])
		}
		found := walk(part, r.at[1:])
		if m := matchRule(r, found, record[n]); m == FieldContradicts {
			out = append(out, fieldOf(r, found, record[n], path, m))
		}
	}
	return out
}

// recordValues finds, once for every copy compared with them, the
// record's values the rules read.
func recordValues(record model.Value, rules []fieldRule) []model.Value {
	out := make([]model.Value, len(rules))
	for n, r := range rules {
		out[n] = walk(record, r.record)
	}
	return out
}

// matchRule decides how one field stands against the record.
func matchRule(r fieldRule, found, want model.Value) FieldMatch {
	switch {
	case !want.Exists():
		return FieldNotInRecord
	case !found.Exists():
		return FieldNotStated
	case r.hashed:
		return matchIf(found.Kind() == model.KindString && want.Kind() == model.KindString && model.TitleCanonSHA256(found.Str()) == want.Str())
	case r.sorted:
		return matchIf(sameSortedStrings(found, want))
	}
	return matchIf(sameValue(found, want))
}

// fieldOf describes one field for a report.
func fieldOf(r fieldRule, found, want model.Value, path string, m FieldMatch) PaperField {
	f := PaperField{Name: r.name, Path: path + pathOf(r.at), RecordField: strings.Join(r.record, "."), Record: valueText(want), Found: valueText(found), Match: m}
	if m == FieldNotInRecord {
		f.RecordField = ""
	}
	if r.hashed && found.Kind() == model.KindString {
		f.FoundDigest = model.TitleCanonSHA256(found.Str())
	}
	return f
}

func matchIf(agrees bool) FieldMatch {
	if agrees {
		return FieldAgrees
	}
	return FieldContradicts
}

// walk follows object keys from v.
func walk(v model.Value, keys []string) model.Value {
	for _, k := range keys {
		v = v.Get(k)
	}
	return v
}

func pathOf(keys []string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(model.PathKey(k))
	}
	return b.String()
}

// sameSortedStrings reports whether list, a list of strings, sorted, is
// the record's list want.
func sameSortedStrings(list, want model.Value) bool {
	if list.Kind() != model.KindArray || want.Kind() != model.KindArray || list.Len() != want.Len() {
		return false
	}
	items := make([]string, 0, list.Len())
	for _, v := range list.Elems() {
		if v.Kind() != model.KindString {
			return false
		}
		items = append(items, v.Str())
	}
	slices.Sort(items)
	for i, w := range want.Elems() {
		if w.Kind() != model.KindString || w.Str() != items[i] {
			return false
		}
	}
	return true
}

// sameValue compares two JSON values as data: numbers by their RFC 8785
// form, strings decoded, lists element by element; objects by digest.
func sameValue(a, b model.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	if bytes.Equal(a.Raw(), b.Raw()) { // the common case, without decoding
		return true
	}
	switch a.Kind() {
	case model.KindString:
		return a.Str() == b.Str()
	case model.KindNumber:
		x, _ := a.NumberText()
		y, _ := b.NumberText()
		return x == y
	case model.KindArray:
		ae, be := a.Elems(), b.Elems()
		return slices.EqualFunc(ae, be, sameValue)
	case model.KindObject:
		x, err1 := model.SHA256Hex(a)
		y, err2 := model.SHA256Hex(b)
		return err1 == nil && err2 == nil && x == y
	case model.KindBool:
		return a.Bool() == b.Bool()
	}
	return true // null, or both missing
}

// valueText is a value as a report shows it: a string as itself, a number
// in its RFC 8785 form (never as received: 12.000e-99999 is 0 to every
// digest, so it is 0 here), a list of scalars joined with ", ", a
// container of containers by its size.
func valueText(v model.Value) string {
	switch v.Kind() {
	case model.KindString:
		return v.Str()
	case model.KindNumber:
		s, _ := v.NumberText()
		return s
	case model.KindBool:
		return string(v.Raw())
	case model.KindNull:
		return "null"
	case model.KindArray:
		parts := make([]string, 0, v.Len())
		for _, e := range v.Elems() {
			if k := e.Kind(); k == model.KindObject || k == model.KindArray {
				return fmt.Sprintf("(a list of %d)", v.Len())
			}
			parts = append(parts, valueText(e))
		}
		return strings.Join(parts, ", ")
	case model.KindObject:
		return fmt.Sprintf("(an object of %d members)", v.Len())
	}
	return ""
}

// recordMatchOK is the detail of a passing check: fixed, since a bundle
// of 10,000 snapshots would otherwise carry 10,000 copies.
const recordMatchOK = "every field it shares with the record agrees"

// recordMatchChecks compares the bundle's source, each record_created
// payload and each graph snapshot with the record. recordDigest is the
// record's computed digest ("" when it has none: nothing to compare);
// duplicateOf says which events repeat an earlier one's id (duplicates).
func recordMatchChecks(b *model.Bundle, recordDigest string, duplicateOf []int) []Check {
	if recordDigest == "" {
		c := bundleCheck(CheckRecordMatch)
		c.Status, c.Detail = Unknown, "no canonical record digest to compare copies of the record with"
		return []Check{c}
	}
	out := []Check{recordMatch(bundleCheck(CheckRecordMatch), "the bundle's source", matchRules(b.CanonicalRecord, b.Root, "$", bundleSourceRules))}
	snapshotRecord := recordValues(b.CanonicalRecord, snapshotRules)
	for i := range b.Events {
		e := &b.Events[i]
		c := Check{Name: CheckRecordMatch, Subject: eventCheckSubject(e, duplicateOf[i]), Event: i}
		switch e.EventType {
		case "graph_snapshot":
			out = append(out, recordMatch(c, "the snapshot", contradictions(snapshotRecord, e.Payload.Get("graph_snapshot"), "$.payload.graph_snapshot", snapshotRules)))
		case model.RecordCreated:
			out = append(out, recordMatch(c, "the record_created payload", recordCreatedCopies(b, e, recordDigest)))
		}
	}
	return out
}

// recordMatch fails when any field contradicts the record, naming each
// one with the record's value (expected) and the copy's (found).
func recordMatch(c Check, what string, fields []PaperField) Check {
	var wrong []string
	for _, f := range fields {
		if f.Match != FieldContradicts {
			continue
		}
		expected, found := f.Record, f.Found
		if f.FoundDigest != "" {
			found = f.FoundDigest
		}
		if c.Expected == "" {
			c.Expected, c.Found = expected, found
		}
		if f.Name == "title" && f.FoundDigest != "" {
			wrong = append(wrong, fmt.Sprintf("title %s: its lower-cased sha256 is %s, the record's %s is %s", model.Quote(f.Found), f.FoundDigest, f.RecordField, f.Record))
			continue
		}
		wrong = append(wrong, fmt.Sprintf("%s: the record's %s is %s, %s says %s", f.Name, f.RecordField, model.Quote(expected), what, model.Quote(found)))
	}
	if len(wrong) > 0 {
		c.Status, c.Detail = Fail, what+" contradicts the record: "+strings.Join(wrong, "; ")
		return c
	}
	c.Status, c.Detail = OK, recordMatchOK
	return c
}
