package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pithscope/pithscope/verify"
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

// testSigner is a key a test trusts as a user would with --trust-key.
var testSigner = verifytest.NewSigner("test-key-1", "pithscope test key 1")

// overviewLines are the lines of the Overview at 200x50 (all of it fits).
func overviewLines(t *testing.T, m *Model) []string {
	t.Helper()
	press(t, m, "1")
	return strings.Split(m.View(), "\n")
}

// TestRetitledSnapshotIsNotThePapersTitle: a snapshot signed by a key the
// user trusts retitles the paper. Every signature holds; the record says
// the title is not its own. The explorer shows the title nowhere as the
// paper's: not in the header, not as the Overview's title; where it shows
// it, it is marked ✗ as contradicting the record.
func TestRetitledSnapshotIsNotThePapersTitle(t *testing.T) {
	const fake = "Attention Is All You Need"
	data, trust := verifytest.RealBundleRetitled(t, testSigner, fake)
	m := openModel(t, testConfig(t, data, "retitled.json", trust), 200, 50)
	lines := overviewLines(t, m)
	if header := strings.Join(lines[:2], "\n"); strings.Contains(header, fake) || !strings.Contains(header, "pith:M5BNRHPU · ✗ the snapshot's title contradicts the record") || !strings.Contains(header, "✗ FAILED") {
		t.Errorf("the header should name the number, say the title contradicts the record, and fail:\n%s", header)
	}
	for _, l := range lines {
		if strings.Contains(l, fake) && !strings.Contains(l, "✗") {
			t.Errorf("the fake title is shown unmarked: %q", l)
		}
	}
	view := strings.Join(lines, "\n")
	for _, want := range []string{
		"Title          ✗ the current snapshot's title contradicts the record",
		`  snapshot     ✗ title "Attention Is All You Need" contradicts the record: its lower-cased sha256 is`,
		"signed by your key test-key-1, not in the record",
		"Categories     cs.LG · cs.AI, cs.CV, stat.ML",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the Overview lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "Title          "+fake) {
		t.Error("the Overview's title is the fake one")
	}
	press(t, m, "4", "enter")
	graph := m.View()
	if !strings.Contains(graph, "title          ✗ Attention Is All You Need (lower-cased sha256") || !strings.Contains(graph, "primary_cat    ✓ cs.LG (the record's metadata.primary_cat agrees)") {
		t.Errorf("the Graph pane's paper should set each field against the record:\n%s", graph)
	}
}

// TestNoCurrentSnapshotNoHeadline: a bundle whose only snapshot is
// tampered with (invalid), or superseded by a correction (verified, but
// not current), has no current graph snapshot. The header, the Overview
// and the Graph pane say so and show the pith number, never that
// snapshot's content.
func TestNoCurrentSnapshotNoHeadline(t *testing.T) {
	tampered, tamperedTrust := verifytest.TamperedSnapshot()
	superseded, supersededTrust := verifytest.SupersededSnapshot()
	cases := []struct {
		name, verdict string
		data          []byte
		trust         *verify.TrustStore
		hidden        []string
	}{
		{"tampered", "✗ FAILED", tampered, tamperedTrust, []string{"A Tampered Title", "Signed Bundles and Their Readers", "A. Author"}},
		{"superseded", "✓ VERIFIED", superseded, supersededTrust, []string{"Signed Bundles and Their Readers", "A. Author", "We study"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := openModel(t, testConfig(t, c.data, c.name+".json", c.trust), 200, 50)
			number := m.env.sess.bundle.ShortPithNumber
			for _, pane := range []string{"1", "4"} {
				press(t, m, pane)
				view := m.View()
				// The Overview's check rows may quote a failed check's
				// values; what it presents as the paper is above them.
				shown, _, _ := strings.Cut(view, " Verification")
				for _, h := range c.hidden {
					if strings.Contains(shown, h) {
						t.Errorf("pane %s shows %q from a snapshot that is not current:\n%s", pane, h, view)
					}
				}
				if !strings.Contains(view, number+" · no current graph snapshot") || !strings.Contains(view, c.verdict) {
					t.Errorf("pane %s: the header should show %s, say there is no current snapshot, and %s:\n%s", pane, number, c.verdict, view)
				}
			}
			if view := m.View(); !strings.Contains(view, "no current snapshot: 1 graph_snapshot event, none applied") {
				t.Errorf("the Graph pane should say why it shows nothing:\n%s", view)
			}
			press(t, m, "1")
			if view := m.View(); !strings.Contains(view, "Title          — no current graph snapshot") {
				t.Errorf("the Overview's title should say there is none:\n%s", view)
			}
		})
	}
}

