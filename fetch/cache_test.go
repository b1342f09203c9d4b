package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// A corrupt cache file reads as missing and the next fetch replaces it.
func TestCorruptCacheIgnoredAndReplaced(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	fetchAndLearn(t, newFetcher(t, srv.URL, dir), "1711.04623", nil)
	c := &Cache{Dir: dir}
	corruptions := map[string][]byte{
		"truncated bundle": seed[:100],
		"another record":   bytes.Replace(seed, []byte(`"1711.04623"`), []byte(`"1711.04624"`), 1),
		"empty":            nil,
	}
	for name, bad := range corruptions {
		if err := os.WriteFile(c.bundlePath(realBody), bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(c.historyPath(realBody), []byte("{not json"), 0o644); err != nil {
			t.Fatal(err)
		}
		offline := newFetcher(t, srv.URL, dir, func(o *Options) { o.Offline = true })
		if _, err := offline.Fetch(context.Background(), mustRef(t, "1711.04623")); !errors.Is(err, ErrNotCached) {
			t.Errorf("%s: offline fetch %v, want not cached", name, err)
		}
		res, _ := fetchAndLearn(t, newFetcher(t, srv.URL, dir), "1711.04623", nil)
		if res.FromCache || res.Previous != nil {
			t.Errorf("%s: from cache %v, previous version %+v from a corrupt history", name, res.FromCache, res.Previous)
		}
		if _, err := offline.Fetch(context.Background(), mustRef(t, "1711.04623")); err != nil {
			t.Errorf("%s: after a new fetch, offline: %v", name, err)
		}
	}
	// A corrupt alias entry is a miss for that alias only.
	if err := os.WriteFile(c.aliasPath("1711.04623v3"), []byte(`{"key":"1711.04623v3","claims":[{"body":"../../etc/passwd"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Lookup(mustRef(t, "1711.04623v3")); got != nil || err != nil {
		t.Errorf("an alias entry naming a path was followed: %v", err)
	}
	if got, _ := c.Lookup(mustRef(t, "1711.04623")); got == nil {
		t.Error("a good alias stopped resolving")
	}
}

// A cache that cannot be written is a warning: the fetch and the report
// stand, the error says the version was not recorded, and so does the
// rollback check.
func TestCacheWriteFailureIsAWarning(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	fetchAndLearn(t, newFetcher(t, srv.URL, dir), "M5BNRHPU", nil)
	// The temp directory replaced by a file: every write now fails.
	if err := os.RemoveAll(filepath.Join(dir, "tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tmp"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := newFetcher(t, srv.URL, dir).Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	if err != nil || !bytes.Equal(res.Data, seed) {
		t.Fatalf("fetch with an unusable cache: %v", err)
	}
	report := verify.Verify(res.Bundle, verify.Options{Requested: res.Ref.Request(), Previous: res.Previous})
	_, err = res.Learn(report)
	if !errors.Is(err, ErrNotRecorded) || !strings.Contains(err.Error(), "could not record this version in the cache "+dir) {
		t.Errorf("Learn with the cache unwritable: %v", err)
	}
	if c, _ := report.Find(verify.CheckRollback, verify.SubjectBundle); c.Status != verify.OK || !strings.Contains(c.Detail, "could not record this version") {
		t.Errorf("rollback check %s %q, want ok saying the version was not recorded", c.Status, c.Detail)
	}
}

// checkCacheIntact reads every file of the cache and fails on one that
// does not parse, or on a temp file left behind; the bundle's history must
// hold wantEvents event ids.
func checkCacheIntact(t *testing.T, dir string, wantEvents int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "lock" {
			return err
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			return fmt.Errorf("temp file left behind: %s", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !json.Valid(data) {
			return fmt.Errorf("%s is not JSON", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&Cache{Dir: dir}).Lookup(mustRef(t, "1711.04623"))
	if got == nil || err != nil {
		t.Fatalf("the bundle does not resolve from the cache: %v", err)
	}
	if len(got.History.Events) != wantEvents {
		t.Errorf("history has %d events, want %d", len(got.History.Events), wantEvents)
	}
}

func TestConcurrentFetchesShareACache(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := newFetcher(t, srv.URL, dir) // each with its own Cache value
			for _, form := range []string{"1711.04623", "M5BNRHPU", realNumber, "10.48550/arxiv.1711.04623"} {
				fetchAndLearn(t, f, form, nil)
			}
		}()
	}
	wg.Wait()
	checkCacheIntact(t, dir, 2)
}

// Several processes fetching into one cache at once leave every file whole.
func TestConcurrentProcessesShareACache(t *testing.T) {
	if dir := os.Getenv("PITHSCOPE_TEST_CACHE_CHILD"); dir != "" {
		t.Skip("run as a child by the parent test")
	}
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	var cmds []*exec.Cmd
	for i := 0; i < 4; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCacheChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PITHSCOPE_TEST_CACHE_CHILD="+dir, "PITHSCOPE_TEST_RESOLVER="+srv.URL)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(out.String())
			}
		})
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child: %v", err)
		}
	}
	checkCacheIntact(t, dir, 2)
}

// TestCacheChildProcess is the child of TestConcurrentProcessesShareACache.
func TestCacheChildProcess(t *testing.T) {
	dir := os.Getenv("PITHSCOPE_TEST_CACHE_CHILD")
	if dir == "" {
		t.Skip("only run by TestConcurrentProcessesShareACache")
	}
	f := newFetcher(t, os.Getenv("PITHSCOPE_TEST_RESOLVER"), dir)
	for i := 0; i < 10; i++ {
		fetchAndLearn(t, f, "1711.04623", nil)
		if got, _ := f.opts.Cache.Lookup(mustRef(t, "M5BNRHPU")); got == nil {
			t.Fatal("a reader saw no bundle while others wrote")
		}
	}
}

// The history is the union of the events of every verified version, each
// with when it was first seen, whatever order the versions came in.
func TestHistoryIsTheUnionOfVerifiedEvents(t *testing.T) {
	full, rolledBack, b := twoVersions()
	trust := b.Signer.Trust()
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, data := range [][]byte{rolledBack, full, full, rolledBack} {
		cacheBundle(t, dir, data, t0.Add(time.Duration(i)*time.Hour), trust)
	}
	h, _ := (&Cache{Dir: dir}).readHistory(derivedBody(mustParse(full)))
	want := eventIDs(mustParse(full))
	if len(h.Events) != len(want) {
		t.Fatalf("history %+v, want the %d events of the full version", h.Events, len(want))
	}
	for i, e := range h.Events {
		firstSeen := t0 // the rolled-back version's events, seen first
		if i == len(want)-1 {
			firstSeen = t0.Add(time.Hour)
		}
		if e.ID != want[i] || !e.FirstSeen.Equal(firstSeen) {
			t.Errorf("event %d: %s first seen %s, want %s at %s", i, e.ID, e.FirstSeen, want[i], firstSeen)
		}
	}
	if prev := h.previous(); !slices.Equal(prev.EventIDs, want) || prev.FetchedAt != "2026-01-01T01:00:00Z" {
		t.Errorf("previous version %+v: want every event, recorded when the last was added", prev)
	}
}

// Only a bundle signed throughout by trusted keys teaches the cache; any
// other teaches nothing, whatever it says of itself, and its bytes are
// kept apart.
func TestLearnOnlyFromBundlesSignedByTrustedKeys(t *testing.T) {
	seed := verifytest.RealBundle(t)
	test := verifytest.New().WithRecord()
	testData := test.Build()
	forged := verifytest.Edit(seed, func(m map[string]any) {
		events := m["events"].([]any)
		events[1].(map[string]any)["created_at"] = "2030-01-01T00:00:00Z"
	})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name   string
		data   []byte
		report func(*model.Bundle) *verify.Report
		why    string
	}{
		{"a forged event", forged, func(b *model.Bundle) *verify.Report { return verify.Verify(b, verify.Options{}) },
			"event_digest fail"},
		{"a key only the bundle holds", testData, func(b *model.Bundle) *verify.Report { return verify.Verify(b, verify.Options{}) },
			"key_trust fail"},
		{"a verification cancelled", seed, func(b *model.Bundle) *verify.Report {
			return verify.Run(cancelled, b, verify.Options{}, nil)
		}, "did not finish"},
		{"another bundle's report", seed, func(*model.Bundle) *verify.Report {
			return verify.Verify(mustParse(testData), verify.Options{Trust: test.Signer.Trust()})
		}, "no verification of this bundle"},
		{"no report", seed, func(*model.Bundle) *verify.Report { return nil }, "no verification of this bundle"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		b := mustParse(c.data)
		res := &Result{Data: c.data, Bundle: b, Source: "https://x.test/b.json", FetchedAt: time.Now(), cache: &Cache{Dir: dir}, now: time.Now}
		learned, err := res.Learn(c.report(b))
		if err != nil || !strings.Contains(learned.NotLearned, c.why) {
			t.Errorf("%s: learned %+v, %v; want it refused for %q", c.name, learned, err, c.why)
		}
		for _, sub := range []string{"bundles", "history", "aliases"} {
			if entries, _ := os.ReadDir(filepath.Join(dir, sub)); len(entries) > 0 {
				t.Errorf("%s: %s/ holds %d files", c.name, sub, len(entries))
			}
		}
		if got, _ := os.ReadFile(learned.Quarantined); !bytes.Equal(got, c.data) {
			t.Errorf("%s: the bytes are not kept apart (%q)", c.name, learned.Quarantined)
		}
	}
	// The genuine bundle is learned.
	dir := t.TempDir()
	cacheBundle(t, dir, seed, time.Now(), nil)
	if got, _ := (&Cache{Dir: dir}).Lookup(mustRef(t, "10.48550/arxiv.1711.04623")); got == nil || !bytes.Equal(got.Data, seed) {
		t.Error("the genuine bundle was not learned")
	}
}

// A kill between the writes of a save never leaves a bundle newer than
// its history: wherever the save stops, every event of the cached bytes
// is in the history.
func TestKillDuringASaveLeavesNoBundleNewerThanItsHistory(t *testing.T) {
	full, older, b := twoVersions()
	trust := b.Signer.Trust()
	body := derivedBody(mustParse(full))
	for kill := 1; ; kill++ {
		dir := t.TempDir()
		cacheBundle(t, dir, older, time.Now(), trust)
		renames := 0
		renameFile = func(from, to string) error {
			if renames++; renames >= kill {
				return errors.New("killed")
			}
			return os.Rename(from, to)
		}
		res := &Result{Data: full, Bundle: mustParse(full), FetchedAt: time.Now(), cache: &Cache{Dir: dir}, now: time.Now}
		_, err := res.Learn(verify.Verify(res.Bundle, verify.Options{Trust: trust}))
		renameFile = os.Rename
		cached, ok := (&Cache{Dir: dir}).read(body)
		if !ok {
			t.Fatalf("killed at rename %d: the cache lost the bundle", kill)
		}
		seen := map[string]bool{}
		for _, e := range cached.History.Events {
			seen[e.ID] = true
		}
		for _, id := range eventIDs(cached.Bundle) {
			if !seen[id] {
				t.Fatalf("killed at rename %d: the cached bundle has %s, which its history lacks", kill, id)
			}
		}
		if err == nil {
			break // the save finished before the kill
		}
	}
}

// Two verified bundles that claim one alias are both kept and both shown:
// an offline lookup names them and who signed each; a fetch of one says
// the other claims it too.
func TestAliasConflictIsShownNeverRepointed(t *testing.T) {
	seed := verifytest.RealBundle(t)
	impostor := verifytest.New()
	impostor.SourceID = "1711.04623"
	impostorData := impostor.WithRecord().Build()
	trust := impostor.Signer.Trust()
	dir := t.TempDir()
	cacheBundle(t, dir, seed, time.Now(), trust)
	cacheBundle(t, dir, impostorData, time.Now(), trust)
	c := &Cache{Dir: dir}

	_, err := c.Lookup(mustRef(t, "1711.04623"))
	var conflict *AliasConflictError
	if !errors.As(err, &conflict) || len(conflict.Claims) != 2 {
		t.Fatalf("lookup of a shared alias: %v", err)
	}
	for _, want := range []string{realNumber, impostor.PithNumber(), "pith-v1-2026-05 (pinned)", "test-key-1 (user-trusted)", "give the pith number"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the conflict does not say %q: %v", want, err)
		}
	}
	// The versioned alias only the real bundle lists, and each number,
	// still resolve.
	for _, ref := range []string{"1711.04623v3", realNumber, impostor.PithNumber()} {
		if got, err := c.Lookup(mustRef(t, ref)); got == nil || err != nil {
			t.Errorf("%s: %v", ref, err)
		}
	}
	// Fetched by the alias, the resolver's answer stands and the other
	// claimant is named.
	srv := mirrorOf(t, nil, seed)
	res, learned := fetchAndLearn(t, newFetcher(t, srv.URL, dir), "1711.04623", trust)
	if !bytes.Equal(res.Data, seed) || learned.Key != "1711.04623" || len(learned.Conflicts) != 1 || learned.Conflicts[0].PithNumber != impostor.PithNumber() {
		t.Errorf("fetch of the alias: learned %+v", learned)
	}
	// A bundle that stops listing an alias gives up its claim.
	dropped := verifytest.Sign(verifytest.Edit(impostorData, func(m map[string]any) { m["source_aliases"] = []any{} }), impostor.Signer)
	cacheBundle(t, dir, dropped, time.Now(), trust)
	if got, err := c.Lookup(mustRef(t, "1711.04623")); got == nil || err != nil || !bytes.Equal(got.Data, seed) {
		t.Errorf("after the other bundle dropped the alias: %v", err)
	}
}

// Stale temp files (a writer killed mid-write) go at the next save.
func TestStaleTempFilesGoAtTheNextSave(t *testing.T) {
	dir := t.TempDir()
	seed := verifytest.RealBundle(t)
	cacheBundle(t, dir, seed, time.Now(), nil)
	stale := filepath.Join(dir, "tmp", ".tmp-"+realBody+".json-123")
	if err := os.WriteFile(stale, seed[:10], 0o644); err != nil {
		t.Fatal(err)
	}
	cacheBundle(t, dir, seed, time.Now(), nil)
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s: %v, want it removed", stale, err)
	}
}

// Recent lists the verified bundles, most recently opened first, with what
// the open prompt shows.
func TestRecentListsVerifiedBundles(t *testing.T) {
	dir := t.TempDir()
	seed := verifytest.RealBundle(t)
	test := verifytest.New().WithRecord()
	test.AddSnapshot("2026-01-02T00:00:00Z", "", "A test paper")
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	cacheBundle(t, dir, seed, t0, nil)
	cacheBundle(t, dir, test.Build(), t0.Add(time.Hour), test.Signer.Trust())
	// Junk teaches nothing, so it is not listed.
	junk := &Result{Data: []byte("{}"), Bundle: mustParse(verifytest.New().Build()), cache: &Cache{Dir: dir}, now: time.Now}
	if learned, _ := junk.Learn(nil); learned.NotLearned == "" {
		t.Fatal("junk was learned")
	}
	got, err := (&Cache{Dir: dir}).Recent(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].PithNumber != test.PithNumber() || got[0].Title != "A test paper" || got[0].Verdict != "verified" ||
		got[1].PithNumber != realNumber || got[1].Title != "Three Factors Influencing Minima in SGD" || !got[1].OpenedAt.Equal(t0) {
		t.Errorf("recent: %+v", got)
	}
	if one, _ := (&Cache{Dir: dir}).Recent(1); len(one) != 1 {
		t.Errorf("Recent(1) gave %d", len(one))
	}
}

// A title the record does not confirm is never remembered: a bundle whose
// current snapshot (signed by a trusted key) retitles the paper is listed
// without a title, not with the false one.
func TestRecentNeverListsAnUnprovenTitle(t *testing.T) {
	dir := t.TempDir()
	signer := verifytest.NewSigner("test-key-1", "recent title test")
	retitled, trust := verifytest.RealBundleRetitled(t, signer, "Attention Is All You Need")
	cacheBundle(t, dir, retitled, time.Now(), trust)
	got, err := (&Cache{Dir: dir}).Recent(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "" {
		t.Errorf("recent: %+v, want the bundle listed without a title", got)
	}
}
