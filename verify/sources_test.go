package verify_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// copyOf verifies data on its own, as a source's copy, with trust (nil:
// the pinned key only).
func copyOf(t *testing.T, name string, data []byte, trust *verify.TrustStore) verify.Source {
	t.Helper()
	return verify.CopySource(name, verify.SourceMirror, verifyData(t, data, verify.Options{Trust: trust}), time.Time{})
}

// verdicts lists each source's verdict.
func verdicts(c *verify.Comparison) []verify.SourceVerdict {
	var out []verify.SourceVerdict
	for _, s := range c.Sources {
		out = append(out, s.Verdict)
	}
	return out
}

func expectVerdicts(t *testing.T, c *verify.Comparison, overall verify.SourceVerdict, each ...verify.SourceVerdict) {
	t.Helper()
	if c.Verdict != overall || !slices.Equal(verdicts(c), each) {
		t.Fatalf("comparison %s %v, want %s %v\n%s", c.Verdict, verdicts(c), overall, each, c.Summary())
	}
}

func TestCompareSourcesAgreeBehindSplit(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	current, behind := copyOf(t, "a", cp.Current, trust), copyOf(t, "b", cp.Behind, trust)
	split, diverged := copyOf(t, "c", cp.Split, trust), copyOf(t, "d", cp.Diverged, trust)

	c := verify.CompareSources([]verify.Source{current, copyOf(t, "a2", cp.Current, trust)})
	expectVerdicts(t, c, verify.SourceAgree, verify.SourceAgree, verify.SourceAgree)
	if !c.OK() || c.Summary() != "2 sources agree" || c.Mark() != "2 sources agree" || c.PithNumber != cp.PithNumber {
		t.Errorf("agree: ok %v, %q, %q, %s", c.OK(), c.Summary(), c.Mark(), c.PithNumber)
	}

	c = verify.CompareSources([]verify.Source{behind, current})
	expectVerdicts(t, c, verify.SourceBehind, verify.SourceBehind, verify.SourceAgree)
	if !c.OK() || !strings.HasPrefix(c.Summary(), "1 source agrees, 1 behind") || c.Explain(0) != "lacks 1 event a holds" ||
		len(c.Forks) != 0 || len(c.Proofs) != 0 {
		t.Errorf("behind: ok %v, %q, %q, forks %d, proofs %d", c.OK(), c.Summary(), c.Explain(0), len(c.Forks), len(c.Proofs))
	}

	// Each copy alone is clean; together they fork the signer's chain.
	c = verify.CompareSources([]verify.Source{current, behind, split})
	expectVerdicts(t, c, verify.SourceSplit, verify.SourceSplit, verify.SourceBehind, verify.SourceSplit)
	if c.OK() || len(c.Forks) != 1 || !c.Forks[0].Across || len(c.Proofs) != 1 || c.Proofs[0].Fork == nil || c.Mark() != "SPLIT VIEW" {
		t.Fatalf("fork across sources: ok %v, forks %+v, proofs %+v", c.OK(), c.Forks, c.Proofs)
	}
	if s := c.Summary(); !strings.HasPrefix(s, "split view: 2 sources serve histories that differ") || !strings.Contains(s, "test-key-1 signed 2 events for graph") {
		t.Errorf("summary %q", s)
	}
	if got := c.Explain(2); got != "holds 1 event a lacks, and lacks 1 event it holds" {
		t.Errorf("explain %q", got)
	}

	// Neither holds the other's event, and nothing forks.
	c = verify.CompareSources([]verify.Source{current, diverged})
	expectVerdicts(t, c, verify.SourceSplit, verify.SourceSplit, verify.SourceSplit)
	if len(c.Forks) != 0 || len(c.Proofs) != 1 || c.Proofs[0].Fork != nil || len(c.Proofs[0].Events) != 2 {
		t.Fatalf("split without a fork: forks %+v, proofs %+v", c.Forks, c.Proofs)
	}
	if d := c.Proofs[0].Describe(c); !strings.HasPrefix(d, "split view: a serves sha256:") || !strings.Contains(d, ", d serves sha256:") {
		t.Errorf("describe %q", d)
	}
}