// TestUncheckedFieldsSayNotVerified: what no digest or signature covers
// (bundle_signature's signed_at and signature_status), and a timestamp
// proof whose bytes are signed but whose claim is never checked, read
// "not verified" wherever they are shown, while the bundle verifies.
func TestUncheckedFieldsSayNotVerified(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", "Anchored in Time")
	data := verifytest.Restate(verifytest.Edit(b.Build(), func(m map[string]any) {
		m["timestamp_proofs"] = []any{map[string]any{"kind": "opentimestamps", "proof_b64": "AAAA"}}
	}), b.Signer, b.Signer.Trust())
	m := openModel(t, testConfig(t, data, "anchored.json", b.Signer.Trust()), 200, 50)
	view := strings.Join(overviewLines(t, m), "\n")
	for _, want := range []string{
		"✓ VERIFIED · your key test-key-1",
		"Timestamp      ? present 1 timestamp proof in the bundle, not verified (what it claims is never checked)",
		"Not verified   ? 3        ▸ no check proves bundle_signature.signature_status, bundle_signature.signed_at, timestamp_proofs[0]",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the Overview lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "● present") {
		t.Error("a timestamp proof is shown as present without saying it is not verified")
	}
	// Enter on the row lists each value with why.
	ov := m.panes[paneOverview].(*overviewPane)
	for range len(ov.d.lines) {
		if it, _ := ov.d.current(); it != nil && it.label == notVerifiedLabel {
			break
		}
		press(t, m, "j")
	}
	press(t, m, "enter")
	if view := m.View(); !strings.Contains(view, "$.bundle_signature.signed_at = 2026-01-02T00:00:00Z: not verified: outside every digest and signature") ||
		!strings.Contains(view, "$.timestamp_proofs[0] = (an object of 2 members): not verified: a timestamp proof's content is never checked") {
		t.Errorf("the unfolded row should list each value and why:\n%s", view)
	}
	// In Raw, each such value is marked, and its detail says why.
	press(t, m, "8", "/")
	typeText(t, m, "signed_at")
	press(t, m, "enter")
	view = m.View()
	if !regexp.MustCompile(`(?m)^ ?›\? +signed_at: "2026-01-02T00:00:00Z"`).MatchString(view) || !strings.Contains(view, "proven by      ? not verified (outside every digest and signature)") {
		t.Errorf("Raw should mark bundle_signature.signed_at ? and say why:\n%s", view)
	}
}

