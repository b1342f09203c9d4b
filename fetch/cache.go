package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Cache keeps bundles that were fetched and parsed, so a reference resolves
// with no network after it was seen once. Layout under Dir:
//
//	bundles/BODY.json   the raw bytes last fetched for pith number BODY
//	meta/BODY.json      when and where from, and every version seen (event ids)
//	index/SHA256.json   an alias or short form (lower case) -> BODY
//
// Every write is a temp file in the same directory renamed over the target,
// so a reader sees the old file or the new one, never half of one. A file
// that does not parse is treated as missing and replaced by the next fetch.
// Writers in one process take a lock per directory, so no history entry is
// lost; two processes that store the same bundle at the same instant can
// lose one history entry (the last rename wins) but never corrupt a file.
type Cache struct {
	Dir string
}

// DefaultCacheDir is where the cache lives: the --cache-dir flag value when
// set, else $PITHSCOPE_CACHE, else the user's cache directory + /pithscope.
func DefaultCacheDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv("PITHSCOPE_CACHE"); env != "" {
		return env, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set --cache-dir or PITHSCOPE_CACHE): %w", err)
	}
	return filepath.Join(base, "pithscope"), nil
}

// maxHistory bounds the versions remembered per bundle; the oldest go first.
const maxHistory = 256

// Version is one distinct version of a bundle that was fetched.
type Version struct {
	EventIDs       []string  `json:"event_ids"`
	FirstFetchedAt time.Time `json:"first_fetched_at"`
	LastFetchedAt  time.Time `json:"last_fetched_at"`
}

// cacheMeta is meta/BODY.json.
type cacheMeta struct {
	PithNumber string    `json:"pith_number"`
	FetchedAt  time.Time `json:"fetched_at"`
	Source     string    `json:"source"`
	History    []Version `json:"history"`
}

// indexEntry is index/SHA256.json. Key is stored so a lookup can confirm
// the file is for the key it asked about.
type indexEntry struct {
	Key  string `json:"key"`
	Body string `json:"body"`
}

// Cached is a bundle read from the cache.
type Cached struct {
	Data      []byte
	Bundle    *model.Bundle
	Body      string
	FetchedAt time.Time
	Source    string // where it was fetched from
	History   []Version
}

// dirLocks serializes read-modify-write of meta files per cache directory
// within this process, across every Cache value that names it.
var dirLocks sync.Map // absolute dir -> *sync.Mutex

