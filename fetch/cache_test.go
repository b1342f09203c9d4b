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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// A corrupt cache file reads as missing and the next fetch replaces it.
func TestCorruptCacheIgnoredAndReplaced(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	if _, err := newFetcher(t, srv.URL, dir).Fetch(context.Background(), mustRef(t, "1711.04623")); err != nil {
		t.Fatal(err)
	}
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
		if err := os.WriteFile(c.metaPath(realBody), []byte("{not json"), 0o644); err != nil {
			t.Fatal(err)
		}
		offline := newFetcher(t, srv.URL, dir, func(o *Options) { o.Offline = true })
		if _, err := offline.Fetch(context.Background(), mustRef(t, "1711.04623")); !errors.Is(err, ErrNotCached) {
			t.Errorf("%s: offline fetch %v, want not cached", name, err)
		}
		res, err := newFetcher(t, srv.URL, dir).Fetch(context.Background(), mustRef(t, "1711.04623"))
		if err != nil || res.FromCache {
			t.Fatalf("%s: online fetch %v (from cache %v)", name, err, res != nil && res.FromCache)
		}
		if res.Previous != nil {
			t.Errorf("%s: a corrupt history gave a previous version %+v", name, res.Previous)
		}
		if _, err := offline.Fetch(context.Background(), mustRef(t, "1711.04623")); err != nil {
			t.Errorf("%s: after a new fetch, offline: %v", name, err)
		}
	}
	// A corrupt index entry is a miss for that alias only.
	if err := os.WriteFile(c.indexPath("1711.04623v3"), []byte(`{"key":"1711.04623v3","body":"../../etc/passwd"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Lookup(mustRef(t, "1711.04623v3")); ok {
		t.Error("an index entry naming a path was followed")
	}
	if _, ok := c.Lookup(mustRef(t, "1711.04623")); !ok {
		t.Error("a good alias stopped resolving")
	}
}

func TestCacheWriteFailureIsNotFatal(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := newFetcher(t, srv.URL, file).Fetch(context.Background(), mustRef(t, "M5BNRHPU"))
	if err != nil || res.CacheErr == nil || !bytes.Equal(res.Data, seed) {
		t.Errorf("fetch with an unusable cache: %v, cache error %v", err, res.CacheErr)
	}
}

// checkCacheIntact reads every file of the cache and fails on one that
// does not parse, or on a temp file left behind.
func checkCacheIntact(t *testing.T, dir string, wantHistory int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
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
	c := &Cache{Dir: dir}
	got, ok := c.Lookup(mustRef(t, "1711.04623"))
	if !ok {
		t.Fatal("the bundle does not resolve from the cache")
	}
	if len(got.History) != wantHistory {
		t.Errorf("history has %d versions, want %d", len(got.History), wantHistory)
	}
}

func TestConcurrentFetchesShareACache(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := newFetcher(t, srv.URL, dir) // each with its own Cache value
			for _, form := range []string{"1711.04623", "M5BNRHPU", realNumber, "10.48550/arxiv.1711.04623"} {
				if _, err := f.Fetch(context.Background(), mustRef(t, form)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkCacheIntact(t, dir, 1)
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
	checkCacheIntact(t, dir, 1)
}

// TestCacheChildProcess is the child of TestConcurrentProcessesShareACache.
func TestCacheChildProcess(t *testing.T) {
	dir := os.Getenv("PITHSCOPE_TEST_CACHE_CHILD")
	if dir == "" {
		t.Skip("only run by TestConcurrentProcessesShareACache")
	}
	f := newFetcher(t, os.Getenv("PITHSCOPE_TEST_RESOLVER"), dir)
	for i := 0; i < 10; i++ {
		if _, err := f.Fetch(context.Background(), mustRef(t, "1711.04623")); err != nil {
			t.Fatal(err)
		}
		if _, ok := f.opts.Cache.Lookup(mustRef(t, "M5BNRHPU")); !ok {
			t.Fatal("a reader saw no bundle while others wrote")
		}
	}
}

func TestHistoryKeepsDistinctVersions(t *testing.T) {
	full, rolledBack, _ := twoVersions()
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, data := range [][]byte{full, full, rolledBack, full} {
		cacheBundle(t, dir, data, t0.Add(time.Duration(i)*time.Hour))
	}
	b, err := model.Parse(full)
	if err != nil {
		t.Fatal(err)
	}
	meta := (&Cache{Dir: dir}).readMeta(derivedBody(b))
	if len(meta.History) != 2 || len(meta.History[0].EventIDs) != 3 || len(meta.History[1].EventIDs) != 2 {
		t.Fatalf("history %+v, want the 3-event and the 2-event version", meta.History)
	}
	if !meta.History[0].FirstFetchedAt.Equal(t0) || !meta.History[0].LastFetchedAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("first version seen %s..%s, want %s..%s", meta.History[0].FirstFetchedAt, meta.History[0].LastFetchedAt, t0, t0.Add(3*time.Hour))
	}
}