// TestWhoVouches: the Overview lists each key whose signatures verified,
// its trust and what it signed, and the header names the keys behind
// VERIFIED when one is not pinned, at 80 columns.
func TestWhoVouches(t *testing.T) {
	m := openModel(t, testConfig(t, verifytest.RealBundle(t), "embedded", nil), 200, 50)
	view := strings.Join(overviewLines(t, m), "\n")
	if !strings.Contains(view, "pinned         → pith-v1-2026-05: the record's receipt, 2 events, the bundle") || strings.Contains(view, "VERIFIED ·") {
		t.Errorf("the real bundle is vouched for by the pinned key alone, and VERIFIED needs no names:\n%s", view)
	}

	data, trust := verifytest.RealBundleRetitled(t, testSigner, "Three Factors Influencing Minima in SGD")
	m = openModel(t, testConfig(t, data, "resigned.json", trust), 80, 24)
	header := strings.Split(m.View(), "\n")[0]
	if !strings.HasSuffix(header, "✓ VERIFIED · pith-v1-2026-05 + your key test-key-1") || !strings.HasPrefix(header, "Three Factors") {
		t.Errorf("the header should name both keys behind VERIFIED and keep the title: %q", header)
	}
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	view = strings.Join(overviewLines(t, m), "\n")
	for _, want := range []string{
		"pinned         → pith-v1-2026-05: the record's receipt, 2 events",
		"your key       → test-key-1: 1 event, the bundle",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the Overview lacks %q:\n%s", want, view)
		}
	}
}

// missingEvent is an event id no bundle here holds.
var missingEvent = "sha256:" + strings.Repeat("0", 64)

// TestBrokenLinksAreForks: a second branch of a signer's chain that starts
// after an event the bundle does not hold forks no two events after one
// prev_event, so equivocation passes; event_links fails on the dangling
// link and on the second chain, and the Overview and the Forks pane say
// so instead of "no signer forked its chain".
func TestBrokenLinksAreForks(t *testing.T) {
	const title = "A Paper With Two Histories"
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	b.AddSnapshot("2026-01-01T03:00:00Z", missingEvent, title)
	m := openModel(t, testConfig(t, b.Build(), "branched.json", b.Signer.Trust()), 200, 50)
	view := strings.Join(overviewLines(t, m), "\n")
	if !strings.Contains(view, "✗ FAILED 2") || !strings.Contains(view, "Forks          ✗ fail     → chain:1: one signer started two chains for one target (and 1 more)") ||
		strings.Contains(view, "no signer forked its chain") {
		t.Errorf("the Overview's Forks row should show the broken link:\n%s", view)
	}
	press(t, m, "7")
	view = m.View()
	for _, want := range []string{"[7 Forks 2]", " link test-key-1", "second chain · test-key-1", "signer test-key-1 has 2 chains for target \"graph\", not one"} {
		if !strings.Contains(view, want) {
			t.Errorf("the Forks pane lacks %q:\n%s", want, view)
		}
	}
	press(t, m, "j")
	if view := m.View(); !strings.Contains(view, "broken link · event #3") || !strings.Contains(view, "names no event in the bundle: prev_event") || !strings.Contains(view, missingEvent) {
		t.Errorf("the second row should be the dangling prev_event:\n%s", view)
	}
	press(t, m, "e")
	if !strings.Contains(m.status, "no fork selected") {
		t.Errorf("e on a broken link should say it writes only a fork's evidence: %q", m.status)
	}
}

// TestForkAcrossTwoKeyIDs: one key signs two events after the same
// prev_event under two ids; it is one signer, and the Forks pane names
// it by both ids.
func TestForkAcrossTwoKeyIDs(t *testing.T) {
	const title = "A Paper Signed Twice"
	b := verifytest.New().WithRecord()
	again := verifytest.Signer{KeyID: "test-key-1-again", Priv: b.Signer.Priv}
	b.ExtraKeys = []verifytest.Signer{again}
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T02:00:00Z", PrevEvent: a, Signer: &again, Payload: b.SnapshotPayload(title, 1)})
	b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", CreatedAt: "2026-01-01T02:00:01Z", PrevEvent: a, Payload: b.SnapshotPayload(title, 2)})
	m := openModel(t, testConfig(t, b.Build(), "twice.json", b.Signer.Trust()), 200, 50)
	press(t, m, "7")
	view := m.View()
	for _, want := range []string{" 1 test-key-1-again = test-key…", "fork 1 · test-key-1-again = test-key-1", "One key under 2 ids"} {
		if !strings.Contains(view, want) {
			t.Errorf("the Forks pane lacks %q:\n%s", want, view)
		}
	}
	if view := strings.Join(overviewLines(t, m), "\n"); !strings.Contains(view, "your key       → test-key-1 = test-key-1-again: the record's receipt, 4 events, the bundle") {
		t.Errorf("the Overview should list one key under both ids:\n%s", view)
	}
	press(t, m, "5", "j")
	if view := m.View(); !strings.Contains(view, "vouches for    the record's receipt, 4 events, the bundle") || !strings.Contains(view, "same key as    test-key-1") {
		t.Errorf("the Keys pane should say what the key signed under both ids:\n%s", view)
	}
}

