package ui

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// The tests of this file try the explorer as an attacker would (issue 8):
// each case is a bundle whose digests and signatures may all hold while
// something on screen is not what they prove.

// TestRespelledNumberShowsCanonical: a signed 0 respelled 12.000…e-99999
// is 0 to every digest, so the bundle verifies; the explorer shows, copies
// and compares it as 0, and Raw says how it was received.
func TestRespelledNumberShowsCanonical(t *testing.T) {
	var clip bytes.Buffer
	cfg := testConfig(t, verifytest.RealBundleRespelled(t), "respelled.json", nil)
	cfg.Clipboard = &clip
	m := openModel(t, cfg, 80, 24)
	if view := m.View(); !strings.Contains(view, "✓ VERIFIED") {
		t.Fatalf("the respelled bundle should verify:\n%s", view)
	}
	press(t, m, "4")
	view := m.View()
	if !regexp.MustCompile(`(?m)^  claims +0 `).MatchString(view) || strings.Contains(view, "12.000") {
		t.Errorf("the Graph pane should count the claims as 0:\n%s", view)
	}
	press(t, m, "j", "y") // the claims section, copied as JSON
	copied := osc52Value(t, clip.String())
	if !strings.HasPrefix(copied, `{"count":0,`) {
		t.Errorf("y copied %.40q, want the section with its count as 0", copied)
	}
	press(t, m, "8", "/")
	typeText(t, m, "count")
	press(t, m, "enter")
	view = m.View()
	if !strings.Contains(view, "count: 0") || !strings.Contains(view, "received as    ≠ 12.0000") || !strings.Contains(view, "number as 0 to every digest") {
		t.Errorf("Raw should show the count as 0, received spelled otherwise:\n%s", view)
	}
}

// osc52Value decodes the value of the last OSC 52 sequence written.
func osc52Value(t *testing.T, seq string) string {
	t.Helper()
	i := strings.LastIndex(seq, "\x1b]52;c;")
	if i < 0 || !strings.HasSuffix(seq, "\a") {
		t.Fatalf("no OSC 52 sequence: %q", seq)
	}
	out, err := base64.StdEncoding.DecodeString(seq[i+7 : len(seq)-1])
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
