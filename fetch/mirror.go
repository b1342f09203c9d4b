package fetch

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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
// Add every bundle before serving; a Mirror is not changed while it serves.
type Mirror struct {
	trust   *verify.TrustStore
	byID    map[string]*mirrored // lower-case id
	bodies  map[string]*mirrored // upper-case body
	Served  []ServedBundle
	Skipped []SkippedFile
	// Conflicts lists ids that more than one bundle claims; the first
	// bundle added keeps the id.
	Conflicts []string
}

type mirrored struct {
	name   string
	bundle []byte
	state  []byte
}

// ServedBundle is a bundle the mirror serves.
type ServedBundle struct {
	Name       string // the file it was read from
	PithNumber string
	IDs        []string // every id it answers to, lower case
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

// AddDir adds every *.json file directly in dir. Files that are not served
// are listed in Skipped; only a directory that cannot be read is an error.
func (m *Mirror) AddDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
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
		m.Add(path, data)
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

// Add verifies one bundle and, when every check passes, serves it under
// all its ids. It reports whether the bundle is served; when not, the
// reason is in Skipped.
func (m *Mirror) Add(name string, data []byte) bool {
	skip := func(reason string) bool {
		m.Skipped = append(m.Skipped, SkippedFile{Name: name, Reason: reason})
		return false
	}
	b, err := model.Parse(data)
	if err != nil {
		return skip("not a bundle: " + err.Error())
	}
	report := verify.Verify(b, verify.Options{Trust: m.trust})
	if failed := failedChecks(report); len(failed) > 0 {
		return skip("fails " + strings.Join(failed, ", "))
	}
	body := model.BodyOf(report.PithNumber)
	if body == "" {
		return skip("no pith number")
	}
	if other, dup := m.bodies[body]; dup {
		return skip("same pith number as " + other.name)
	}
	entry := &mirrored{name: name, bundle: data, state: b.State.Value.Raw()}
	m.bodies[body] = entry
	ids := []string{body, report.PithNumber}
	for _, n := range model.ShortLens {
		ids = append(ids, body[:n], "pith:"+body[:n])
	}
	for _, a := range b.SourceAliases {
		ids = append(ids, a.Value)
	}
	served := ServedBundle{Name: name, PithNumber: report.PithNumber}
	for _, id := range ids {
		key := strings.ToLower(id)
		if key == "" {
			continue
		}
		switch other, taken := m.byID[key]; {
		case !taken:
			m.byID[key] = entry
			served.IDs = append(served.IDs, key)
		case other != entry:
			m.Conflicts = append(m.Conflicts, fmt.Sprintf("%s is claimed by %s and %s; served from %s", id, other.name, name, other.name))
		}
	}
	m.Served = append(m.Served, served)
	return true
}

// failedChecks names each check that failed, once, in the report's order
// (the record's checks first).
func failedChecks(r *verify.Report) []string {
	seen := map[string]bool{}
	var names []string
	for _, c := range r.Checks {
		if c.Status == verify.Fail && !seen[c.Name] {
			seen[c.Name] = true
			names = append(names, c.Name)
		}
	}
	return names
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
