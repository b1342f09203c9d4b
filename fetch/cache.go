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
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Cache keeps what was learned from verified bundles, so that a reference
// resolves with no network after it was seen once, and so that a later
// version that lost events fails the rollback check. Layout under Dir:
//
//	lock                  held (flock) around every change
//	bundles/BODY.json     the bytes of the last verified fetch of pith number BODY
//	history/BODY.json     what every verified fetch of BODY taught (History)
//	aliases/SHA256.json   an alias or short form (lower case) -> the verified bundles that claim it
//	quarantine/BODY.json  the last bytes fetched for BODY that did not verify; never read back
//	tmp/                  temp files, renamed into place; what a killed writer left is removed by the next change
//
// Only Learn writes, and only from a bundle whose bundle signature and
// event signatures all verified with trusted keys; a fetch stores nothing
// by itself. Every write is a temp file renamed over its target, so a
// reader sees the old file or the new one. Changes are made under the
// lock, so processes sharing the cache lose no history entry, and a
// bundle's history is written before its bytes, so no crash leaves a newer
// bundle beside an older history. A file that does not parse reads as
// missing.
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

// History is what the cache learned of one pith number from its verified
// fetches.
type History struct {
	PithNumber string `json:"pith_number"`
	// Events holds every event id seen in a verified version, with when it
	// was first seen: a version that lacks any of them is a rollback. Ids
	// are only ever added, and only from bundles whose events all verified
	// with trusted keys, so nothing fetched can flush them, and the list is
	// as long as the events the trusted keys signed: what the largest
	// verified bundle holds, not a count of fetches.
	Events []SeenEvent `json:"events"`
	// RecordedAt is when a verified version was last recorded.
	RecordedAt time.Time `json:"recorded_at"`

	// What the cached bytes (bundles/BODY.json) are.
	Title     string    `json:"title"` // as the bundle states it (raw: escape before printing)
	Source    string    `json:"source"`
	FetchedAt time.Time `json:"fetched_at"`
	Signer    Signer    `json:"signer"`
	// Verdict is "verified" or the checks that were not ok, when last opened.
	Verdict  string    `json:"verdict"`
	OpenedAt time.Time `json:"opened_at"`
	// MirrorHints are the bundle URLs the last verified version names,
	// before any policy (Options.AllowHTTPMirrors) is applied.
	MirrorHints []string `json:"mirror_hints"`
	// Keys are the alias and short form keys this bundle claims.
	Keys []string `json:"keys"`
}

// SeenEvent is an event id and when a verified version first had it.
type SeenEvent struct {
	ID        string    `json:"id"`
	FirstSeen time.Time `json:"first_seen"`
}

// Signer says who signed a bundle: its bundle signature's key, and how far
// that key was trusted when the bundle was learned.
type Signer struct {
	KeyID       string       `json:"key_id"`
	Fingerprint string       `json:"fingerprint"`
	Trust       verify.Trust `json:"trust"`
}

func (s Signer) String() string {
	return model.Printable(fmt.Sprintf("%s (%s), fingerprint %s", s.KeyID, s.Trust, s.Fingerprint))
}

// AliasClaim is a verified bundle that lists an alias (or whose number
// starts with a short form).
type AliasClaim struct {
	Body       string    `json:"body"`
	PithNumber string    `json:"pith_number"`
	Signer     Signer    `json:"signer"`
	FirstSeen  time.Time `json:"first_seen"`
}

func (a AliasClaim) String() string {
	return model.Printable(a.PithNumber) + " (signed by " + a.Signer.String() + ")"
}

// aliasEntry is aliases/SHA256.json. Key is stored so a lookup can confirm
// the file is for the key it asked about.
type aliasEntry struct {
	Key    string       `json:"key"`
	Claims []AliasClaim `json:"claims"`
}

// maxClaims bounds the bundles remembered for one alias; the first ones
// stay.
const maxClaims = 16

// maxMirrorHints bounds the mirror URLs remembered for one bundle.
const maxMirrorHints = 16

// AliasConflictError is an alias that more than one verified bundle
// claims. The cache never picks one: it names them all.
type AliasConflictError struct {
	Key    string
	Claims []AliasClaim
}

