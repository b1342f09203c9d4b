package main

// Comparing sources (issue 12), through the command line: loopback
// mirrors serving the copies in testdata/sources, as the README's "Compare
// sources" example does with pithscope serve.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/pithscope/pithscope/fetch"
	"github.com/pithscope/pithscope/ui"
	"github.com/pithscope/pithscope/verify/verifytest"
)

var updateSources = flag.Bool("update-sources", false, "rewrite testdata/sources from verifytest.NewSourceCopies")

// sourcesDir holds the README example's folders: one per copy, and the
// key that signed them all.
const sourcesDir = "testdata/sources"

// sourcesTestdata is what testdata/sources holds.
func sourcesTestdata() map[string][]byte {
	cp := verifytest.NewSourceCopies()
	return map[string][]byte{
		"current/2101.00042.json": cp.Current, "behind/2101.00042.json": cp.Behind, "split/2101.00042.json": cp.Split,
		"key.json": cp.Signer.KeyFile(),
	}
}

// The folders the README serves are the copies the tests build: a change
// to the builder shows here (go test -run TestSourcesTestdata -update-sources
// writes them again).
func TestSourcesTestdata(t *testing.T) {
	for name, want := range sourcesTestdata() {
		path := filepath.Join(sourcesDir, name)
		if *updateSources {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not what verifytest.NewSourceCopies builds (%v); run go test -run TestSourcesTestdata -update-sources", path, err)
		}
	}
}

