package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// TestRefreshMarksNewEvents refetches a bundle that gained an event: the
// new one is marked, the place in each pane kept, and no check counts as
// changed (the new event's checks pass).
func TestRefreshMarksNewEvents(t *testing.T) {
	b := verifytest.New().WithRecord()
	first := b.AddSnapshot("2026-01-01T01:00:00Z", "", "one")
	before := b.Build()
	b.AddSnapshot("2026-01-01T02:00:00Z", first, "one") // the same paper: its checks pass
	after := b.Build()
	cfg := testConfig(t, before, "resolver", b.Signer.Trust())
	serve := before
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		return Loaded{Data: serve, Source: "resolver"}, nil
	}
	m := openModel(t, cfg, 80, 24)
	press(t, m, "2", "j")
	serve = after
	press(t, m, "r")
	s := m.env.sess
	if len(s.bundle.Events) != 3 || !s.isNew(2) || s.isNew(1) {
		t.Fatalf("after refresh: %d events, new marks %v; want event 2 new", len(s.bundle.Events), s.newEvents)
	}
	if got := m.panes[paneEvents].(*eventsPane).l.selected(); got != 1 {
		t.Fatalf("the Events pane moved to row %d; a refresh should keep the place", got)
	}
	if !strings.Contains(m.status, "since opened: 1 new event, 0 checks changed") {
		t.Errorf("status %q: a new event whose checks pass changes no check", m.status)
	}
	if !strings.Contains(m.View(), " +2 graph_snapshot") {
		t.Errorf("the new event should carry a + mark:\n%s", m.View())
	}
}

// TestFirstRefetchChangesNothing: the first refetch of a bundle the cache
// had not seen brings the rollback check (now that the cache knows it);
// a check that appears and passes is no change.
func TestFirstRefetchChangesNothing(t *testing.T) {
	data := verifytest.RealBundle(t)
	cfg := testConfig(t, data, "resolver", nil)
	var previous *verify.PreviousVersion
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		return Loaded{Data: data, Source: "resolver", Previous: previous}, nil
	}
	m := openModel(t, cfg, 80, 24)
	previous = &verify.PreviousVersion{FetchedAt: "2026-06-01T00:00:00Z"}
	for _, e := range m.env.sess.bundle.Events {
		previous.EventIDs = append(previous.EventIDs, e.EventID)
	}
	press(t, m, "r")
	if _, ok := m.env.sess.checkFor(verify.CheckRollback, verify.SubjectBundle); !ok {
		t.Fatal("the refetch should bring the rollback check")
	}
	if !strings.Contains(m.status, "nothing new since opened") || len(m.env.sess.changedChecks) != 0 {
		t.Fatalf("status %q, changed %v: the rollback check appearing is no change", m.status, m.env.sess.changedChecks)
	}

	// A check that turns from ok to failed is a change.
	previous.EventIDs = append(previous.EventIDs, "sha256:gone")
	press(t, m, "r")
	if !strings.Contains(m.status, "0 new events, 1 check changed") || !m.env.sess.changedChecks[verify.CheckRollback+"\x00"+verify.SubjectBundle] {
		t.Fatalf("status %q: a rollback is a changed check", m.status)
	}
}

