//go:build !unix

package fetch

import (
	"path/filepath"
	"sync"
	"time"
)

// pathLocks serializes changes within this process where there is no
// flock: processes sharing a cache can then lose a history entry.
var pathLocks sync.Map // absolute path -> *sync.Mutex

func lockFile(path string, _ time.Duration) (unlock func(), err error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	m, _ := pathLocks.LoadOrStore(path, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock, nil
}
