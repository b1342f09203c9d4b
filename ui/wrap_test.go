package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// squeezed is s without any white space, to find a text that was
// wrapped over several lines.
func squeezed(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// TestErrorsAndFactsWrap: at 80 columns a prompt error, a fetch error with
// every source tried and the evidence file's path are shown whole,
// wrapped, never cut.
func TestErrorsAndFactsWrap(t *testing.T) {
	long := "not a reference pithscope reads: \"x y\": a reference has no spaces; give a pith number, an arXiv id, a DOI, an http(s) URL of a bundle or a file path"
	cfg := testConfig(t, verifytest.RealBundle(t), "embedded", nil)
	cfg.ValidateRef = func(s string) (string, error) {
		if strings.Contains(s, " ") {
			return "", errors.New(long)
		}
		return "reference " + s, nil
	}
	var attempts []Attempt
	for _, host := range []string{"resolver.example.org", "mirror-one.example.org", "mirror-two.example.org"} {
		attempts = append(attempts, Attempt{Source: "https://" + host + "/.well-known/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T/bundle.json", Why: "HTTP 503 Service Unavailable from " + host})
	}
	load := cfg.Load
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		if ref == "gone" {
			return Loaded{Attempts: attempts}, errors.New("cannot fetch gone: no source answered with the bundle, and the overall deadline of 30s passed")
		}
		return load(ctx, ref, progress)
	}
	m := openModel(t, cfg, 80, 24)

	press(t, m, "o")
	together(t, m, "x y", false)
	if view := m.View(); !strings.Contains(squeezed(view), squeezed(long)) {
		t.Errorf("the prompt cut its error:\n%s", view)
	}
	press(t, m, "esc", "o")
	typeText(t, m, "gone")
	press(t, m, "enter")
	view := m.View()
	checkScreen(t, view, 80, 24)
	for _, a := range attempts {
		if !strings.Contains(squeezed(view), squeezed(a.Why+": "+a.Source)) {
			t.Errorf("the fetch error cut %q:\n%s", a.Source, view)
		}
	}
	press(t, m, "esc")

	data, trust := forkedBundle()
	cfg = testConfig(t, data, "forked.json", trust)
	cfg.EvidenceDir = filepath.Join(t.TempDir(), "a-folder-with-a-long-name-for-evidence", "and-another-one-below-it")
	if err := os.MkdirAll(cfg.EvidenceDir, 0o755); err != nil {
		t.Fatal(err)
	}
	m = openModel(t, cfg, 80, 24)
	press(t, m, "7", "e")
	path := m.env.sess.written[1].path
	if !strings.HasPrefix(path, cfg.EvidenceDir) {
		t.Fatalf("the evidence file %q is not in %s", path, cfg.EvidenceDir)
	}
	view = m.View()
	checkScreen(t, view, 80, 24)
	if !strings.Contains(squeezed(view), squeezed(path)) {
		t.Errorf("the evidence path is cut:\n%s", view)
	}
}