// Whatever an unverified copy holds is nobody's signed word: it is
// "unverified", never a split view.
func TestUnverifiedCopiesNeverSplit(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	current := copyOf(t, "a", cp.Current, trust)
	forged := verifytest.Edit(cp.Split, func(m map[string]any) {
		verifytest.At(m, "events", 2, "payload", "graph_snapshot", "paper").(map[string]any)["headline"] = "forged"
	})
	for name, src := range map[string]verify.Source{
		"untrusted key": copyOf(t, "c", cp.Split, nil),
		"forged event":  copyOf(t, "c", forged, trust),
	} {
		c := verify.CompareSources([]verify.Source{current, src})
		expectVerdicts(t, c, verify.SourceAgree, verify.SourceAgree, verify.SourceUnverified)
		if len(c.Forks) != 0 || len(c.Proofs) != 0 || !strings.Contains(c.Sources[1].Why, "not signed throughout by trusted keys") {
			t.Errorf("%s: forks %d, proofs %d, why %q", name, len(c.Forks), len(c.Proofs), c.Sources[1].Why)
		}
		if s := c.Summary(); s != "1 source agrees with itself: nothing to compare it with; 1 unverified" {
			t.Errorf("%s: summary %q", name, s)
		}
	}
	c := verify.CompareSources([]verify.Source{copyOf(t, "a", cp.Current, nil), copyOf(t, "c", cp.Split, nil)})
	expectVerdicts(t, c, verify.SourceUnverified, verify.SourceUnverified, verify.SourceUnverified)
	if c.OK() || c.PithNumber != "" || c.Summary() != "no source served a copy that verifies; 2 unverified" {
		t.Errorf("none verified: ok %v, %q", c.OK(), c.Summary())
	}
}

func TestCompareSourcesEdgeCases(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	current, behind := copyOf(t, "a", cp.Current, trust), copyOf(t, "b", cp.Behind, trust)
	ids := current.Events

	// The history keeps ids, not signed events: it can show a copy behind,
	// or split from what this machine saw, but offers no evidence file.
	history := verify.HistorySource("history", ids, time.Now())
	c := verify.CompareSources([]verify.Source{behind, history})
	expectVerdicts(t, c, verify.SourceBehind, verify.SourceBehind, verify.SourceAgree)
	c = verify.CompareSources([]verify.Source{copyOf(t, "d", cp.Diverged, trust), history})
	expectVerdicts(t, c, verify.SourceSplit, verify.SourceSplit, verify.SourceSplit)
	if len(c.Proofs) != 0 || !strings.Contains(c.Summary(), "no evidence file") {
		t.Errorf("split from the history: proofs %d, %q", len(c.Proofs), c.Summary())
	}

	// Nothing fetched: the cache agreeing with its history is not enough.
	cache := current
	cache.Kind = verify.SourceCache
	c = verify.CompareSources([]verify.Source{verify.UnreachableSource("r", verify.SourceResolver, "HTTP 404 Not Found"), cache, history})
	expectVerdicts(t, c, verify.SourceUnreachable, verify.SourceUnreachable, verify.SourceAgree, verify.SourceAgree)
	if c.OK() || c.Summary() != "nothing could be fetched; only what this machine holds was compared; 2 agree, 1 unreachable" {
		t.Errorf("nothing fetched: %q", c.Summary())
	}
	// Offline (no network source asked), the cache and history compare.
	c = verify.CompareSources([]verify.Source{cache, history})
	expectVerdicts(t, c, verify.SourceAgree, verify.SourceAgree, verify.SourceAgree)
	// A source that never answered is unreachable.
	c = verify.CompareSources([]verify.Source{verify.PendingSource("r", verify.SourceResolver)})
	expectVerdicts(t, c, verify.SourceUnreachable, verify.SourceUnreachable)

	// Another record answering for the same alias is not a copy of this one.
	other := verifytest.New().WithRecord()
	other.SourceID = "2101.00043"
	c = verify.CompareSources([]verify.Source{current, copyOf(t, "o", other.Build(), other.Signer.Trust())})
	expectVerdicts(t, c, verify.SourceAgree, verify.SourceAgree, verify.SourceUnverified)
	if !strings.HasPrefix(c.Sources[1].Why, "another record: ") {
		t.Errorf("another record: %q", c.Sources[1].Why)
	}

	// A fork inside one copy is a fork, not a split view.
	_, _, forked := forkedBundle(t)
	c = verify.CompareSources([]verify.Source{verify.CopySource("f", verify.SourceMirror, forked, time.Time{})})
	if c.Verdict != verify.SourceFork || c.OK() || len(c.Forks) != 1 || c.Forks[0].Across || len(c.Proofs) != 0 || c.Mark() != "FORK" {
		t.Errorf("fork in one copy: %s, forks %+v, proofs %d", c.Verdict, c.Forks, len(c.Proofs))
	}
	if !strings.Contains(c.Sources[0].Why, "fails equivocation") {
		t.Errorf("the forked copy's other failures are not said: %q", c.Sources[0].Why)
	}
}