// serveSources serves one folder of testdata/sources the way pithscope
// serve --trust-key testdata/sources/key.json does.
func serveSources(t *testing.T, folder string) string {
	t.Helper()
	m := fetch.NewMirror(verifytest.NewSourceCopies().Signer.Trust())
	if err := m.AddDir(filepath.Join(sourcesDir, folder)); err != nil || len(m.Served) != 1 {
		t.Fatalf("serving %s: %v %v", folder, err, m.Skipped)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv.URL
}

// verifySources runs verify --sources 2101.00042 against resolver, with a
// cache of its own (unless args give one) and the test key trusted.
func verifySources(t *testing.T, resolver string, args ...string) (int, string, string) {
	t.Helper()
	all := append([]string{"verify", "--sources", "2101.00042", "--resolver", resolver,
		"--trust-key", filepath.Join(sourcesDir, "key.json")}, args...)
	if !strings.Contains(strings.Join(args, " "), "--cache-dir") {
		all = append(all, "--cache-dir", t.TempDir())
	}
	return runFetchTest(all...)
}

// sourceLine matches a source's line: verdict, event count, digest, age.
func sourceLine(verdict, events, url, kind string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^  . ` + regexp.QuoteMeta(verdict) + ` +` + events + `  [0-9a-f]{12}  \d+[smhd] +` + regexp.QuoteMeta(url) + ` \(` + kind + `\)$`)
}

// jsonSources is the --sources --json schema, read strictly.
type jsonSources struct {
	OK             *bool   `json:"ok"`
	PithNumber     *string `json:"pith_number"`
	Verdict        *string `json:"verdict"`
	SourcesVerdict *string `json:"sources_verdict"`
	Sources        []struct {
		Source       string   `json:"source"`
		Kind         string   `json:"kind"`
		Verdict      string   `json:"verdict"`
		Why          string   `json:"why"`
		Events       int      `json:"events"`
		BundleSHA256 string   `json:"bundle_sha256"`
		NewestEvent  string   `json:"newest_event_at"`
		FetchedAt    string   `json:"fetched_at"`
		Behind       []string `json:"behind"`
		SplitWith    []string `json:"split_with"`
	} `json:"sources"`
	Proofs []string `json:"proofs"`
}

func decodeSources(t *testing.T, out string) jsonSources {
	t.Helper()
	var js jsonSources
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&js); err != nil || js.OK == nil || js.PithNumber == nil || js.Verdict == nil || js.SourcesVerdict == nil || js.Sources == nil || js.Proofs == nil {
		t.Fatalf("--json output lacks a field of the schema (%v):\n%s", err, out)
	}
	return js
}

func TestVerifySourcesAgree(t *testing.T) {
	a, b := serveSources(t, "current"), serveSources(t, "current")
	code, out, errOut := verifySources(t, a, "--mirror", b)
	if code != exitOK || errOut != "" || !strings.HasSuffix(out, "\n4 sources agree\n") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []*regexp.Regexp{
		sourceLine("agree", "3", a+"/pith/2101.00042/bundle.json", "resolver"),
		sourceLine("agree", "3", a+"/.well-known/pith/2101.00042/bundle.json", "resolver well-known"),
		sourceLine("agree", "3", b+"/pith/2101.00042/bundle.json", "mirror"),
		sourceLine("agree", "3", b+"/.well-known/pith/2101.00042/bundle.json", "mirror"),
	} {
		if !want.MatchString(out) {
			t.Errorf("no line %s in\n%s", want, out)
		}
	}
	code, out, _ = verifySources(t, a, "--mirror", b, "--json")
	js := decodeSources(t, out)
	if code != exitOK || !*js.OK || *js.SourcesVerdict != "agree" || len(js.Sources) != 4 || *js.Verdict != "4 sources agree" ||
		js.Sources[2].Events != 3 || len(js.Sources[2].BundleSHA256) != 64 || js.Sources[2].NewestEvent != "2026-01-03T00:00:00Z" {
		t.Errorf("--json: exit %d %+v", code, js)
	}
}

func TestVerifySourcesBehind(t *testing.T) {
	a, stale := serveSources(t, "current"), serveSources(t, "behind")
	t.Setenv("PITH_MIRRORS", " "+stale+" ,")
	code, out, _ := verifySources(t, a)
	if code != exitOK || !sourceLine("behind", "2", stale+"/pith/2101.00042/bundle.json", "mirror").MatchString(out) ||
		!strings.Contains(out, "lacks 1 event "+a+"/pith/2101.00042/bundle.json holds") ||
		!strings.HasSuffix(out, "\n2 sources agree, 2 behind (a stale copy, not misbehaviour)\n") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	code, out, _ = verifySources(t, a, "--json")
	if js := decodeSources(t, out); code != exitOK || !*js.OK || *js.SourcesVerdict != "behind" || js.Sources[2].Verdict != "behind" ||
		len(js.Sources[2].Behind) != 2 || js.Sources[2].Behind[0] != a+"/pith/2101.00042/bundle.json" {
		t.Errorf("--json: exit %d %+v", code, js)
	}
}

func TestVerifySourcesSplitView(t *testing.T) {
	a, split := serveSources(t, "current"), serveSources(t, "split")
	dir := t.TempDir()
	code, out, _ := verifySources(t, a, "--mirror", split, "--evidence-dir", dir)
	if code != exitFailed || !sourceLine("split view", "3", split+"/pith/2101.00042/bundle.json", "mirror").MatchString(out) ||
		!strings.Contains(out, "\n  ✗ across sources: sha256:") ||
		!regexp.MustCompile(`\nsplit view: 4 sources serve histories that differ, each with a valid event another lacks; test-key-1 signed 2 events for graph after sha256:[0-9a-f]{64} across sources \(`).MatchString(out) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "pith-evidence-*-split1.json"))
	if len(files) != 1 || !strings.Contains(out, "wrote "+files[0]) {
		t.Fatalf("evidence files %v\n%s", files, out)
	}
	// The command that checks it, with the key it needs, ready to paste.
	if !regexp.MustCompile(`\ncheck it with: pithscope verify --trust-key /\S+ ` + regexp.QuoteMeta(files[0]) + `\n`).MatchString(out) {
		t.Errorf("no command to check the evidence with its --trust-key:\n%s", out)
	}
	code, out, _ = verifySources(t, a, "--mirror", split, "--json")
	if js := decodeSources(t, out); code != exitFailed || *js.OK || *js.SourcesVerdict != "split view" || len(js.Proofs) != 1 ||
		!strings.HasPrefix(js.Proofs[0], "fork across sources: test-key-1 signed 2 events") {
		t.Errorf("--json: exit %d %+v", code, js)
	}

	// The evidence is checked offline: no server, no cache.
	key := filepath.Join(sourcesDir, "key.json")
	code, out, errOut := runFetchTest("verify", "--offline", "--trust-key", key, files[0])
	if code != exitOK || !strings.Contains(out, "\nFORK PROVEN: your key test-key-1 signed 2 events for graph after sha256:") ||
		!strings.Contains(out, "from 2 sources: "+a+"/pith/2101.00042/bundle.json, "+split+"/pith/2101.00042/bundle.json") ||
		strings.Count(out, "✓ ok       bundle_signature   source:") != 2 {
		t.Errorf("evidence: exit %d\n%s\n%s", code, out, errOut)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// A source bundle with an event dropped no longer verifies.
	tampered := writeTemp(t, "tampered.json", verifytest.Edit(data, func(m map[string]any) {
		b := verifytest.At(m, "source_bundles", 1, "bundle").(map[string]any)
		b["events"] = b["events"].([]any)[:2]
	}))
	code, out, _ = runFetchTest("verify", "--trust-key", key, tampered)
	if code != exitFailed || !strings.Contains(out, "\nFORK NOT PROVEN: bundle_signature source:2: "+split+"/pith/2101.00042/bundle.json: not signed throughout by trusted keys: bundle_digest fail") {
		t.Errorf("tampered evidence: exit %d\n%s", code, out)
	}
	code, _, errOut = runFetchTest("verify", "--trust-key", key, writeTemp(t, "cut.json", data[:len(data)/2]))
	if code != exitBadInput || !strings.Contains(errOut, "cut.json") {
		t.Errorf("unreadable evidence: exit %d %s", code, errOut)
	}
}

func TestVerifySourcesEdgeCases(t *testing.T) {
	a := serveSources(t, "current")
	closed := httptest.NewServer(nil)
	closed.Close()

	// Nothing could be fetched.
	code, out, _ := verifySources(t, closed.URL)
	if code != exitBadInput || !strings.Contains(out, "? unreachable") || !strings.HasSuffix(out, "\nnothing could be fetched; 2 unreachable\n") {
		t.Errorf("nothing fetched: exit %d\n%s", code, out)
	}
	// No copy verifies without the key that signed them.
	code, out, _ = runFetchTest("verify", "--sources", "2101.00042", "--resolver", a, "--cache-dir", t.TempDir())
	if code != exitFailed || !strings.Contains(out, "not signed throughout by trusted keys: key_trust fail") ||
		!strings.HasSuffix(out, "\nno source served a copy that verifies; 2 unverified\n") {
		t.Errorf("untrusted: exit %d\n%s", code, out)
	}
	// With the resolver gone, the cache and history answer but nothing was
	// fetched; offline they are what is compared.
	cache := t.TempDir()
	if code, out, _ := verifySources(t, a, "--cache-dir", cache); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	code, out, _ = verifySources(t, closed.URL, "--cache-dir", cache)
	if code != exitBadInput || !strings.Contains(out, "✓ agree") || !strings.Contains(out, "  cache\n") && !regexp.MustCompile(`cache\n`).MatchString(out) ||
		!strings.Contains(out, "\nnothing could be fetched; only what this machine holds was compared; 2 agree, 2 unreachable\n") {
		t.Errorf("resolver gone: exit %d\n%s", code, out)
	}
	code, out, _ = verifySources(t, closed.URL, "--cache-dir", cache, "--offline")
	if code != exitOK || !strings.HasSuffix(out, "\n2 sources agree\n") || strings.Contains(out, closed.URL) {
		t.Errorf("offline: exit %d\n%s", code, out)
	}

	for _, args := range [][]string{
		{"verify", "--sources", "2101.00042", "2101.00043"},
		{"verify", "--sources", "--dir", "testdata"},
		{"verify", "--sources", "https://example.test/b.json"},
		{"verify", "--sources", "./testdata/seed-M5BNRHPU.json"},
		{"verify", "--mirror", a, "2101.00042"},
		{"verify", "--sources", "2101.00042", "--mirror", "ftp://x"},
		{"verify", "--sources", "2101.00042", "--compare-with", a},
		{"verify", "--compare-with", a},
		{"verify", "--compare-with", "not a url", "--dir", sourcesDir},
	} {
		if code, out, errOut := runFetchTest(append(args, "--cache-dir", t.TempDir())...); code != exitBadInput || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d\n%s\n%s", args, code, out, errOut)
		}
	}
}

// A mirror operator compares a folder with another source: each bundle's
// line says agree, behind or split view, then the summary.
func TestVerifyCompareWith(t *testing.T) {
	upstream := serveSources(t, "current")
	dir := t.TempDir()
	for name, folder := range map[string]string{"a-current.json": "current", "b-behind.json": "behind", "c-split.json": "split"} {
		data, err := os.ReadFile(filepath.Join(sourcesDir, folder, "2101.00042.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	other := verifytest.New().WithRecord()
	other.SourceID = "2101.00043"
	if err := os.WriteFile(filepath.Join(dir, "d-elsewhere.json"), other.Build(), 0o644); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(sourcesDir, "key.json")
	code, out, _ := runFetchTest("verify", "--dir", dir, "--compare-with", upstream, "--trust-key", key, "--cache-dir", t.TempDir())
	for _, want := range []string{
		"✓ agree       pith:2021:ZQVL3WNLXD3TMI7NFK7RUQ7YAI  " + filepath.Join(dir, "a-current.json") + "\n",
		"↓ behind      pith:2021:ZQVL3WNLXD3TMI7NFK7RUQ7YAI  " + filepath.Join(dir, "b-behind.json") + "\n    ↓ " + filepath.Join(dir, "b-behind.json") + ": behind (lacks 1 event " + upstream + "/pith/",
		"✗ split view  pith:2021:ZQVL3WNLXD3TMI7NFK7RUQ7YAI  " + filepath.Join(dir, "c-split.json") + "\n",
		"? unreachable pith:2021:5XZ67Y3ZHLR35ITU7DK2KCBOEW  " + filepath.Join(dir, "d-elsewhere.json") + "\n    ✓ " + filepath.Join(dir, "d-elsewhere.json") + ": agree\n",
		"/pith/5XZ67Y3ZHLR35ITU7DK2KCBOEW/bundle.json: unreachable (HTTP 404 Not Found)\n",
		"\n4 bundles compared with " + upstream + ": 1 agree, 1 behind, 1 split view, 1 unreachable\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if code != exitFailed {
		t.Errorf("exit %d, want 1 (a split view)", code)
	}
	os.Remove(filepath.Join(dir, "c-split.json"))
	if code, out, _ := runFetchTest("verify", "--dir", dir, "--compare-with", upstream, "--trust-key", key, "--cache-dir", t.TempDir()); code != exitBadInput {
		t.Errorf("with one bundle the source lacks: exit %d, want 2\n%s", code, out)
	}
	os.Remove(filepath.Join(dir, "d-elsewhere.json"))
	code, out, _ = runFetchTest("verify", "--dir", dir, "--compare-with", upstream, "--trust-key", key, "--cache-dir", t.TempDir(), "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) != 3 || !strings.Contains(lines[1], `"source":"`+filepath.Join(dir, "b-behind.json")+`"`) ||
		lines[2] != `{"bundles":{"agree":1,"behind":1,"fork":0,"split view":0,"total":2,"unreachable":0,"unreadable":0,"unverified":0}}` {
		t.Errorf("agree and behind, --json: exit %d\n%s", code, out)
	}
}

func TestHelpExplainsSources(t *testing.T) {
	_, _, help := runFetchTest("verify", "--help")
	help = strings.Join(strings.Fields(help), " ")
	for _, want := range []string{"--sources", "--mirror URL", "--compare-with URL", "--evidence-dir DIR", "split view", "behind",
		"SPLIT VIEW PROVEN", "only one source", "nothing could be fetched", "PITH_MIRRORS"} {
		if !strings.Contains(help, want) {
			t.Errorf("verify --help does not say %q", want)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	if i := strings.Index(section, "\n## Compare sources\n"); i >= 0 {
		section = section[i:]
	} else {
		t.Fatal(`README has no "## Compare sources" section`)
	}
	for _, want := range []string{"K=testdata/sources/key.json", "serve --addr 127.0.0.1:8701 --trust-key $K testdata/sources/current",
		"verify --sources 2101.00042", "--mirror http://127.0.0.1:8702", "SPLIT VIEW", "--compare-with"} {
		if !strings.Contains(section, want) {
			t.Errorf("the README's Compare sources section does not show %q", want)
		}
	}
}

// The explorer's Sources pane, wired as the command wires it, against
// loopback mirrors: a split view in the table and the header.
func TestExplorerComparesSourcesOnLoopback(t *testing.T) {
	a, split := serveSources(t, "current"), serveSources(t, "split")
	src := sourceFlags{fetchFlags: fetchFlags{resolver: a, cacheDir: t.TempDir(), timeout: fetch.DefaultTimeout, deadline: fetch.DefaultDeadline}}
	src.trustKeys = stringList{filepath.Join(sourcesDir, "key.json")}
	trust, err := src.trustStore()
	if err != nil {
		t.Fatal(err)
	}
	m := ui.New(ui.Config{
		Ref: "2101.00042", Trust: trust, EvidenceDir: t.TempDir(), SourcesAtOpen: true,
		Load: func(ctx context.Context, ref string, progress func(string)) (ui.Loaded, error) {
			l, err := src.load(ctx, ref, strings.NewReader(""), progress)
			if err != nil {
				return ui.Loaded{}, err
			}
			return ui.Loaded{Data: l.data, Source: l.source, Requested: l.requested}, nil
		},
		Sources: compareSourcesFunc(&src, trust, []string{split}),
	})
	// The real program loop, on a fake terminal of 120x30.
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("SPLIT VIEW")) },
		teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	view := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	lines := strings.Split(view, "\n")
	if len(lines) != 30 || !strings.HasSuffix(strings.TrimRight(lines[1], " "), "✗ SPLIT VIEW") {
		t.Fatalf("header:\n%s", view)
	}
	for _, want := range []string{"[9 Sources 4]", "✗ split view", a + "/pith/2101.00042/bundle.json", "fork across sources"} {
		if !strings.Contains(view, want) {
			t.Errorf("the Sources pane lacks %q:\n%s", want, view)
		}
	}
}
