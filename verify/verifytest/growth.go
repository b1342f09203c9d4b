package verifytest

import (
	"math"
	"runtime"
	"testing"
	"time"
)

// BenchGrowth times one step at size n and at 2n, alternately in the same
// run, and reports both and their ratio: 2 for a linear step, a little
// more for n log n or where 2n outgrows a cache, 4 for a quadratic one.
// The target is at most 3. prepare builds the input of a size and returns
// the step to time. Each size's fastest run is reported: a collection or
// another process that lands in one run says nothing of how the step
// grows.
func BenchGrowth(b *testing.B, n int, prepare func(n int) func()) {
	b.Helper()
	small, large := prepare(n), prepare(2*n)
	small() // once each before timing
	large()
	fastest := func(step func()) time.Duration {
		// A collection before each, untimed, so that neither pays for the
		// other's garbage.
		runtime.GC()
		start := time.Now()
		step()
		return time.Since(start)
	}
	ts, tl := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ts = min(ts, fastest(small))
		tl = min(tl, fastest(large))
	}
	b.ReportMetric(float64(ts.Nanoseconds()), "N-ns")
	b.ReportMetric(float64(tl.Nanoseconds()), "2N-ns")
	b.ReportMetric(float64(tl)/float64(ts), "x-2N-of-N")
}
