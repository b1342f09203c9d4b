package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// GraphSnapshot is the payload of a graph_snapshot event: what the Pith
// graph knew of a paper when the event was signed.
type GraphSnapshot struct {
	Value          Value
	Paper          Paper
	Claims         SnapshotSection
	References     SnapshotSection
	FormalCanon    SnapshotSection
	AuthorClaims   SnapshotSection
	BuilderVersion string
}

// Paper is the paper's metadata as the snapshot states it.
type Paper struct {
	Title           string
	AuthorsText     string
	PrimaryCat      string
	CrossCats       []string
	SubmittedAt     string
	License         string
	Headline        string
	AbstractExcerpt string
}

// SnapshotSection is one counted section of a snapshot (claims, references,
// formal canon, author claims) with the digest the builder gave it.
type SnapshotSection struct {
	Value          Value
	Count          int64 // count, or evidence_count for the formal canon
	StrongCount    int64 // author claims only
	ResolvedWork   int64 // references only
	Items          []Value
	SnapshotSHA256 string
}

// GraphSnapshot reads the snapshot in a graph_snapshot event's payload.
// Fields of an unexpected type read as empty: the snapshot is shown, not
// trusted, and its digests are checked as part of the event.
func (e *Event) GraphSnapshot() (GraphSnapshot, bool) {
	v := e.Payload.Get("graph_snapshot")
	if v.Kind() != KindObject {
		return GraphSnapshot{}, false
	}
	p := v.Get("paper")
	var cats []string
	for _, c := range p.Get("cross_cats").Elems() {
		cats = append(cats, c.Str())
	}
	return GraphSnapshot{
		Value: v,
		Paper: Paper{
			Title: p.Get("title").Str(), AuthorsText: p.Get("authors_text").Str(), PrimaryCat: p.Get("primary_cat").Str(),
			CrossCats: cats, SubmittedAt: p.Get("submitted_at").Str(), License: p.Get("license").Str(),
			Headline: p.Get("headline").Str(), AbstractExcerpt: p.Get("abstract_excerpt").Str(),
		},
		Claims:         section(v.Get("claims"), "count", "items"),
		References:     section(v.Get("references"), "count", "sample"),
		FormalCanon:    section(v.Get("formal_canon"), "evidence_count", ""),
		AuthorClaims:   section(v.Get("author_claims"), "count", ""),
		BuilderVersion: v.Get("builder_version").Str(),
	}, true
}

func section(v Value, countKey, itemsKey string) SnapshotSection {
	count, _ := v.Get(countKey).Int()
	strong, _ := v.Get("strong_count").Int()
	resolved, _ := v.Get("resolved_work").Int()
	s := SnapshotSection{Value: v, Count: count, StrongCount: strong, ResolvedWork: resolved, SnapshotSHA256: v.Get("snapshot_sha256").Str()}
	if itemsKey != "" {
		s.Items = v.Get(itemsKey).Elems()
	}
	return s
}

// RecordMetadata is canonical_record.metadata: what the pith number commits to.
type RecordMetadata struct {
	License             string
	PrimaryCat          string
	SubmittedAt         string
	CrossCatsSorted     []string
	TitleCanonSHA256    string
	AbstractCanonSHA256 string
}

// Metadata reads the canonical record's metadata.
func (b *Bundle) Metadata() RecordMetadata {
	m := b.CanonicalRecord.Get("metadata")
	var cats []string
	for _, c := range m.Get("cross_cats_sorted").Elems() {
		cats = append(cats, c.Str())
	}
	return RecordMetadata{
		License: m.Get("license").Str(), PrimaryCat: m.Get("primary_cat").Str(), SubmittedAt: m.Get("submitted_at").Str(),
		CrossCatsSorted: cats, TitleCanonSHA256: m.Get("title_canon_sha256").Str(), AbstractCanonSHA256: m.Get("abstract_canon_sha256").Str(),
	}
}

// TitleCanonSHA256 is what a record's title_canon_sha256 holds for a
// title: sha256 of its UTF-8 lower-cased (observed on the real bundle's
// ASCII title; the same rule for any other title is inferred, see
// docs/format.md).
func TitleCanonSHA256(title string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(title)))
	return hex.EncodeToString(sum[:])
}
