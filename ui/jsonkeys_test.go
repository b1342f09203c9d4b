package ui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// jsonShape counts the values of a JSON document at each depth below the
// top (0: the top object's members).
func jsonShape(t *testing.T, data []byte) []int {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var perDepth []int
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		var kids []any
		switch v := v.(type) {
		case map[string]any:
			for _, c := range v {
				kids = append(kids, c)
			}
		case []any:
			kids = v
		}
		for _, c := range kids {
			if depth >= len(perDepth) {
				perDepth = append(perDepth, 0)
			}
			perDepth[depth]++
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	return perDepth
}

// clipboard decodes what an OSC 52 write put on the clipboard.
func clipboard(t *testing.T, b *bytes.Buffer) string {
	t.Helper()
	s := strings.TrimSuffix(strings.TrimPrefix(b.String(), "\x1b]52;c;"), "\a")
	v, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("clipboard %q: %v", b.String(), err)
	}
	b.Reset()
	return string(v)
}

// TestJSONFoldKeys: + and - unfold and fold one level across the whole
// Raw tree, E and C everything, and the cursor stays on its value (or the
// nearest one shown).
func TestJSONFoldKeys(t *testing.T) {
	data := verifytest.RealBundle(t)
	perDepth := jsonShape(t, data)
	upTo := func(depth int) int {
		n := 0
		for _, c := range perDepth[:depth+1] {
			n += c
		}
		return n
	}
	m := openModel(t, testConfig(t, data, "embedded", nil), 80, 24)
	raw := m.panes[paneRaw].(*rawPane)
	press(t, m, "8")
	if len(raw.tree.rows) != perDepth[0] {
		t.Fatalf("Raw opens with %d rows, want the bundle's %d members", len(raw.tree.rows), perDepth[0])
	}
	press(t, m, "+")
	if len(raw.tree.rows) != upTo(1) {
		t.Fatalf("+ shows %d rows, want every value down to depth 1 (%d)", len(raw.tree.rows), upTo(1))
	}
	press(t, m, "+", "+")
	if len(raw.tree.rows) != upTo(3) {
		t.Fatalf("+ + + shows %d rows, want %d", len(raw.tree.rows), upTo(3))
	}
	press(t, m, "-")
	if len(raw.tree.rows) != upTo(2) {
		t.Fatalf("- shows %d rows, want %d", len(raw.tree.rows), upTo(2))
	}
	press(t, m, "E")
	if len(raw.tree.rows) != upTo(len(perDepth)-1) || !strings.Contains(m.status, "unfolded everything") {
		t.Fatalf("E shows %d rows (status %q), want all %d", len(raw.tree.rows), m.status, upTo(len(perDepth)-1))
	}

	// y copies the value, Y its path; the cursor stays on it through a
	// level folded, and lands on its nearest ancestor when all is.
	var clip bytes.Buffer
	m.cfg.Clipboard = &clip
	for raw.tree.rows[raw.l.selected()].path() != "$.events[1].signature" {
		press(t, m, "j")
	}
	press(t, m, "Y")
	if got := clipboard(t, &clip); got != "$.events[1].signature" {
		t.Fatalf("Y copied %q", got)
	}
	press(t, m, "j", "j", "y")
	if got := clipboard(t, &clip); got != "ed25519" {
		t.Fatalf("y on $.events[1].signature.algorithm copied %q", got)
	}
	press(t, m, "k", "k", "-")
	if got := raw.tree.rows[raw.l.selected()].path(); got != "$.events[1].signature" {
		t.Fatalf("after - the cursor is on %s", got)
	}
	press(t, m, "C")
	if len(raw.tree.rows) != perDepth[0] || raw.tree.rows[raw.l.selected()].path() != "$.events" {
		t.Fatalf("C: %d rows, cursor on %s; want %d rows, on $.events", len(raw.tree.rows), raw.tree.rows[raw.l.selected()].path(), perDepth[0])
	}
	press(t, m, "+")
	if raw.tree.rows[raw.l.selected()].path() != "$.events" {
		t.Fatal("+ should keep the cursor on $.events")
	}
}

// TestJSONKeysInDetails: the fold keys and Y work on the JSON tree of an
// event's detail, with paths from the bundle's root; Y on a list row
// copies the row's path.
func TestJSONKeysInDetails(t *testing.T) {
	var clip bytes.Buffer
	cfg := testConfig(t, verifytest.RealBundle(t), "embedded", nil)
	cfg.Clipboard = &clip
	m := openModel(t, cfg, 80, 24)
	events := m.panes[paneEvents].(*eventsPane)
	press(t, m, "2", "j", "Y")
	if got := clipboard(t, &clip); got != "$.events[1]" {
		t.Fatalf("Y on event 1's row copied %q", got)
	}
	press(t, m, "enter", "G")
	rows := len(events.tree.rows)
	press(t, m, "E")
	if len(events.tree.rows) <= rows {
		t.Fatalf("E in the detail left the event's tree at %d rows", len(events.tree.rows))
	}
	for {
		it, row := events.d.current()
		if it != nil && it.kind == itemTree && it.tree.pathOf(it.tree.rows[row]) == "$.events[1].payload.graph_snapshot.paper.title" {
			break
		}
		if events.d.cursor == 0 {
			t.Fatal("no paper.title row in the event's unfolded tree")
		}
		press(t, m, "k")
	}
	press(t, m, "Y")
	if got := clipboard(t, &clip); got != "$.events[1].payload.graph_snapshot.paper.title" {
		t.Fatalf("Y in the event's tree copied %q", got)
	}
	press(t, m, "C")
	if len(events.tree.rows) != rows {
		t.Fatalf("C left %d rows, want %d", len(events.tree.rows), rows)
	}
	if it, row := events.d.current(); it == nil || it.kind != itemTree || it.tree.pathOf(it.tree.rows[row]) != "$.events[1].payload" {
		t.Fatal("after C the cursor should be on the folded payload")
	}
}

// TestUnfoldingIsBounded: + and E stop before a level that would make
// more rows than the limit, and say so.
func TestUnfoldingIsBounded(t *testing.T) {
	data := verifytest.RealBundle(t)
	perDepth := jsonShape(t, data)
	m := openModel(t, testConfig(t, data, "embedded", nil), 80, 24)
	tree := m.panes[paneRaw].(*rawPane).tree
	limit := perDepth[0] + perDepth[1] + perDepth[2] - 1
	if whole := tree.unfoldAll(limit); whole || len(tree.rows) != perDepth[0]+perDepth[1] {
		t.Fatalf("unfoldAll under %d rows: whole %v, %d rows; want the first two levels", limit, whole, len(tree.rows))
	}
	if changed, tooBig := tree.unfoldLevel(limit); changed || !tooBig {
		t.Fatalf("one more level: changed %v, tooBig %v", changed, tooBig)
	}
}
