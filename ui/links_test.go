package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

const realNumber = "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T"

// citingBundle is a generated bundle whose graph snapshot cites the real
// bundle by its pith number, and names a bundle no source has.
func citingBundle() ([]byte, *verify.TrustStore) {
	b := verifytest.New().WithRecord()
	payload := verifytest.SnapshotPayload("citing", 1)
	payload["graph_snapshot"].(map[string]any)["references"] = map[string]any{
		"count": 2, "items": []any{
			map[string]any{"pith_number": realNumber, "title": "Three Factors"},
			map[string]any{"pith_number": "pith:ZZZZZZZZ", "title": "nowhere"},
		},
	}
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T01:00:00Z", Payload: payload})
	return b.Build(), b.Signer.Trust()
}

// graphConfig serves the citing bundle as citing.json and the real one
// for its pith number; anything else is not found.
func graphConfig(t *testing.T) (Config, *[]string) {
	citing, trust := citingBundle()
	cfg := testConfig(t, citing, "citing.json", trust)
	var opened []string
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		opened = append(opened, ref)
		switch ref {
		case "", "citing.json":
			return Loaded{Data: citing, Source: "citing.json"}, nil
		case realNumber:
			return Loaded{Data: verifytest.RealBundle(t), Source: "resolver"}, nil
		}
		return Loaded{Attempts: []Attempt{{Source: "https://resolver.test/pith/" + ref, Why: "HTTP 404 Not Found"}}}, context.DeadlineExceeded
	}
	return cfg, &opened
}

// toPath moves the Raw pane's cursor to the node at path, searching.
func toPath(t *testing.T, m *Model, search, path string) *rawPane {
	t.Helper()
	raw := m.panes[paneRaw].(*rawPane)
	press(t, m, "8", "/")
	typeText(t, m, search)
	press(t, m, "enter")
	for range raw.searchHit.total {
		if raw.tree.rows[raw.l.selected()].path() == path {
			return raw
		}
		press(t, m, "n")
	}
	t.Fatalf("no %s in the Raw tree", path)
	return nil
}

// TestFollowTheGraph: a string of a bundle that names another bundle is
// drawn as a link; enter opens that bundle (fetched and verified), and
// backspace at the top level returns to the first, every pane where it
// was.
func TestFollowTheGraph(t *testing.T) {
	cfg, opened := graphConfig(t)
	m := openModel(t, cfg, 100, 30)
	citing := m.env.sess
	ref := "$.events[1].payload.graph_snapshot.references.items[0].pith_number"
	raw := toPath(t, m, "M5BNRHPU", ref)
	press(t, m, "esc")
	if view := m.View(); !strings.Contains(view, "pith_number: ↗ \""+realNumber+"\"") {
		t.Fatalf("the reference should be drawn as a link:\n%s", view)
	}
	if view := m.View(); strings.Contains(view, "↗ \"pith:2021") || strings.Contains(view, "subject_pith_number: ↗") {
		t.Errorf("the bundle's own number is no link:\n%s", view)
	}
	press(t, m, "enter")
	if m.env.sess == citing || m.env.sess.bundle.PithNumber != realNumber || !m.env.sess.checks.done {
		t.Fatalf("enter on the link should open and verify %s (opened %v)", realNumber, *opened)
	}
	press(t, m, "j") // the status of the verification makes way for the trail
	if view := m.View(); !strings.Contains(view, "✓ VERIFIED") || !strings.Contains(view, "⌫ back to pith:") {
		t.Fatalf("the bundle opened should be verified, the way back shown:\n%s", view)
	}

	press(t, m, "2", "j", "backspace")
	if m.env.sess != citing || m.active != paneRaw || raw.tree.rows[raw.l.selected()].path() != ref {
		t.Fatalf("backspace should return to the citing bundle's Raw pane at the link (on %q)", m.active)
	}
	if strings.Contains(m.View(), "⌫ back to") {
		t.Error("with nothing left behind there is no way back to show")
	}

	// alt+← does the same; with nothing left behind it says so.
	press(t, m, "enter")
	settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyLeft, Alt: true} })
	if m.env.sess != citing {
		t.Fatal("alt+← should return to the citing bundle")
	}
	settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyLeft, Alt: true} })
	if m.status != "no bundle to go back to" {
		t.Errorf("alt+← with nothing left behind: status %q", m.status)
	}
}

// TestALinkThatFailsKeepsTheBundle: a link to a bundle no source has
// fails like any fetch, on the status line; the bundle stays, and nothing
// is left behind to return to.
func TestALinkThatFailsKeepsTheBundle(t *testing.T) {
	cfg, _ := graphConfig(t)
	m := openModel(t, cfg, 100, 30)
	citing := m.env.sess
	toPath(t, m, "ZZZZ", "$.events[1].payload.graph_snapshot.references.items[1].pith_number")
	press(t, m, "esc", "enter")
	if m.env.sess != citing || len(m.bundles) != 0 {
		t.Fatal("a link that fails leaves the bundle open and nothing to go back to")
	}
	if view := m.View(); !strings.Contains(view, "✗ could not open pith:ZZZZZZZZ") || !strings.Contains(view, "HTTP 404 Not Found") {
		t.Errorf("the status line should say the link failed and why:\n%s", view)
	}
}

// TestLinksInDetails: a link in an event's JSON tree and in a detail's
// field opens its bundle with enter.
func TestLinksInDetails(t *testing.T) {
	cfg, opened := graphConfig(t)
	m := openModel(t, cfg, 100, 30)
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "2", "j", "enter", "G", "E")
	for {
		it, row := events.d.current()
		if it != nil && it.kind == itemTree && it.tree.rows[row].link != nil {
			break
		}
		if events.d.cursor == 0 {
			t.Fatal("no link in the event's unfolded tree")
		}
		press(t, m, "k")
	}
	press(t, m, "enter")
	if got := *opened; len(got) != 2 || (got[1] != realNumber && got[1] != "pith:ZZZZZZZZ") {
		t.Fatalf("enter on a link in the event's tree opened %v", got)
	}

	d := doc{links: m.env.link}
	d.field("cites", realNumber, realNumber)
	d.field("self", m.env.sess.bundle.PithNumber, m.env.sess.bundle.PithNumber)
	d.layout(80, m.env.styles)
	if !strings.HasPrefix(strings.TrimSpace(d.lines[0].text[labelWidth:]), "↗ "+realNumber) || strings.Contains(d.lines[1].text, "↗") {
		t.Fatalf("a field naming another bundle is a link, one naming this bundle is not: %q, %q", d.lines[0].text, d.lines[1].text)
	}
	msg := runCmd(t, d.activate(m.env.styles))
	if open, ok := msg.(openMsg); !ok || open.link.Ref != realNumber {
		t.Fatalf("enter on the field sent %#v", msg)
	}
}

// TestTrailNamesRawNodesByPath: a jump from the Raw tree is named in the
// trail by the value's path, which folding does not move.
func TestTrailNamesRawNodesByPath(t *testing.T) {
	cfg, _ := graphConfig(t)
	m := openModel(t, cfg, 100, 30)
	toPath(t, m, "M5BNRHPU", "$.events[1].payload.graph_snapshot.references.items[0].pith_number")
	press(t, m, "esc")
	m.jump(target{pane: paneEvents, row: 0})
	press(t, m, "8", "C", "2") // fold the tree the place is in, then leave it
	if view := m.View(); !strings.Contains(view, "esc back to Raw $.events[1].payload.graph_snapshot.references.items[0].pith_number") {
		t.Fatalf("the trail should name the Raw value by its path:\n%s", view)
	}
}
