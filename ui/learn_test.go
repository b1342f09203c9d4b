package ui

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// The explorer hands each finished report to Loaded.Learn once, and shows
// what it returns (a cache write that failed) on the status line.
func TestLearnIsCalledOnceWithTheReportAndWarns(t *testing.T) {
	cfg := testConfig(t, verifytest.RealBundle(t), "seed.json", nil)
	var calls atomic.Int32
	var got atomic.Pointer[verify.Report]
	load := cfg.Load
	cfg.Load = func(ctx context.Context, ref string, progress func(string)) (Loaded, error) {
		l, err := load(ctx, ref, progress)
		l.Learn = func(r *verify.Report) error {
			calls.Add(1)
			got.Store(r)
			return errors.New("warning: could not record this version in the cache: disk full")
		}
		return l, err
	}
	m := openModel(t, cfg, 200, 40)
	if calls.Load() != 1 || got.Load() == nil || !got.Load().OK() {
		t.Fatalf("Learn called %d times with %+v; want once with the finished report", calls.Load(), got.Load())
	}
	if !strings.Contains(m.status, "checked: ") || !strings.Contains(m.status, "could not record this version") {
		t.Errorf("status %q does not carry the warning", m.status)
	}
	if !strings.Contains(m.View(), "could not record this version") {
		t.Error("the warning is not on screen")
	}
}
