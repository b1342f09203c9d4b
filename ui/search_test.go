package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/muesli/termenv"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// countMatches counts, as the Raw search does, the keys and scalar values
// of a JSON document that hold q, ignoring case.
func countMatches(t *testing.T, data []byte, q string) int {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q) }
	var walk func(key string, v any, top bool)
	walk = func(key string, v any, top bool) {
		matched := !top && has(key)
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(k, c, false)
			}
		case []any:
			for _, c := range v {
				walk("", c, false)
			}
		case string:
			matched = matched || has(v)
		default:
			b, _ := json.Marshal(v)
			matched = matched || has(string(b))
		}
		if matched {
			n++
		}
	}
	walk("", doc, true)
	return n
}

// TestRawSearchCountsAndWraps: the Raw search counts every match in the
// bundle, folded parts included, and wraps round saying so.
func TestRawSearchCountsAndWraps(t *testing.T) {
	data := verifytest.RealBundle(t)
	m := openModel(t, testConfig(t, data, "embedded", nil), 80, 24)
	raw := m.panes[paneRaw].(*rawPane)
	want := countMatches(t, data, "pith-v1")
	if want < 5 {
		t.Fatalf("the real bundle names its key %d times; the test needs more", want)
	}
	press(t, m, "8", "/")
	typeText(t, m, "pith-v1")
	press(t, m, "enter")
	if h := raw.searchHit; h.index != 1 || h.total != want {
		t.Fatalf("first match: %d of %d; want 1 of %d", h.index, h.total, want)
	}
	if title := raw.listTitle(); !strings.Contains(title, counter(1, want)+" · /pith-v1") {
		t.Fatalf("title %q should say [1/%d]", title, want)
	}
	for i := 2; i <= want; i++ {
		press(t, m, "n")
		if raw.searchHit.index != i || m.status != "" {
			t.Fatalf("n number %d: match %d, status %q", i-1, raw.searchHit.index, m.status)
		}
	}
	press(t, m, "n")
	if raw.searchHit.index != 1 || m.status != "wrapped to the first match" {
		t.Fatalf("n on the last match: match %d, status %q", raw.searchHit.index, m.status)
	}
	press(t, m, "N")
	if raw.searchHit.index != want || m.status != "wrapped to the last match" {
		t.Fatalf("N on the first match: match %d, status %q", raw.searchHit.index, m.status)
	}
	if node := raw.tree.rows[raw.l.selected()]; !strings.Contains(strings.ToLower(node.label+node.preview), "pith-v1") {
		t.Errorf("the cursor is on %q, not a match", node.text())
	}
}

// TestMatchesAreHighlighted: the text a filter or a search matched is
// painted in the rows, inside their own paint.
func TestMatchesAreHighlighted(t *testing.T) {
	mark := paint{pre: "<", post: ">"}
	for _, c := range []struct{ in, q, want string }{
		{"graph_snapshot graph", "graph", "<graph>_snapshot <graph>"},
		{"Graph", "gRAPH", "<Graph>"},
		// a match never sits in a sequence, and the paint it cuts comes back
		{"\x1b[38;2;1;2;3mab38c\x1b[0m d", "38", "\x1b[38;2;1;2;3mab<38>\x1b[38;2;1;2;3mc\x1b[0m d"},
		{"Δ größe", "GRÖ", "Δ <grö>ße"},
		{"nothing", "x", "nothing"},
	} {
		if got := mark.highlight(c.in, c.q); got != c.want {
			t.Errorf("highlight(%q, %q) = %q, want %q", c.in, c.q, got, c.want)
		}
	}

	withProfile(t, termenv.TrueColor)
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 80, 24)
	match := m.env.styles.Match
	press(t, m, "2", "/")
	typeText(t, m, "graph")
	if view := m.View(); !strings.Contains(view, match.pre+"graph"+match.post) {
		t.Errorf("the filter's matches are not highlighted:\n%q", view)
	}
	press(t, m, "enter", "8", "/")
	typeText(t, m, "record")
	press(t, m, "enter")
	if view := m.View(); !strings.Contains(view, match.pre+"record"+match.post) {
		t.Errorf("the search's matches are not highlighted:\n%q", view)
	}
}
