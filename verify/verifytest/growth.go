package verifytest

import (
	"runtime"
	"testing"
	"time"
)

// BenchGrowth times one step at size n and at 2n, alternately in the same
// run, and reports both and their ratio: 2 for a linear step, a little
// more for n log n or where 2n outgrows a cache, 4 for a quadratic one.
// The target is at most 3. prepare builds the input of a size and returns
// the step to time.
func BenchGrowth(b *testing.B, n int, prepare func(n int) func()) {
	b.Helper()
	small, large := prepare(n), prepare(2*n)
	small() // once each before timing
	large()
	var ts, tl time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A collection before each, untimed, so that neither pays for the
		// other's garbage.
		runtime.GC()
		start := time.Now()
		small()
		ts += time.Since(start)
		runtime.GC()
		start = time.Now()
		large()
		tl += time.Since(start)
	}
	b.ReportMetric(float64(ts.Nanoseconds())/float64(b.N), "N-ns")
	b.ReportMetric(float64(tl.Nanoseconds())/float64(b.N), "2N-ns")
	b.ReportMetric(float64(tl)/float64(ts), "x-2N-of-N")
}
