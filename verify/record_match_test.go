package verify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// realTitleHash is the real record's title_canon_sha256, written out.
const realTitleHash = "8374a5494e65f1b9671443e920c94106ccb3751de54b7b0fb22be87c2beb9e16"

// The real snapshot's title lower-cased hashes to the record's
// title_canon_sha256 (the observed rule); as written it does not.
func TestTitleCanonSHA256OfTheRealTitle(t *testing.T) {
	const title = "Three Factors Influencing Minima in SGD"
	if got := model.TitleCanonSHA256(title); got != realTitleHash {
		t.Errorf("TitleCanonSHA256 = %s, want %s", got, realTitleHash)
	}
	if jcsSHA256(t, mustJSON(t, title)) == realTitleHash {
		t.Error("the title as written hashes to the record's digest: the lower-casing rule is not needed")
	}
}

// Issue 8, item 2: a snapshot signed by a key the user trusts, keeping
// Pith's record, receipt and snapshot, retitles the paper. Every digest
// and signature holds; record_match fails on that snapshot alone, naming
// the field, the record's value and the snapshot's.
func TestRecordMatchCatchesARetitledPaper(t *testing.T) {
	attacker := verifytest.NewSigner("test-key-1", "attacker")
	data, trust := verifytest.RealBundleRetitled(t, attacker, "Attention Is All You Need")
	b := mustParse(t, data)
	r := verify.Verify(b, verify.Options{Trust: trust})
	expectNotOK(t, r, map[string]int{verify.CheckRecordMatch: 1})
	c := find(t, r, verify.CheckRecordMatch, verify.EventSubject(2, b.Events[2].EventID))
	if c.Expected != realTitleHash || c.Found != model.TitleCanonSHA256("Attention Is All You Need") {
		t.Errorf("expected/found %q/%q, want the record's title hash and the snapshot's", c.Expected, c.Found)
	}
	for _, want := range []string{`title "Attention Is All You Need"`, "title_canon_sha256", realTitleHash} {
		if !strings.Contains(c.Detail, want) {
			t.Errorf("detail %q lacks %q", c.Detail, want)
		}
	}
	// Pith's own snapshot still agrees.
	if c := find(t, r, verify.CheckRecordMatch, verify.EventSubject(1, b.Events[1].EventID)); c.Status != verify.OK {
		t.Errorf("Pith's snapshot: %s %s", c.Status, c.Detail)
	}
}

// Each field a snapshot shares with the record fails alone when it
// differs; a list in another order, a number spelled otherwise and a title
// in other letter case agree, since the record holds the sorted list, the
// number as data and the title's lower-cased hash.
func TestRecordMatchComparesEachField(t *testing.T) {
	real := verifytest.RealBundle(t)
	paper := func(field string, v any) func(map[string]any) {
		return set(p("events", 1, "payload", "graph_snapshot", "paper", field), v)
	}
	source := func(field string, v any) func(map[string]any) {
		return set(p("events", 1, "payload", "graph_snapshot", "source", field), v)
	}
	for _, tc := range []struct {
		name            string
		edit            func(map[string]any)
		field           string // "" when the snapshot still agrees
		expected, found string
	}{
		{"primary_cat", paper("primary_cat", "cs.CL"), "primary_cat", "cs.LG", "cs.CL"},
		{"cross_cats missing one", paper("cross_cats", []any{"cs.AI", "cs.CV"}), "cross_cats", "cs.AI, cs.CV, stat.ML", "cs.AI, cs.CV"},
		{"cross_cats of another type", paper("cross_cats", "cs.AI"), "cross_cats", "cs.AI, cs.CV, stat.ML", "cs.AI"},
		{"submitted_at", paper("submitted_at", "2017-11-14T15:11:56Z"), "submitted_at", "2017-11-13T15:11:56Z", "2017-11-14T15:11:56Z"},
		{"license", paper("license", "http://creativecommons.org/licenses/by/4.0/"), "license", "http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "http://creativecommons.org/licenses/by/4.0/"},
		{"source.id", source("id", "1706.03762"), "source.id", "1711.04623", "1706.03762"},
		{"source.kind", source("kind", "doi"), "source.kind", "arxiv", "doi"},
		{"source.version", source("version", json.Number("4.00")), "source.version", "3", "4"},
		{"source.version as a string", source("version", "3"), "source.version", "3", "3"},
		{"cross_cats in another order", paper("cross_cats", []any{"stat.ML", "cs.AI", "cs.CV"}), "", "", ""},
		{"source.version respelled", source("version", json.Number("3.0e0")), "", "", ""},
		{"title in capitals", paper("title", "THREE FACTORS INFLUENCING MINIMA IN SGD"), "", "", ""},
		{"authors", paper("authors_text", "Someone Else"), "", "", ""},
		{"no primary_cat", func(m map[string]any) {
			delete(verifytest.At(m, "events", 1, "payload", "graph_snapshot", "paper").(map[string]any), "primary_cat")
		}, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Re-signed by Pith's key is impossible here, so the event's
			// own checks fail too; record_match judges what it says.
			b := mustParse(t, verifytest.Edit(real, tc.edit))
			r := verify.Verify(b, verify.Options{})
			c := find(t, r, verify.CheckRecordMatch, verify.EventSubject(1, b.Events[1].EventID))
			if tc.field == "" {
				if c.Status != verify.OK {
					t.Errorf("record_match %s: %s", c.Status, c.Detail)
				}
				return
			}
			if c.Status != verify.Fail || c.Expected != tc.expected || c.Found != tc.found || !strings.Contains(c.Detail, tc.field+":") {
				t.Errorf("record_match = %s %q (expected %q, found %q); want fail naming %s, %q, %q", c.Status, c.Detail, c.Expected, c.Found, tc.field, tc.expected, tc.found)
			}
		})
	}
}

