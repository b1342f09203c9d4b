package verify_test

import (
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

func TestAnEventListedTwiceIsMergedOnce(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	// The served state is built by the same merge, so it already leaves
	// the copy out; the copy's event_id check says why.
	data := verifytest.Edit(b.Build(), func(m map[string]any) {
		events := m["events"].([]any)
		m["events"] = append(events, events[1])
	})
	r := verify.Verify(mustParse(t, data), verify.Options{Trust: b.Signer.Trust()})
	dup, ok := r.Find(verify.CheckEventID, verify.EventSubject(2, ""))
	if !ok || dup.Status != verify.Fail || !strings.Contains(dup.Detail, "events[1] is the same event") {
		t.Fatalf("copy's event_id check = %+v", dup)
	}
	// Every check of the copy names it by position, record_match included.
	for _, c := range r.Checks {
		if c.Event == 2 && c.Subject != verify.EventSubject(2, "") {
			t.Errorf("%s names the copy %s", c.Name, c.Subject)
		}
	}
	if got := len(r.Merge.Applied); got != 2 {
		t.Errorf("%d events applied, want the record and the snapshot once", got)
	}
	if len(r.Merge.Invalid) != 1 || r.Merge.Invalid[0].Index != 2 {
		t.Errorf("invalid = %+v, want the copy", r.Merge.Invalid)
	}
}