// TestFailedCountMatchesTheRows: FAILED n counts every check that is not
// ok, and each of them shows under its area's row in the Overview: no
// failure is counted in the header and missing from the rows.
func TestFailedCountMatchesTheRows(t *testing.T) {
	forked, forkedTrust := forkedBundle()
	tampered, tamperedTrust := verifytest.TamperedSnapshot()
	retitled, retitledTrust := verifytest.RealBundleRetitled(t, testSigner, "Attention Is All You Need")
	bundles := map[string]struct {
		data  []byte
		trust *verify.TrustStore
	}{
		"forked": {forked, forkedTrust}, "tampered": {tampered, tamperedTrust}, "retitled": {retitled, retitledTrust},
		"hostile": {hostileBundle(), nil},
	}
	for name, b := range bundles {
		t.Run(name, func(t *testing.T) {
			m := openModel(t, testConfig(t, b.data, name+".json", b.trust), 200, 50)
			view := strings.Join(overviewLines(t, m), "\n")
			notOK := map[verify.Area]int{}
			total := 0
			for _, c := range m.env.sess.report.Checks {
				if c.Status != verify.OK {
					notOK[verify.AreaOf(c.Name)]++
					total++
				}
			}
			if total == 0 || !strings.Contains(strings.Split(view, "\n")[0], "FAILED "+strconv.Itoa(total)) && !strings.Contains(view, "UNTRUSTED KEY") {
				t.Fatalf("%d checks are not ok; the header says:\n%s", total, strings.Split(view, "\n")[0])
			}
			for _, a := range overviewAreas {
				row := regexp.MustCompile(`(?m)^ ` + a.label + ` +(\S+ \S+)`).FindStringSubmatch(view)
				switch {
				case notOK[a.area] > 0 && (row == nil || row[1] == "✓ ok"):
					t.Errorf("%d checks of area %s are not ok, its row reads %q:\n%s", notOK[a.area], a.area, row, view)
				case notOK[a.area] == 0 && row != nil && row[1] != "✓ ok":
					t.Errorf("area %s has no failure, its row reads %q", a.area, row[1])
				}
				delete(notOK, a.area)
			}
			if len(notOK) > 0 {
				t.Errorf("failures in areas with no row: %v", notOK)
			}
		})
	}
}

// evidenceFileOfFork is the evidence file e writes for the forked bundle's
// fork, and the store that trusts its signer.
func evidenceFileOfFork(t *testing.T) ([]byte, *verify.TrustStore) {
	t.Helper()
	data, trust := forkedBundle()
	m := openModel(t, testConfig(t, data, "forked.json", trust), 80, 24)
	press(t, m, "7", "e")
	w, ok := m.env.sess.written[1]
	if !ok {
		t.Fatalf("e wrote nothing: %q", m.status)
	}
	raw, err := os.ReadFile(w.path)
	if err != nil {
		t.Fatal(err)
	}
	return raw, trust
}

