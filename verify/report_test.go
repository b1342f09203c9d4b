package verify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
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

// The streamed --json report is the JSONReport schema, member for member
// and in its order: decoded into a JSONReport (no member left over) and
// encoded again, it is the same bytes, for a passing bundle, for one whose
// strings need escaping, and for an empty report.
func TestWriteReportJSONIsTheSchema(t *testing.T) {
	b, _ := basic()
	good := verifyData(t, b.Build(), verify.Options{Trust: b.Signer.Trust()})
	odd := &verify.Report{PithNumber: "pith:\u202e<x>", Checks: []verify.Check{{Name: "n", Subject: "s\u009b", Status: verify.Fail, Detail: "a & b \u200b", Found: "é"}}}
	for _, r := range []*verify.Report{good, odd, {}} {
		var got strings.Builder
		if err := verify.WriteReportJSON(&got, r, "src \u0085"); err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(strings.NewReader(got.String()))
		dec.DisallowUnknownFields()
		var schema verify.JSONReport
		if err := dec.Decode(&schema); err != nil {
			t.Fatalf("%v\n%s", err, got.String())
		}
		if len(schema.Checks) != len(r.Checks) {
			t.Fatalf("%d checks written, the report has %d", len(schema.Checks), len(r.Checks))
		}
		again, err := json.Marshal(schema)
		if err != nil {
			t.Fatal(err)
		}
		if want := string(model.EscapeJSONForTerminal(again)) + "\n"; got.String() != want {
			t.Errorf("streamed\n %s\nthe schema's encoding\n %s", got.String(), want)
		}
		if marshalled, _ := verify.MarshalReport(r, "src \u0085"); string(marshalled)+"\n" != got.String() {
			t.Errorf("MarshalReport is not the streamed report less its newline")
		}
	}
}