func TestSplitEvidenceVerifiesOffline(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	current := copyOf(t, "https://a.test/pith/X/bundle.json", cp.Current, trust)
	for _, tc := range []struct {
		name, other string
		data        []byte
		verdict     string
		check       string
	}{
		{"fork across sources", "https://b.test/x.json", cp.Split, "FORK PROVEN: your key test-key-1 signed 2 events for graph after sha256:", verify.CheckEquivocation},
		{"split view", "https://c.test/x.json", cp.Diverged, "SPLIT VIEW PROVEN: https://a.test/pith/X/bundle.json and https://c.test/x.json serve copies of " + cp.PithNumber + " signed by your key test-key-1", verify.CheckSplitView},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := verify.CompareSources([]verify.Source{current, copyOf(t, tc.other, tc.data, trust)})
			data, err := verify.SplitEvidence(c, 1)
			if err != nil {
				t.Fatal(err)
			}
			ev := verifytest.ParseEvidence(t, data)
			if len(ev.Sources) != 2 || len(ev.Events) != 2 {
				t.Fatalf("%d source bundles, %d events", len(ev.Sources), len(ev.Events))
			}
			r := verify.VerifyEvidence(ev, verify.Options{Trust: trust})
			verdict, ok := r.Verdict()
			if !ok || !r.Evidence.Proven || !strings.HasPrefix(verdict, tc.verdict) {
				t.Fatalf("verdict %q (ok %v), checks:\n%s", verdict, ok, allChecks(r))
			}
			if proof := find(t, r, tc.check, "evidence"); proof.Status != verify.Fail {
				t.Errorf("the proof check %+v should fail: the misbehaviour is proven", proof)
			}
			for _, n := range []string{"source:1", "source:2"} {
				if c := find(t, r, verify.CheckBundleSignature, n); c.Status != verify.OK || !strings.Contains(c.Detail, "signed throughout by trusted keys") {
					t.Errorf("%s: %+v", n, c)
				}
			}
			js, err := verify.MarshalReport(r, "evidence.json")
			if err != nil || !json.Valid(js) || !bytes.Contains(js, []byte(`"sources":["https://a.test/pith/X/bundle.json","`+tc.other+`"]`)) {
				t.Errorf("--json of the evidence: %v %s", err, js)
			}
			if r := verify.VerifyEvidence(ev, verify.Options{}); r.Evidence.Proven {
				t.Error("proven without trusting the signer's key")
			}
		})
	}
}

