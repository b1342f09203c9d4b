package fetch

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Mirror serves bundles, read-only, at the paths a resolver uses:
//
//	/pith/{ID}/bundle.json
//	/pith/{ID}/state.json              the bundle's state object
//	/.well-known/pith/{ID}/bundle.json
//
// where ID is the pith number body, any of its 8/12/16-character short
// forms, the full pith number, or any of the bundle's source_aliases, in any
// case, path-escaped or not. Anything else is a 404 (a 405 for a method
// other than GET and HEAD) with a JSON body {"error": "..."}.
//
// A bundle is published only when every check passes (one that is unknown
// does not), unless AllowUnverified is set; even then an id two bundles
// claim goes to the verified one. Add every bundle before serving; a
// Mirror is not changed while it serves.
type Mirror struct {
	// AllowUnverified publishes bundles some check of which fails or is
	// unknown, marked as such in Served.
	AllowUnverified bool

	trust   *verify.TrustStore
	byID    map[string]*mirrored // lower-case id
	bodies  map[string]*mirrored // upper-case body
	Served  []ServedBundle
	Skipped []SkippedFile
	// Conflicts lists ids that more than one bundle claims; a verified
	// bundle keeps the id, else the first added.
	Conflicts []string
}

type mirrored struct {
	name     string
	bundle   []byte
	state    []byte
	verified bool
}

// ServedBundle is a bundle the mirror serves.
type ServedBundle struct {
	Name       string // the file it was read from
	PithNumber string
	IDs        []string // every id it answers to, lower case
	// NotOK names the checks that are not ok, for a bundle served only
	// because AllowUnverified is set ("" for a verified bundle).
	NotOK string
}

// SkippedFile is a file the mirror refused, and why.
type SkippedFile struct {
	Name   string
	Reason string
}

// NewMirror returns an empty mirror that admits bundles every check of
// verify passes for, with trust (nil: the pinned key only).
func NewMirror(trust *verify.TrustStore) *Mirror {
	return &Mirror{trust: trust, byID: map[string]*mirrored{}, bodies: map[string]*mirrored{}}
}

// AddDir adds every *.json file directly in dir, verified bundles first
// (so that they keep the ids they share with others). Files that are not
// served are listed in Skipped; only a directory that cannot be read is an
// error.
func (m *Mirror) AddDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var later []candidate
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(strings.ToLower(e.Name()), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := readLimited(path)
		if err != nil {
			m.Skipped = append(m.Skipped, SkippedFile{Name: path, Reason: err.Error()})
			continue
		}
		c, ok := m.check(path, data)
		switch {
		case !ok:
		case c.notOK == "":
			m.add(c)
		default:
			later = append(later, c)
		}
	}
	for _, c := range later {
		m.add(c)
	}
	return nil
}

func readLimited(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if info.Size() > model.MaxBundleBytes {
		return nil, fmt.Errorf("%d bytes, over the %d-byte limit", info.Size(), model.MaxBundleBytes)
	}
	return os.ReadFile(path)
}

// Add verifies one bundle and, when every check passes (or
// AllowUnverified is set), serves it under all its ids. It reports whether
// the bundle is served; when not, the reason is in Skipped.
func (m *Mirror) Add(name string, data []byte) bool {
	c, ok := m.check(name, data)
	return ok && m.add(c)
}

// candidate is a bundle verified and waiting to be added.
type candidate struct {
	name   string
	data   []byte
	bundle *model.Bundle
	report *verify.Report
	notOK  string // the checks that are not ok, "" when all are
}

// check parses and verifies a bundle; ok is false (and the file skipped)
// when it is not one or is not verified and unverified ones are refused.
func (m *Mirror) check(name string, data []byte) (candidate, bool) {
	b, err := model.Parse(data)
	if err != nil {
		m.skip(name, "not a bundle: "+err.Error())
		return candidate{}, false
	}
	report := verify.Verify(b, verify.Options{Trust: m.trust})
	c := candidate{name: name, data: data, bundle: b, report: report, notOK: report.NotOK()}
	if c.notOK != "" && !m.AllowUnverified {
		m.skip(name, c.notOK+" (--allow-unverified serves it anyway)")
		return candidate{}, false
	}
	return c, true
}