// TestOpenEvidenceFile: an evidence file opens as its fork's comparison
// with its own verdict, FORK PROVEN when its events are validly signed by
// one key you trust, FORK NOT PROVEN otherwise; never as a broken bundle.
func TestOpenEvidenceFile(t *testing.T) {
	raw, trust := evidenceFileOfFork(t)
	m := openModel(t, testConfig(t, raw, "evidence.json", trust), 80, 24)
	view := m.View()
	for _, want := range []string{"pith:VMI2LVRK · an equivocation evidence file", "✓ FORK PROVEN", "✓ FORK PROVEN: your key test-key-1 signed 2 events for graph after", "fork 1: 9 of 54 fields differ"} {
		if !strings.Contains(view, want) {
			t.Errorf("the evidence file should open as its fork's comparison; lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "FAILED") || m.active != paneForks || m.panes[paneForks].(*forksPane).cmp == nil {
		t.Errorf("an evidence file is no failed bundle (pane %q):\n%s", m.active, view)
	}
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	if view := strings.Join(overviewLines(t, m), "\n"); !strings.Contains(view, "Verdict        ✓ FORK PROVEN: your key test-key-1 signed 2 events for graph after sha256:") {
		t.Errorf("the Overview should give the verdict:\n%s", view)
	}

	m = openModel(t, testConfig(t, raw, "evidence.json", nil), 200, 50)
	if view := m.View(); !strings.Contains(view, "✗ FORK NOT PROVEN") || !strings.Contains(view, "key_trust") {
		t.Errorf("with the signer's key trusted by nobody, the fork is not proven, and says why:\n%s", view)
	}
}

// TestEvidenceServedForAnIDIsRefused: a server asked for a bundle by id
// that answers with an evidence file does not get it shown as evidence.
func TestEvidenceServedForAnIDIsRefused(t *testing.T) {
	raw, trust := evidenceFileOfFork(t)
	cfg := testConfig(t, raw, "https://resolver.test/pith/X", trust)
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		return Loaded{Data: raw, Source: "https://resolver.test/pith/X", Requested: verify.Request{Text: "pith:VMI2LVRK", PithPrefix: "VMI2LVRK"}}, nil
	}
	cfg.Ref = "pith:VMI2LVRK"
	m := New(cfg)
	m.still = true
	settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 100, Height: 24} })
	settle(t, m, m.Init())
	if view := m.View(); m.env.sess != nil || !strings.Contains(view, "https://resolver.test/pith/X is an equivocation evidence file, not the bundle asked for") {
		t.Errorf("the evidence file should be refused:\n%s", view)
	}
}

// TestNothingUnprovenWhileChecking: until verification is done, the
// explorer shows the pith number and that it is checking, not a title, a
// paper field or a graph nothing has proved yet.
func TestNothingUnprovenWhileChecking(t *testing.T) {
	m := New(testConfig(t, verifytest.RealBundle(t), "embedded", nil))
	m.still = true
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	verifying := openUnverified(t, m)
	view := m.View()
	if header := strings.Split(view, "\n")[0]; !strings.HasPrefix(header, "pith:M5BNRHPU · checking…") || !strings.HasSuffix(header, "… CHECKING…") {
		t.Errorf("the header should show the number and that it is checking: %q", header)
	}
	for _, shown := range []string{"Three Factors", "Amos Storkey", "cs.LG", "We investigate"} {
		if strings.Contains(view, shown) {
			t.Errorf("%q is shown before anything proves it:\n%s", shown, view)
		}
	}
	if !strings.Contains(view, "checking… The paper's fields are shown once the record and the current graph snapshot are verified.") {
		t.Errorf("the Overview should say why the paper is not shown yet:\n%s", view)
	}
	press(t, m, "4")
	if view := m.View(); !strings.Contains(view, "The graph shown is the snapshot the merge applies last") || strings.Contains(view, "claims") {
		t.Errorf("the Graph pane should wait for the merge:\n%s", view)
	}
	settle(t, m, verifying)
	if view := m.View(); !strings.HasPrefix(view, "Three Factors Influencing Minima in SGD") || !strings.Contains(view, "claims") {
		t.Errorf("once verified, the title and the graph are shown:\n%s", view)
	}
}
