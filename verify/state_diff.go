package verify

import (
	"sync"

	"github.com/pithscope/pithscope/model"
)

// MaxStateDifferences bounds how many differing paths are listed between
// the served and the recomputed state.
const MaxStateDifferences = 200

// stateDiff names the paths where the served state and the recomputed one
// differ. Walking both is as costly as the state is large, so it is done
// once, and only when asked: the state_recompute check asks only when the
// two canonical forms differ; equal forms are equal data, with nothing to
// list.
type stateDiff struct {
	bundle *model.Bundle
	merge  *model.Merge
	equal  bool // the canonical forms were compared and are the same
	once   sync.Once
	diffs  []model.Difference
	err    error
}

func (d *stateDiff) get() ([]model.Difference, error) {
	d.once.Do(func() {
		if !d.equal {
			d.diffs, d.err = StateDifferences(d.bundle, d.merge, MaxStateDifferences)
		}
	})
	return d.diffs, d.err
}

// StateDifferences lists up to MaxStateDifferences paths where the served
// state differs from the one recomputed from the events (none when the
// state_recompute check passed), or why they cannot be compared. It is
// computed on the first call, once; any goroutine may call it.
func (r *Report) StateDifferences() ([]model.Difference, error) {
	if r.stateDiff == nil { // a run cancelled before the state was recomputed
		return nil, nil
	}
	return r.stateDiff.get()
}