// TestFailedRefreshSaysSoInWords: a refresh that fails leaves the bundle
// open and says on the status line, in words, that it failed, each source
// tried and why, and how old the bundle shown is; the ages keep counting,
// and esc dismisses it.
func TestFailedRefreshSaysSoInWords(t *testing.T) {
	cfg := testConfig(t, verifytest.RealBundle(t), "embedded", nil)
	m := openModel(t, cfg, 80, 24)
	opened := m.env.sess
	clock := opened.fetchedAt.Add(3 * time.Minute)
	m.now = func() time.Time { return clock }
	m.cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		return Loaded{Attempts: []Attempt{
			{Source: "https://pith.science/pith/X/bundle.json", Why: "connection refused"},
			{Source: "https://pith.science/.well-known/pith/X/bundle.json", Why: "HTTP 500 Internal Server Error"},
			{Source: "https://mirror.test/X.json", Why: "timed out after 10s"},
		}}, errors.New("cannot fetch X: no source answered with the bundle")
	}
	press(t, m, "r")
	if m.env.sess != opened {
		t.Fatal("a failed refresh replaced the open bundle")
	}
	view := m.View()
	checkScreen(t, view, 80, 24)
	status := strings.Join(m.statusView(1000, 1), "")
	for _, want := range []string{
		"✗ refresh failed just now: cannot fetch X: no source answered with the bundle",
		"pith.science/pith/X/bundle.json: connection refused",
		"pith.science/.well-known/pith/X/bundle.json: HTTP 500 Internal Server Error",
		"mirror.test/X.json: timed out after 10s",
		"showing the copy fetched 3 min ago",
	} {
		if !strings.Contains(status, want) {
			t.Errorf("status lacks %q:\n%s", want, status)
		}
	}
	if !strings.Contains(view, "✓ VERIFIED") || !strings.Contains(view, "timed out after 10s") || !strings.Contains(view, "? help") {
		t.Errorf("the bundle, the whole failure (wrapped) and the keys should all show:\n%s", view)
	}

	clock = clock.Add(2 * time.Minute)
	m.Update(clockMsg{gen: m.clockGen})
	if view := m.View(); !strings.Contains(view, "refresh failed 2 min ago") || !strings.Contains(view, "fetched 5 min") {
		t.Errorf("the ages should keep counting:\n%s", view)
	}
	press(t, m, "j")
	if !strings.Contains(m.View(), "refresh failed") {
		t.Error("the failure stays on the status line while the bundle is browsed")
	}
	press(t, m, "esc")
	if m.failure != nil || strings.Contains(m.View(), "refresh failed") {
		t.Fatal("esc should dismiss the failure")
	}
}

// TestEscCancelsARefresh: esc stops a refresh under way as it stops an
// open; the bundle stays.
func TestEscCancelsARefresh(t *testing.T) {
	cfg := testConfig(t, verifytest.RealBundle(t), "embedded", nil)
	m := openModel(t, cfg, 80, 24)
	opened := m.env.sess
	cancelled := make(chan struct{})
	m.cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		<-ctx.Done()
		close(cancelled)
		return Loaded{}, ctx.Err()
	}
	fetch := m.handleKey(keyMsg("r"))
	if !m.fetching || !strings.Contains(m.View(), "esc cancels") {
		t.Fatalf("a refresh under way should say esc cancels it:\n%s", m.View())
	}
	done := make(chan tea.Msg)
	go func() { done <- fetch() }()
	press(t, m, "esc")
	<-cancelled
	m.Update(<-done) // the cancelled fetch's last word is dropped
	if m.fetching || m.env.sess != opened || m.failure != nil || !strings.Contains(m.status, "cancelled") {
		t.Fatalf("after esc: fetching %v, same bundle %v, failure %v, status %q", m.fetching, m.env.sess == opened, m.failure, m.status)
	}
}

// TestWatchRetriesAfterTheErrorScreen: with --watch, a first fetch that
// failed is tried again at the next tick, and opens when it answers.
func TestWatchRetriesAfterTheErrorScreen(t *testing.T) {
	data := verifytest.RealBundle(t)
	cfg := testConfig(t, data, "embedded", nil)
	cfg.Ref, cfg.Watch = "pith:M5BNRHPU", time.Millisecond
	up := false
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		if !up {
			return Loaded{Attempts: []Attempt{{Source: "https://pith.science/pith/M5BNRHPU/bundle.json", Why: "connection refused"}}}, errors.New("cannot fetch pith:M5BNRHPU")
		}
		return Loaded{Data: data, Source: "resolver"}, nil
	}
	m := New(cfg)
	m.still = true
	settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	settle(t, m, m.Init())
	if m.env.sess != nil || !m.prompt.open || m.failure == nil {
		t.Fatal("the first fetch should fail to the error screen")
	}
	if view := m.View(); !strings.Contains(view, "connection refused: https://pith.science/pith/M5BNRHPU/bundle.json") {
		t.Fatalf("the error screen should say why each source failed, first:\n%s", view)
	}
	up = true
	_, cmd := m.Update(tickMsg{gen: m.watchGen})
	settle(t, m, cmd)
	if m.env.sess == nil || m.prompt.open || !m.env.sess.checks.done {
		t.Fatal("the watch tick should retry the failed fetch and open the bundle")
	}
}

// TestRawKeepsItsPlaceThroughARefresh: the Raw tree is built again for
// the bundle refetched, its cursor on the same value.
func TestRawKeepsItsPlaceThroughARefresh(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	raw := toPath(t, m, "signed_message", "$.events[1].signature.signed_message")
	press(t, m, "r")
	if got := raw.tree.rows[raw.l.selected()].path(); got != "$.events[1].signature.signed_message" {
		t.Fatalf("after a refresh the Raw cursor is on %s", got)
	}
}