// The other copies of the record: the record_created payload (its whole
// record, its digest, its source fields) and the bundle's own source.
func TestRecordMatchComparesTheRecordsCopies(t *testing.T) {
	real := verifytest.RealBundle(t)
	for _, tc := range []struct {
		name, field, subject string
		edit                 func(map[string]any)
	}{
		{"payload source_id", "source_id", "event", set(p("events", 0, "payload", "source_id"), "1706.03762")},
		{"payload source_version", "source_version", "event", set(p("events", 0, "payload", "source_version"), 2)},
		{"payload record", "canonical_record", "event", set(p("events", 0, "payload", "canonical_record", "metadata", "primary_cat"), "cs.CL")},
		{"payload digest", "canonical_sha256", "event", set(p("events", 0, "payload", "canonical_sha256"), strings.Repeat("0", 64))},
		{"bundle source", "source.id", "bundle", set(p("source", "id"), "1706.03762")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mustParse(t, verifytest.Edit(real, tc.edit))
			subject := verify.SubjectBundle
			if tc.subject == "event" {
				subject = verify.EventSubject(0, b.Events[0].EventID)
			}
			c := find(t, r(t, b), verify.CheckRecordMatch, subject)
			if c.Status != verify.Fail || !strings.Contains(c.Detail, tc.field+":") {
				t.Errorf("record_match %s: %s", c.Status, c.Detail)
			}
		})
	}
}

func r(t *testing.T, b *model.Bundle) *verify.Report { return verify.Verify(b, verify.Options{}) }

// SnapshotPaper, for the explorer: the real snapshot's fields, the record's
// values beside them, and which the record cannot confirm.
func TestSnapshotPaperOfTheRealBundle(t *testing.T) {
	b := mustParse(t, verifytest.RealBundle(t))
	got := map[string]verify.PaperField{}
	for _, f := range verify.SnapshotPaper(b, &b.Events[1]) {
		got[f.Name] = f
	}
	for name, want := range map[string]verify.PaperField{
		"title":          {Path: "$.payload.graph_snapshot.paper.title", RecordField: "metadata.title_canon_sha256", Record: realTitleHash, Found: "Three Factors Influencing Minima in SGD", FoundDigest: realTitleHash, Match: verify.FieldAgrees},
		"cross_cats":     {Path: "$.payload.graph_snapshot.paper.cross_cats", RecordField: "metadata.cross_cats_sorted", Record: "cs.AI, cs.CV, stat.ML", Found: "cs.AI, cs.CV, stat.ML", Match: verify.FieldAgrees},
		"source.version": {Path: "$.payload.graph_snapshot.source.version", RecordField: "source.version", Record: "3", Found: "3", Match: verify.FieldAgrees},
		"authors_text":   {Path: "$.payload.graph_snapshot.paper.authors_text", Found: `Amos Storkey, Asja Fischer, Devansh Arpit, Nicolas Ballas, Stanis{\l}aw Jastrz\k{e}bski, Yoshua Bengio, Zachary Kenton`, Match: verify.FieldNotInRecord},
		"headline":       {Path: "$.payload.graph_snapshot.paper.headline", Match: verify.FieldNotInRecord},
	} {
		want.Name = name
		if got[name] != want {
			t.Errorf("%s:\n got  %+v\n want %+v", name, got[name], want)
		}
	}
	for _, name := range []string{"primary_cat", "submitted_at", "license", "source.id", "source.kind"} {
		if got[name].Match != verify.FieldAgrees {
			t.Errorf("%s: %+v", name, got[name])
		}
	}
	if got["abstract_excerpt"].Match != verify.FieldNotInRecord || len(got) != 11 {
		t.Errorf("want 8 compared fields and 3 the record cannot confirm, got %d: %+v", len(got), got)
	}
	if verify.SnapshotPaper(b, &b.Events[0]) != nil {
		t.Error("a record_created event has no snapshot paper")
	}
}
