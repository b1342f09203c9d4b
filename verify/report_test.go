package verify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

func TestMarshalReportSchema(t *testing.T) {
	r := &verify.Report{PithNumber: "pith:x"}
	out, err := verify.MarshalReport(r, "")
	if err != nil {
		t.Fatal(err)
	}
	// No checks is not OK, and checks is a list, never null.
	if string(out) != `{"ok":false,"pith_number":"pith:x","checks":[],"summary":{"ok":0,"fail":0,"unknown":0},"verdict":"NOT VERIFIED","signers":[],"not_verified":[]}` {
		t.Errorf("empty report: %s", out)
	}
	r.Checks = []verify.Check{{Name: "bundle_digest", Subject: "bundle", Status: verify.OK, Detail: "d", Event: 3}}
	out, _ = verify.MarshalReport(r, "src")
	if !strings.Contains(string(out), `"ok":true,"source":"src"`) || strings.Contains(string(out), `"Event"`) || strings.Contains(string(out), `"expected"`) {
		t.Errorf("report: %s", out)
	}
}

// Run streams every check it reports, once; a cancelled run is never OK.
func TestRunStreamsEveryCheckAndStopsWhenCancelled(t *testing.T) {
	b := mustParse(t, verifytest.RealBundle(t))
	var streamed []verify.Check
	r := verify.Run(context.Background(), b, verify.Options{}, func(c verify.Check) { streamed = append(streamed, c) })
	if len(streamed) != len(r.Checks) {
		t.Fatalf("streamed %d checks, reported %d", len(streamed), len(r.Checks))
	}
	seen := map[string]int{}
	for _, c := range streamed {
		seen[c.Name+" "+c.Subject]++
	}
	for _, c := range r.Checks {
		if seen[c.Name+" "+c.Subject] == 0 {
			t.Errorf("%s %s reported but not streamed", c.Name, c.Subject)
		}
		seen[c.Name+" "+c.Subject]--
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := verify.Run(ctx, b, verify.Options{}, nil); r.OK() {
		t.Error("a cancelled run reported OK")
	}
}

// The streamed --json report is byte for byte what MarshalReport makes,
// for a passing bundle and for one whose strings need escaping.
func TestWriteReportJSONIsMarshalReport(t *testing.T) {
	b, _ := basic()
	good := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	odd := &verify.Report{PithNumber: "pith:\u202e<x>", Checks: []verify.Check{{Name: "n", Subject: "s\u009b", Status: verify.Fail, Detail: "a & b \u200b", Found: "é"}}}
	for _, r := range []*verify.Report{good, odd, {}} {
		want, err := verify.MarshalReport(r, "src \u0085")
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		if err := verify.WriteReportJSON(&got, r, "src \u0085"); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("streamed\n %s\nmarshalled\n %s", got.String(), want)
		}
	}
}