func (e *AliasConflictError) Error() string {
	parts := make([]string, len(e.Claims))
	for i, c := range e.Claims {
		parts[i] = c.String()
	}
	return fmt.Sprintf("%s is claimed by %d verified bundles in the cache: %s; give the pith number",
		model.Printable(e.Key), len(e.Claims), strings.Join(parts, " and "))
}

// Cached is a verified bundle read from the cache.
type Cached struct {
	Data    []byte
	Bundle  *model.Bundle
	Body    string
	History History
}

// Lookup finds the cached bundle for ref and checks it is the one asked
// for. It returns nil and no error when there is none (a corrupt or
// mismatched file reads as missing), and an *AliasConflictError when the
// alias or short form names more than one verified bundle.
func (c *Cache) Lookup(ref Ref) (*Cached, error) {
	bodies := c.bodiesFor(ref)
	switch len(bodies) {
	case 0:
		return nil, nil
	case 1:
	default:
		claims := c.readAlias(aliasKey(ref.ID())).Claims
		return nil, &AliasConflictError{Key: ref.ID(), Claims: claims}
	}
	got, ok := c.read(bodies[0])
	if !ok {
		return nil, nil
	}
	if req := ref.Request(); !req.IsZero() && verify.CheckRequested(got.Bundle, req).Status != verify.OK {
		return nil, nil
	}
	return got, nil
}

// bodiesFor lists the pith number bodies ref may name: its own body, or
// every verified bundle that claims its alias or short form.
func (c *Cache) bodiesFor(ref Ref) []string {
	if c == nil || ref.ID() == "" {
		return nil
	}
	if len(ref.Pith) == model.PithBodyLen {
		return []string{ref.Pith}
	}
	var bodies []string
	for _, claim := range c.readAlias(aliasKey(ref.ID())).Claims {
		if !slices.Contains(bodies, claim.Body) {
			bodies = append(bodies, claim.Body)
		}
	}
	return bodies
}

// read loads bundles/BODY.json and its history; a bundle with no history
// (never learned), that does not parse or does not hash to BODY reads as
// missing.
func (c *Cache) read(body string) (*Cached, bool) {
	h, ok := c.readHistory(body)
	if !ok {
		return nil, false
	}
	data, err := os.ReadFile(c.bundlePath(body))
	if err != nil || len(data) > model.MaxBundleBytes {
		return nil, false
	}
	b, err := model.Parse(data)
	if err != nil || derivedBody(b) != body {
		return nil, false
	}
	return &Cached{Data: data, Bundle: b, Body: body, History: h}, true
}

func (c *Cache) readHistory(body string) (History, bool) {
	var h History
	if !isBody(body) {
		return h, false
	}
	data, err := os.ReadFile(c.historyPath(body))
	if err != nil || json.Unmarshal(data, &h) != nil {
		return History{}, false
	}
	return h, true
}

// readAlias reads an alias entry; a missing, corrupt or mismatched one is
// empty, and claims naming something other than a body are dropped.
func (c *Cache) readAlias(key string) aliasEntry {
	var e aliasEntry
	data, err := os.ReadFile(c.aliasPath(key))
	if err != nil || json.Unmarshal(data, &e) != nil || e.Key != key {
		return aliasEntry{Key: key}
	}
	e.Claims = slices.DeleteFunc(e.Claims, func(a AliasClaim) bool { return !isBody(a.Body) })
	return e
}

func isBody(s string) bool { return len(s) == model.PithBodyLen && base32Chars.MatchString(s) }

// previous is what the rollback check compares a version of body with:
// every event id verified versions had. Nil when none was recorded.
func (c *Cache) previous(body string) *verify.PreviousVersion {
	if c == nil {
		return nil
	}
	h, ok := c.readHistory(body)
	if !ok || len(h.Events) == 0 {
		return nil
	}
	return h.previous()
}

func (h History) previous() *verify.PreviousVersion {
	ids := make([]string, len(h.Events))
	for i, e := range h.Events {
		ids[i] = e.ID
	}
	return &verify.PreviousVersion{EventIDs: ids, FetchedAt: h.RecordedAt.UTC().Format(time.RFC3339)}
}