func (m *Mirror) skip(name, reason string) {
	m.Skipped = append(m.Skipped, SkippedFile{Name: name, Reason: reason})
}

// add serves a checked bundle under every id it has that no bundle at
// least as verified holds.
func (m *Mirror) add(c candidate) bool {
	body := model.BodyOf(c.report.PithNumber)
	if body == "" {
		m.skip(c.name, "no pith number")
		return false
	}
	verified := c.notOK == ""
	if other, dup := m.bodies[body]; dup && (other.verified || !verified) {
		m.skip(c.name, "same pith number as "+other.name)
		return false
	}
	entry := &mirrored{name: c.name, bundle: c.data, state: c.bundle.State.Value.Raw(), verified: verified}
	if old, dup := m.bodies[body]; dup {
		// A verified bundle replaces an unverified one of the same number.
		m.drop(old, "same pith number as "+c.name+", which verifies")
	}
	m.bodies[body] = entry
	ids := []string{body, c.report.PithNumber}
	for _, n := range model.ShortLens {
		ids = append(ids, body[:n], "pith:"+body[:n])
	}
	for _, a := range c.bundle.SourceAliases {
		ids = append(ids, a.Value)
	}
	served := ServedBundle{Name: c.name, PithNumber: c.report.PithNumber, NotOK: c.notOK}
	for _, id := range ids {
		key := strings.ToLower(id)
		if key == "" || slices.Contains(served.IDs, key) {
			continue
		}
		other, taken := m.byID[key]
		switch {
		case !taken:
		case other.verified || !verified:
			m.Conflicts = append(m.Conflicts, fmt.Sprintf("%s is claimed by %s and %s; served from %s", id, other.name, c.name, other.name))
			continue
		default:
			m.Conflicts = append(m.Conflicts, fmt.Sprintf("%s is claimed by %s and %s; served from %s, which verifies", id, other.name, c.name, c.name))
			m.release(other, key)
		}
		m.byID[key] = entry
		served.IDs = append(served.IDs, key)
	}
	m.Served = append(m.Served, served)
	return true
}

// release takes an id away from the bundle served from entry.
func (m *Mirror) release(entry *mirrored, key string) {
	for i := range m.Served {
		if m.Served[i].Name == entry.name {
			m.Served[i].IDs = slices.DeleteFunc(m.Served[i].IDs, func(id string) bool { return id == key })
		}
	}
}

// drop stops serving entry altogether.
func (m *Mirror) drop(entry *mirrored, reason string) {
	maps.DeleteFunc(m.byID, func(_ string, e *mirrored) bool { return e == entry })
	m.Served = slices.DeleteFunc(m.Served, func(s ServedBundle) bool { return s.Name == entry.name })
	m.skip(entry.name, reason)
}

// ServeHTTP answers the resolver paths.
func (m *Mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := resolverPathID(r.URL.EscapedPath())
	if !ok {
		writeJSONError(w, http.StatusNotFound, "no such path: the mirror serves /pith/{ID}/bundle.json, /pith/{ID}/state.json and /.well-known/pith/{ID}/bundle.json")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSONError(w, http.StatusMethodNotAllowed, "the mirror is read-only: GET and HEAD only")
		return
	}
	entry := m.lookup(id)
	if entry == nil {
		writeJSONError(w, http.StatusNotFound, "no bundle for "+id)
		return
	}
	body := entry.bundle
	if strings.HasSuffix(r.URL.EscapedPath(), "/state.json") {
		body = entry.state
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}

// lookup finds a bundle by id as typed, or by the id's normal form
// (arXiv:1711.04623 and 1711.04623 are the same paper).
func (m *Mirror) lookup(id string) *mirrored {
	if e := m.byID[strings.ToLower(id)]; e != nil {
		return e
	}
	if ref, ok, err := parseID(id); ok && err == nil {
		return m.byID[strings.ToLower(ref.ID())]
	}
	return nil
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	body, _ := json.Marshal(struct {
		Error  string `json:"error"`
		Status int    `json:"status"`
	}{msg, code})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(body, '\n'))
}
