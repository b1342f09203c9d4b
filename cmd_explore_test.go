package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// TestExploreLoaderSaysWhyEachSourceFailed: the explorer is told, per
// source, why it gave no bundle, in words that tell a refused connection
// from an error status.
func TestExploreLoaderSaysWhyEachSourceFailed(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer failing.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for resolver, want := range map[string]string{failing.URL: "HTTP 500 Internal Server Error", closed.URL: "connection refused"} {
		src := sourceFlags{fetchFlags: fetchFlags{resolver: resolver, cacheDir: t.TempDir(), timeout: time.Second, deadline: 5 * time.Second}}
		l, err := src.exploreLoader(nil)(context.Background(), "pith:M5BNRHPU", nil)
		if err == nil || !strings.Contains(err.Error(), "cannot fetch pith:M5BNRHPU") || len(l.Attempts) != 2 {
			t.Fatalf("%s: %v, %+v", want, err, l.Attempts)
		}
		for _, a := range l.Attempts {
			if !strings.HasPrefix(a.Source, resolver+"/") || a.Why != want {
				t.Errorf("attempt %+v, want %q from %s", a, want, resolver)
			}
		}
	}
}

// TestThemeIsCheckedBeforeTheExplorerStarts: an unknown theme, from the
// flag or the environment, is a usage error naming the themes.
func TestThemeIsCheckedBeforeTheExplorerStarts(t *testing.T) {
	code, _, errOut := runCLI(t, nil, "--theme", "solarized")
	if code != exitBadInput || !strings.Contains(errOut, "give auto, dark or light") {
		t.Errorf("--theme solarized: exit %d, %q", code, errOut)
	}
	t.Setenv("PITHSCOPE_THEME", "sepia")
	code, _, errOut = runCLI(t, nil)
	if code != exitBadInput || !strings.Contains(errOut, `theme "sepia"`) {
		t.Errorf("PITHSCOPE_THEME=sepia: exit %d, %q", code, errOut)
	}
}

// TestRecentBundlesComeFromTheCache: the open prompt's list is what the
// cache learned from verified fetches, and nothing from a file.
func TestRecentBundlesComeFromTheCache(t *testing.T) {
	srv := fetchTestMirror(t)
	dir := t.TempDir()
	src := sourceFlags{fetchFlags: fetchFlags{cacheDir: dir}}
	if list, err := src.recentBundles(10); err != nil || len(list) != 0 {
		t.Fatalf("an empty cache lists %v, %v", list, err)
	}
	if code, _, errOut := runFetchTest("verify", writeTemp(t, "seed.json", verifytest.RealBundle(t)), "--cache-dir", dir); code != exitOK {
		t.Fatalf("verify a file: exit %d: %s", code, errOut)
	}
	if list, _ := src.recentBundles(10); len(list) != 0 {
		t.Fatalf("a file taught the cache: %v", list)
	}
	if code, _, errOut := runFetchTest("verify", "1711.04623", "--resolver", srv.URL, "--cache-dir", dir); code != exitOK {
		t.Fatalf("verify: exit %d: %s", code, errOut)
	}
	list, err := src.recentBundles(10)
	if err != nil || len(list) != 1 {
		t.Fatalf("after one verified fetch the cache lists %+v, %v", list, err)
	}
	r := list[0]
	if r.PithNumber != "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T" || r.Title != "Three Factors Influencing Minima in SGD" || r.Verdict != "verified" || r.OpenedAt.IsZero() {
		t.Errorf("recent bundle %+v", r)
	}
}

// TestLinkRefOpensTheIDNamed: the explorer's links are fetched by the id
// they name, and must be that bundle.
func TestLinkRefOpensTheIDNamed(t *testing.T) {
	for in, want := range map[string]string{
		"pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T":                                      "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T",
		"https://evil.test/.well-known/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T/bundle.json": "M5BNRHPUWGA7MHPFDKCQKNVN6T",
		"https://arxiv.org/abs/1711.04623":                                          "1711.04623",
	} {
		l, ok := linkRef(in)
		if !ok || l.Ref != want || l.Request.IsZero() {
			t.Errorf("linkRef(%q) = %+v, %v; want %s, asked for by id", in, l, ok, want)
		}
		if _, err := describeRef(l.Ref); err != nil {
			t.Errorf("the link's reference %q does not read as one: %v", l.Ref, err)
		}
	}
	if _, ok := linkRef("computed"); ok {
		t.Error("a word is no link")
	}
}
