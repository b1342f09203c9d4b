package verifytest

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// SamplePeakHeap records in *peak the largest live heap seen above the
// level at the call (after a GC) until stop is called. runtime/metrics is
// read without stopping the world; the sampling goroutine still takes CPU,
// so do not time a run that is being sampled.
func SamplePeakHeap(peak *uint64) (stop func()) {
	const name = "/memory/classes/heap/objects:bytes"
	runtime.GC()
	sample := []metrics.Sample{{Name: name}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		local := []metrics.Sample{{Name: name}}
		for !done.Load() {
			metrics.Read(local)
			if v := local[0].Value.Uint64(); v > base && v-base > *peak {
				*peak = v - base
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}
