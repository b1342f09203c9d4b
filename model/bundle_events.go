package model

import (
	"runtime"
	"sync"
)

// readEvents reads a bundle's events on every core: each is read on its
// own, and a large bundle holds tens of thousands. The error is that of
// the first event with one, as reading them in order would report.
func readEvents(values []Value) ([]Event, error) {
	events := make([]Event, len(values))
	workers := runtime.GOMAXPROCS(0)
	if len(values) < 1024 {
		workers = 1
	}
	chunk := (len(values) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		from, to := min(w*chunk, len(values)), min((w+1)*chunk, len(values))
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &reader{shared: true}
			for i := from; i < to; i++ {
				if events[i] = r.event(i, values[i]); r.err != nil {
					errs[w] = r.err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return events, nil
}
