package verify_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

func mustParse(t testing.TB, data []byte) *model.Bundle {
	t.Helper()
	b, err := model.Parse(data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return b
}

func verifyData(t testing.TB, data []byte, opts verify.Options) *verify.Report {
	t.Helper()
	return verify.Verify(mustParse(t, data), opts)
}

// notOK counts the checks that did not pass, by name; an unknown check is
// counted under its name followed by "?".
func notOK(r *verify.Report) map[string]int {
	out := map[string]int{}
	for _, c := range r.Checks {
		switch c.Status {
		case verify.OK:
		case verify.Fail:
			out[c.Name]++
		case verify.Unknown:
			out[c.Name+"?"]++
		default:
			out["bad status "+string(c.Status)]++
		}
	}
	return out
}

// expectNotOK asserts that exactly the checks in want failed (or, for a
// name ending in "?", were unknown), as many times as given, and that every
// other check is ok.
func expectNotOK(t *testing.T, r *verify.Report, want map[string]int) {
	t.Helper()
	got := notOK(r)
	if fmt.Sprint(sortedCounts(got)) == fmt.Sprint(sortedCounts(want)) {
		return
	}
	t.Errorf("checks not ok:\n got  %v\n want %v\n%s", sortedCounts(got), sortedCounts(want), dump(r))
}

func sortedCounts(m map[string]int) []string {
	var out []string
	for k, v := range m {
		if v != 0 {
			out = append(out, fmt.Sprintf("%s×%d", k, v))
		}
	}
	sort.Strings(out)
	return out
}

// dump lists every check that is not ok, for failure messages.
func dump(r *verify.Report) string {
	var b strings.Builder
	for _, c := range r.Checks {
		if c.Status != verify.OK {
			fmt.Fprintf(&b, "  %-7s %-18s %s: %s\n", c.Status, c.Name, c.Subject, c.Detail)
		}
	}
	return b.String()
}

// find returns the one check with this name and subject, failing the test
// when there is none.
func find(t *testing.T, r *verify.Report, name, subject string) verify.Check {
	t.Helper()
	c, ok := r.Find(name, subject)
	if !ok {
		t.Fatalf("no %s check for %s; checks:\n%s", name, subject, allChecks(r))
	}
	return c
}

func allChecks(r *verify.Report) string {
	var b strings.Builder
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "  %-7s %-18s %s: %s\n", c.Status, c.Name, c.Subject, c.Detail)
	}
	return b.String()
}

// checksNamed lists the checks with one name.
func checksNamed(r *verify.Report, name string) []verify.Check {
	var out []verify.Check
	for _, c := range r.Checks {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// title is the paper's title in generated bundles: every snapshot states
// it, so the record (which commits to it) agrees unless a test says not.
const title = "Three Ways to Sign a Bundle"