// mirrorHints lists the mirror URLs the verified bundles ref may name
// gave, for the pith number or alias ref names.
func (c *Cache) mirrorHints(ref Ref) (body string, urls []string) {
	for _, b := range c.bodiesFor(ref) {
		if h, ok := c.readHistory(b); ok {
			body = b
			urls = append(urls, h.MirrorHints...)
		}
	}
	return body, urls
}

// Recent is a cached verified bundle, for a list of what was opened.
type Recent struct {
	PithNumber string
	Title      string // raw: escape before printing
	Verdict    string // "verified", or the checks that were not ok
	OpenedAt   time.Time
	FetchedAt  time.Time
	Source     string
}

// Recent lists the bundles in the cache, most recently opened first, at
// most limit of them (0: all).
func (c *Cache) Recent(limit int) ([]Recent, error) {
	if c == nil {
		return nil, nil
	}
	entries, err := os.ReadDir(filepath.Join(c.Dir, "history"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Recent
	for _, e := range entries {
		body, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		h, ok := c.readHistory(body)
		if !ok {
			continue
		}
		if _, err := os.Stat(c.bundlePath(body)); err != nil {
			continue
		}
		out = append(out, Recent{PithNumber: h.PithNumber, Title: h.Title, Verdict: h.Verdict, OpenedAt: h.OpenedAt, FetchedAt: h.FetchedAt, Source: h.Source})
	}
	slices.SortFunc(out, func(a, b Recent) int { return b.OpenedAt.Compare(a.OpenedAt) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// lockTimeout is how long a change waits for another process to finish
// its own before giving up (a warning, not a hang).
const lockTimeout = 10 * time.Second

// change runs fn with the cache locked against every other process and
// goroutine, first removing the temp files a killed writer left.
func (c *Cache) change(fn func() error) error {
	for _, sub := range []string{"bundles", "history", "aliases", "quarantine", "tmp"} {
		if err := os.MkdirAll(filepath.Join(c.Dir, sub), 0o755); err != nil {
			return err
		}
	}
	unlock, err := lockFile(filepath.Join(c.Dir, "lock"), lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	// Every temp file is written under the lock, so any there now is left
	// over from a writer that died.
	if stale, err := os.ReadDir(c.tmpDir()); err == nil {
		for _, e := range stale {
			os.Remove(filepath.Join(c.tmpDir(), e.Name()))
		}
	}
	return fn()
}

// learn records a verified bundle: its events into the history (first),
// its bytes (when fetched rather than read from the cache), and its
// aliases. It returns the other verified bundles that claim key, the
// alias it was looked up by ("" for none).
func (c *Cache) learn(v learnedVersion, key string) ([]AliasClaim, error) {
	var others []AliasClaim
	err := c.change(func() error {
		h, _ := c.readHistory(v.body)
		h.PithNumber = v.pithNumber
		seen := make(map[string]bool, len(h.Events))
		for _, e := range h.Events {
			seen[e.ID] = true
		}
		added := false
		for _, id := range v.eventIDs {
			if !seen[id] {
				seen[id] = true
				added = true
				h.Events = append(h.Events, SeenEvent{ID: id, FirstSeen: v.at})
			}
		}
		if added || h.RecordedAt.IsZero() {
			h.RecordedAt = v.at
		}
		h.Verdict, h.OpenedAt = v.verdict, v.at
		oldKeys := h.Keys
		if v.data != nil {
			h.Title, h.Source, h.FetchedAt, h.Signer = v.title, v.source, v.at, v.signer
			h.MirrorHints, h.Keys = v.mirrorHints, v.keys
		}
		js, err := json.MarshalIndent(h, "", "  ")
		if err != nil {
			return err
		}
		if err := c.write(c.historyPath(v.body), js); err != nil {
			return err
		}
		if v.data != nil {
			if old, err := os.ReadFile(c.bundlePath(v.body)); err != nil || !bytes.Equal(old, v.data) {
				if err := c.write(c.bundlePath(v.body), v.data); err != nil {
					return err
				}
			}
		}
		claim := AliasClaim{Body: v.body, PithNumber: v.pithNumber, Signer: h.Signer, FirstSeen: v.at}
		for _, k := range h.Keys {
			if err := c.claim(k, claim); err != nil {
				return err
			}
		}
		for _, k := range oldKeys {
			if !slices.Contains(h.Keys, k) {
				if err := c.unclaim(k, v.body); err != nil {
					return err
				}
			}
		}
		if key != "" {
			for _, a := range c.readAlias(key).Claims {
				if a.Body != v.body {
					others = append(others, a)
				}
			}
		}
		return nil
	})
	return others, err
}

// claim adds a bundle to the claims of key (unchanged when it is there).
func (c *Cache) claim(key string, claim AliasClaim) error {
	e := c.readAlias(key)
	if slices.ContainsFunc(e.Claims, func(a AliasClaim) bool { return a.Body == claim.Body }) || len(e.Claims) >= maxClaims {
		return nil
	}
	e.Claims = append(e.Claims, claim)
	return c.writeAlias(e)
}

// unclaim removes a bundle that no longer lists key from its claims.
func (c *Cache) unclaim(key, body string) error {
	e := c.readAlias(key)
	n := len(e.Claims)
	e.Claims = slices.DeleteFunc(e.Claims, func(a AliasClaim) bool { return a.Body == body })
	if len(e.Claims) == n {
		return nil
	}
	return c.writeAlias(e)
}

func (c *Cache) writeAlias(e aliasEntry) error {
	js, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return c.write(c.aliasPath(e.Key), js)
}

// quarantine keeps the bytes of a bundle that did not verify, for people
// to look at; nothing reads them back.
func (c *Cache) quarantine(body string, data []byte) error {
	if !isBody(body) {
		return nil
	}
	return c.change(func() error { return c.write(c.quarantinePath(body), data) })
}

// QuarantinePath is where the last unverified bytes fetched for a pith
// number body are kept.
func (c *Cache) QuarantinePath(body string) string { return c.quarantinePath(body) }

// learnedVersion is what Learn records of one verified bundle.
type learnedVersion struct {
	body, pithNumber string
	eventIDs         []string
	at               time.Time
	verdict          string
	// Set when the bytes were fetched (nil data: read from the cache).
	data        []byte
	title       string
	source      string
	signer      Signer
	mirrorHints []string
	keys        []string
}

// aliasKeys are the keys a bundle claims in the alias index: its short
// forms and every alias it lists.
func aliasKeys(body string, b *model.Bundle) []string {
	var keys []string
	add := func(k string) {
		if k = aliasKey(k); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, n := range model.ShortLens {
		add(body[:n])
	}
	for _, a := range b.SourceAliases {
		add(a.Value)
	}
	return keys
}

func aliasKey(id string) string { return strings.ToLower(id) }

// hintURLs are the bundle URLs a bundle's mirror hints name (http(s) only,
// without repeats, at most maxMirrorHints).
func hintURLs(body string, b *model.Bundle) []string {
	var out []string
	add := func(u string) {
		if isHTTPURL(u) && !slices.Contains(out, u) && len(out) < maxMirrorHints {
			out = append(out, u)
		}
	}
	for _, h := range b.MirrorHints {
		add(h.BundleURL)
		add(h.WellKnownBundleURL)
		if isHTTPURL(h.BaseURL) {
			for _, u := range ResolverURLs(h.BaseURL, body) {
				add(u)
			}
		}
	}
	return out
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

func (c *Cache) historyPath(body string) string { return filepath.Join(c.Dir, "history", body+".json") }

func (c *Cache) quarantinePath(body string) string {
	return filepath.Join(c.Dir, "quarantine", body+".json")
}

func (c *Cache) tmpDir() string { return filepath.Join(c.Dir, "tmp") }

// aliasPath names an alias file by a hash of the key: aliases hold
// slashes, dots and anything a DOI may contain, none of which belongs in a
// file name.
func (c *Cache) aliasPath(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.Dir, "aliases", hex.EncodeToString(sum[:16])+".json")
}

// write replaces path with data through a temp file in the cache's tmp
// directory.
func (c *Cache) write(path string, data []byte) error {
	return writeAtomic(path, c.tmpDir(), data, 0o644)
}