func (c *Cache) lock() func() {
	key := c.Dir
	if abs, err := filepath.Abs(c.Dir); err == nil {
		key = abs
	}
	m, _ := dirLocks.LoadOrStore(key, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// Lookup finds the cached bundle for ref and checks it is the one asked for
// (a corrupt or mismatched file reads as missing). ok is false when there
// is none.
func (c *Cache) Lookup(ref Ref) (*Cached, bool) {
	if c == nil || ref.ID() == "" {
		return nil, false
	}
	body := ""
	if ref.Pith != "" && len(ref.Pith) == model.PithBodyLen {
		body = ref.Pith
	} else {
		body = c.indexed(ref.ID())
	}
	if body == "" {
		return nil, false
	}
	got, ok := c.read(body)
	if !ok {
		return nil, false
	}
	if req := ref.Request(); !req.IsZero() && verify.CheckRequested(got.Bundle, req).Status != verify.OK {
		return nil, false
	}
	return got, true
}

// read loads bundles/BODY.json and its meta; a bundle that does not parse
// or does not hash to BODY is treated as missing.
func (c *Cache) read(body string) (*Cached, bool) {
	data, err := os.ReadFile(c.bundlePath(body))
	if err != nil || len(data) > model.MaxBundleBytes {
		return nil, false
	}
	b, err := model.Parse(data)
	if err != nil || derivedBody(b) != body {
		return nil, false
	}
	meta := c.readMeta(body)
	return &Cached{Data: data, Bundle: b, Body: body, FetchedAt: meta.FetchedAt, Source: meta.Source, History: meta.History}, true
}

// indexed returns the body an alias or short form points to, or "".
func (c *Cache) indexed(id string) string {
	key := strings.ToLower(id)
	data, err := os.ReadFile(c.indexPath(key))
	if err != nil {
		return ""
	}
	var e indexEntry
	if json.Unmarshal(data, &e) != nil || e.Key != key || !base32Chars.MatchString(e.Body) || len(e.Body) != model.PithBodyLen {
		return ""
	}
	return e.Body
}

func (c *Cache) readMeta(body string) cacheMeta {
	var m cacheMeta
	data, err := os.ReadFile(c.metaPath(body))
	if err != nil || json.Unmarshal(data, &m) != nil {
		return cacheMeta{}
	}
	return m
}

// Store saves a bundle that parsed and was accepted, indexes its aliases and
// short forms, and adds this version to its history. It returns the version
// seen before that this one should be compared with (nil on a first fetch).
// A bundle with no derivable pith number is not stored.
func (c *Cache) Store(data []byte, b *model.Bundle, source string, fetchedAt time.Time) (*verify.PreviousVersion, error) {
	if c == nil {
		return nil, nil
	}
	body := derivedBody(b)
	if body == "" {
		return nil, errors.New("not cached: no pith number can be derived from the bundle")
	}
	for _, sub := range []string{"bundles", "meta", "index"} {
		if err := os.MkdirAll(filepath.Join(c.Dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	unlock := c.lock()
	defer unlock()
	meta := c.readMeta(body)
	ids := eventIDs(b)
	previous := PreviousFor(ids, meta.History)
	meta.PithNumber = b.PithNumber
	meta.FetchedAt = fetchedAt.UTC()
	meta.Source = source
	meta.History = addVersion(meta.History, ids, fetchedAt.UTC())

	// The bytes are rewritten only when they changed; the meta always is.
	if old, err := os.ReadFile(c.bundlePath(body)); err != nil || !bytes.Equal(old, data) {
		if err := writeAtomic(c.bundlePath(body), data); err != nil {
			return previous, err
		}
	}
	metaJSON, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return previous, err
	}
	if err := writeAtomic(c.metaPath(body), metaJSON); err != nil {
		return previous, err
	}
	return previous, c.index(body, b)
}

// index points every alias and short form of the bundle at body.
func (c *Cache) index(body string, b *model.Bundle) error {
	keys := []string{}
	for _, n := range model.ShortLens {
		keys = append(keys, body[:n])
	}
	for _, a := range b.SourceAliases {
		if a.Value != "" {
			keys = append(keys, a.Value)
		}
	}
	var firstErr error
	for _, k := range keys {
		key := strings.ToLower(k)
		if c.indexed(key) == body {
			continue
		}
		data, _ := json.Marshal(indexEntry{Key: key, Body: body})
		if err := writeAtomic(c.indexPath(key), data); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// PreviousFor picks, from the versions seen before, the one to compare a
// version with event ids ids against for the rollback check: the version
// with the most events this one lacks, then the most events, then the most
// recent. That way a rollback stays visible on every later fetch, and a
// bundle that only grew is compared with the latest version.
func PreviousFor(ids []string, history []Version) *verify.PreviousVersion {
	if len(history) == 0 {
		return nil
	}
	have := make(map[string]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	missing := func(v Version) int {
		n := 0
		for _, id := range v.EventIDs {
			if !have[id] {
				n++
			}
		}
		return n
	}
	best := history[0]
	for _, v := range history[1:] {
		mb, mv := missing(best), missing(v)
		switch {
		case mv != mb:
			if mv > mb {
				best = v
			}
		case len(v.EventIDs) != len(best.EventIDs):
			if len(v.EventIDs) > len(best.EventIDs) {
				best = v
			}
		case v.LastFetchedAt.After(best.LastFetchedAt):
			best = v
		}
	}
	return &verify.PreviousVersion{EventIDs: slices.Clone(best.EventIDs), FetchedAt: best.LastFetchedAt.Format(time.RFC3339)}
}

// addVersion records a fetch of the version with these event ids.
func addVersion(history []Version, ids []string, at time.Time) []Version {
	for i := range history {
		if slices.Equal(history[i].EventIDs, ids) {
			history[i].LastFetchedAt = at
			return history
		}
	}
	history = append(history, Version{EventIDs: ids, FirstFetchedAt: at, LastFetchedAt: at})
	if len(history) > maxHistory {
		history = history[len(history)-maxHistory:]
	}
	return history
}

func eventIDs(b *model.Bundle) []string {
	ids := make([]string, 0, len(b.Events))
	for i := range b.Events {
		ids = append(ids, b.Events[i].EventID)
	}
	return ids
}

// derivedBody is the pith number body the record hashes to (not the one
// the bundle claims), or "" when there is no record to hash.
func derivedBody(b *model.Bundle) string {
	if !b.CanonicalRecord.Exists() {
		return ""
	}
	digest, err := model.SHA256Hex(b.CanonicalRecord)
	if err != nil {
		return ""
	}
	body, err := model.PithBody(digest)
	if err != nil {
		return ""
	}
	return body
}

// BundlesDir holds one raw bundle file per pith number (what
// pithscope serve --cache serves).
func (c *Cache) BundlesDir() string { return filepath.Join(c.Dir, "bundles") }

func (c *Cache) bundlePath(body string) string { return filepath.Join(c.BundlesDir(), body+".json") }

func (c *Cache) metaPath(body string) string { return filepath.Join(c.Dir, "meta", body+".json") }

// indexPath names an index file by a hash of the key: aliases hold
// slashes, dots and anything a DOI may contain, none of which belongs in a
// file name.
func (c *Cache) indexPath(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.Dir, "index", hex.EncodeToString(sum[:16])+".json")
}

// writeAtomic writes data to path through a temp file in the same directory
// and a rename.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// WriteFileAtomic writes data to path so that path holds either its old
// content or all of data, never a part (temp file + rename).
func WriteFileAtomic(path string, data []byte) error { return writeAtomic(path, data) }
