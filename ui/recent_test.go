package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// TestPromptListsRecentBundles: the open prompt lists the bundles opened
// before (title, number, verdict, when), filtered as the text is typed;
// ↓ and enter open one, as does enter on a title typed.
func TestPromptListsRecentBundles(t *testing.T) {
	data := verifytest.RealBundle(t)
	cfg := testConfig(t, data, "embedded", nil)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	recent := []RecentBundle{
		{PithNumber: "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T", Title: "Three Factors Influencing Minima in SGD", Verdict: "verified", OpenedAt: now.Add(-2 * time.Hour)},
		{PithNumber: "pith:2021:3YRRXM6MERBIMRPFWWD66SFJUD", Title: "A forked \x1b[31mrecord\u202e", Verdict: "not ok: equivocation", OpenedAt: now.Add(-3 * 24 * time.Hour)},
	}
	cfg.Recent = func(limit int) ([]RecentBundle, error) { return recent[:min(limit, len(recent))], nil }
	var opened []string
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		opened = append(opened, ref)
		return Loaded{Data: data, Source: "resolver"}, nil
	}
	m := openModel(t, cfg, 80, 24)
	m.now = func() time.Time { return now }
	press(t, m, "o")
	view := m.View()
	checkScreen(t, view, 80, 24)
	for _, want := range []string{
		"✓ verified    pith:M5BNRHPU  Three Factors Influencing Minima", "2 h ago",
		"? not ok: eq… pith:3YRRXM6M  A forked \\x1b[31mrecord", "3 days ago",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, view)
		}
	}
	for _, r := range view {
		if unsafeRune(r) {
			t.Fatalf("raw %U from a recent title reached the screen", r)
		}
	}

	typeText(t, m, "a forked") // no reference: a title
	if len(m.prompt.shown) != 1 || strings.Contains(m.View(), "pith:M5BNRHPU  Three") {
		t.Fatalf("typing a forked should leave the one bundle whose title holds it:\n%s", m.View())
	}
	press(t, m, "enter")
	if len(opened) != 2 || opened[1] != "pith:2021:3YRRXM6MERBIMRPFWWD66SFJUD" {
		t.Fatalf("enter on a title typed opened %v, want the bundle it names", opened)
	}

	press(t, m, "o")
	typeText(t, m, "m5bn")
	press(t, m, "down")
	if m.prompt.sel != 0 || !strings.Contains(m.View(), "›✓ verified") {
		t.Fatalf("↓ should choose the first recent bundle:\n%s", m.View())
	}
	press(t, m, "up")
	if m.prompt.sel != -1 {
		t.Fatal("↑ from the first goes back to the text")
	}
	press(t, m, "down", "enter")
	if len(opened) != 3 || opened[2] != "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T" {
		t.Fatalf("↓ enter opened %v, want the bundle chosen", opened)
	}
}