// Each way of tampering with split-view evidence leaves it unproven, and
// says why.
func TestTamperedSplitEvidenceProvesNothing(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	c := verify.CompareSources([]verify.Source{copyOf(t, "a", cp.Current, trust), copyOf(t, "d", cp.Diverged, trust)})
	data, err := verify.SplitEvidence(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	evidence := func(t *testing.T, edit func(m map[string]any)) *model.Evidence {
		return verifytest.ParseEvidence(t, verifytest.Edit(data, edit))
	}
	sources := func(m map[string]any) []any { return m["source_bundles"].([]any) }
	other := verifytest.New().WithRecord()
	other.SourceID = "2101.00043"
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		why  string
	}{
		{"an event changed", func(m map[string]any) {
			verifytest.At(m, "events", 0).(map[string]any)["created_at"] = "2027-01-01T00:00:00Z"
		}, "not every event's digest, id and signature check out"},
		{"a source bundle changed", func(m map[string]any) {
			verifytest.At(sources(m)[1], "bundle").(map[string]any)["built_at"] = "2027-01-01T00:00:00Z"
		}, "bundle_digest fail"},
		{"one source bundle", func(m map[string]any) { m["source_bundles"] = sources(m)[:1] }, "a split view needs two"},
		{"the same bundle twice", func(m map[string]any) {
			s := sources(m)
			s[1].(map[string]any)["bundle"] = s[0].(map[string]any)["bundle"]
		}, "does not hold"},
		{"a bundle of another record", func(m map[string]any) {
			sources(m)[1].(map[string]any)["bundle"] = verifytest.Decode(other.Build())
		}, "a copy of another record"},
		{"an untrusted bundle", func(m map[string]any) {
			b := verifytest.Decode(cp.Diverged)
			verifytest.At(b, "bundle_signature").(map[string]any)["key_id"] = "someone-else"
			sources(m)[1].(map[string]any)["bundle"] = b
		}, "not signed throughout by trusted keys"},
		{"an event no bundle names", func(m map[string]any) {
			sources(m)[1].(map[string]any)["event_ids"] = []any{}
		}, "it names none of the evidence's events"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := verify.VerifyEvidence(evidence(t, tc.edit), verify.Options{Trust: trust})
			verdict, ok := r.Verdict()
			if ok || r.Evidence.Proven || !strings.HasPrefix(verdict, "SPLIT VIEW NOT PROVEN: ") {
				t.Fatalf("verdict %q (ok %v)", verdict, ok)
			}
			if !strings.Contains(verdict+allChecks(r), tc.why) {
				t.Errorf("nothing says %q:\n%s\n%s", tc.why, verdict, allChecks(r))
			}
		})
	}
}

func TestWriteSplitEvidenceFile(t *testing.T) {
	cp := verifytest.NewSourceCopies()
	trust := cp.Signer.Trust()
	c := verify.CompareSources([]verify.Source{copyOf(t, "a", cp.Current, trust), copyOf(t, "c", cp.Split, trust)})
	dir := t.TempDir()
	base := filepath.Join(dir, "pith-evidence-"+model.BodyOf(cp.PithNumber)+"-split1")
	for _, want := range []string{base + ".json", base + "-2.json"} {
		if path, err := verify.WriteSplitEvidenceFile(dir, c, 1); err != nil || path != want {
			t.Fatalf("wrote %q, %v; want %q", path, err, want)
		}
	}
	data, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatal(err)
	}
	if r := verify.VerifyEvidence(verifytest.ParseEvidence(t, data), verify.Options{Trust: trust}); !r.Evidence.Proven {
		t.Errorf("the written file proves nothing: %+v", r.Evidence)
	}
	for _, n := range []int{0, 2} {
		if _, err := verify.WriteSplitEvidenceFile(dir, c, n); err == nil {
			t.Errorf("proof %d of 1 written", n)
		}
	}
}
