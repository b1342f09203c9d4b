package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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
