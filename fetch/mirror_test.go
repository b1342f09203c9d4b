package fetch

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

func get(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestMirrorServesEveryID(t *testing.T) {
	seed := verifytest.RealBundle(t)
	m := NewMirror(nil)
	if !m.Add("seed.json", seed) {
		t.Fatalf("skipped: %v", m.Skipped)
	}
	b, err := model.Parse(seed)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{realBody, strings.ToLower(realBody), "M5BNRHPU", "m5bnrhpu", "M5BNRHPUWGA7", "M5BNRHPUWGA7MHPF",
		"pith:M5BNRHPU", realNumber, "1711.04623", "1711.04623V3", "arXiv:1711.04623",
		"10.48550%2Farxiv.1711.04623", "10.48550/arxiv.1711.04623", "10.48550%2FARXIV.1711.04623"}
	for _, id := range ids {
		for _, path := range []string{"/pith/" + id + "/bundle.json", "/.well-known/pith/" + id + "/bundle.json"} {
			rec := get(t, m, "GET", path)
			if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), seed) || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("GET %s: %d, %d bytes, %s", path, rec.Code, rec.Body.Len(), rec.Header().Get("Content-Type"))
			}
		}
		rec := get(t, m, "GET", "/pith/"+id+"/state.json")
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), b.State.Value.Raw()) || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("GET state of %s: %d %.60s", id, rec.Code, rec.Body.String())
		}
	}
	head := get(t, m, "HEAD", "/pith/M5BNRHPU/bundle.json")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != "13657" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %s", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
}

func TestMirrorErrorsAreJSON(t *testing.T) {
	m := NewMirror(nil)
	m.Add("seed.json", verifytest.RealBundle(t))
	cases := []struct {
		method, path string
		code         int
		mention      string
	}{
		{"GET", "/", 404, "no such path"},
		{"GET", "/pith/M5BNRHPU", 404, "no such path"},
		{"GET", "/pith/M5BNRHPU/other.json", 404, "no such path"},
		{"GET", "/.well-known/pith/M5BNRHPU/state.json", 404, "no such path"},
		{"GET", "/pith/AAAAAAAA/bundle.json", 404, "no bundle for AAAAAAAA"},
		{"GET", "/pith/2101.00001/bundle.json", 404, "no bundle for 2101.00001"},
		{"POST", "/pith/M5BNRHPU/bundle.json", 405, "read-only"},
		{"DELETE", "/.well-known/pith/M5BNRHPU/bundle.json", 405, "read-only"},
	}
	for _, c := range cases {
		rec := get(t, m, c.method, c.path)
		var body struct {
			Error  string `json:"error"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("%s %s: body %q is not JSON", c.method, c.path, rec.Body.String())
			continue
		}
		if rec.Code != c.code || body.Status != c.code || !strings.Contains(body.Error, c.mention) || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d %+v, want %d mentioning %q", c.method, c.path, rec.Code, body, c.code, c.mention)
		}
		if c.code == 405 && rec.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q", c.method, c.path, rec.Header().Get("Allow"))
		}
	}
}

// A directory's files are verified at load; what fails is skipped, with
// the reason.
func TestMirrorSkipsWhatDoesNotVerify(t *testing.T) {
	seed := verifytest.RealBundle(t)
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tampered := verifytest.Edit(seed, func(m map[string]any) {
		verifytest.At(m, "canonical_record", "metadata").(map[string]any)["license"] = "all rights reserved"
	})
	test := verifytest.New().WithRecord()
	write("a-seed.json", seed)
	write("b-copy.json", seed)
	write("c-garbage.json", []byte("{\"bundle_type\": "))
	write("d-tampered.json", tampered)
	write("e-untrusted.json", test.Build())
	write("notes.txt", []byte("not a bundle, and not a .json file"))
	if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o755); err != nil {
		t.Fatal(err)
	}

	m := NewMirror(nil)
	if err := m.AddDir(dir); err != nil {
		t.Fatal(err)
	}
	if len(m.Served) != 1 || m.Served[0].PithNumber != realNumber || filepath.Base(m.Served[0].Name) != "a-seed.json" {
		t.Fatalf("served %+v", m.Served)
	}
	want := map[string]string{
		"b-copy.json":      "same pith number as",
		"c-garbage.json":   "not a bundle",
		"d-tampered.json":  "fails canonical_digest",
		"e-untrusted.json": "key_trust",
	}
	if len(m.Skipped) != len(want) {
		t.Errorf("skipped %+v, want %d files", m.Skipped, len(want))
	}
	for _, s := range m.Skipped {
		if w, ok := want[filepath.Base(s.Name)]; !ok || !strings.Contains(s.Reason, w) {
			t.Errorf("skipped %s: %q, want it to say %q", s.Name, s.Reason, w)
		}
	}

	// Given its key, the test bundle is served.
	trusted := NewMirror(test.Signer.Trust())
	if err := trusted.AddDir(dir); err != nil {
		t.Fatal(err)
	}
	if len(trusted.Served) != 2 {
		t.Errorf("with the test key: served %+v, skipped %+v", trusted.Served, trusted.Skipped)
	}
	if err := NewMirror(nil).AddDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing directory is not an error")
	}
}

// Two bundles claiming one alias: the first keeps it, and it is reported.
func TestMirrorAliasConflict(t *testing.T) {
	a := verifytest.New()
	b := verifytest.New()
	b.Year = "2022" // another record, same arXiv id
	m := NewMirror(a.Signer.Trust())
	first, second := a.WithRecord().Build(), b.WithRecord().Build()
	if !m.Add("first.json", first) || !m.Add("second.json", second) {
		t.Fatalf("skipped %+v", m.Skipped)
	}
	if len(m.Conflicts) != 3 || !strings.Contains(m.Conflicts[0], "2101.00001 is claimed by first.json and second.json") {
		t.Errorf("conflicts %q", m.Conflicts)
	}
	rec := get(t, m, "GET", "/pith/2101.00001/bundle.json")
	if !bytes.Equal(rec.Body.Bytes(), first) {
		t.Error("the alias is not served from the first bundle")
	}
	rec = get(t, m, "GET", "/pith/"+model.BodyOf(b.PithNumber())+"/bundle.json")
	if !bytes.Equal(rec.Body.Bytes(), second) {
		t.Error("the second bundle is not served by its number")
	}
}

// The mirror is what the fetcher reads: over a real HTTP server, an
// escaped DOI reaches the bundle.
func TestMirrorOverHTTP(t *testing.T) {
	seed := verifytest.RealBundle(t)
	srv := mirrorOf(t, nil, seed)
	resp, err := http.Get(srv.URL + "/pith/10.48550%2Farxiv.1711.04623/bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Equal(body, seed) {
		t.Errorf("%d, %d bytes", resp.StatusCode, len(body))
	}
}

// unknownBundle is a bundle that passes every check but its bundle
// signature's, which names a key nobody has: that check and the key's
// trust can only be unknown. It claims the real bundle's arXiv id. trust
// trusts its events' signer.
func unknownBundle() (data []byte, trust *verify.TrustStore) {
	b := verifytest.New()
	b.SourceID = "1711.04623"
	data = verifytest.Edit(b.WithRecord().Build(), func(m map[string]any) {
		m["bundle_signature"].(map[string]any)["key_id"] = "nobody-has-this-key"
	})
	return data, b.Signer.Trust()
}

// A check that cannot be decided is not a pass: such a bundle is not
// published, and says why.
func TestMirrorRefusesWhatItCannotVerify(t *testing.T) {
	unknown, trust := unknownBundle()
	if r := verify.Verify(mustParse(unknown), verify.Options{Trust: trust}); r.NotOK() != "cannot decide key_trust, bundle_signature" {
		t.Fatalf("the test bundle is not only unknown: %s", r.NotOK())
	}
	m := NewMirror(trust)
	if m.Add("unknown.json", unknown) {
		t.Fatalf("served a bundle whose checks are unknown: %+v", m.Served)
	}
	if len(m.Skipped) != 1 || !strings.Contains(m.Skipped[0].Reason, "cannot decide") || !strings.Contains(m.Skipped[0].Reason, "bundle_signature") ||
		!strings.Contains(m.Skipped[0].Reason, "--allow-unverified") {
		t.Errorf("skipped %+v", m.Skipped)
	}
}

// With AllowUnverified the bundle is served, marked; an id it shares with
// a verified bundle goes to the verified one, whichever came first.
func TestMirrorAllowUnverifiedKeepsIDsForVerifiedBundles(t *testing.T) {
	seed := verifytest.RealBundle(t)
	unknown, trust := unknownBundle()
	m := NewMirror(trust)
	m.AllowUnverified = true
	if !m.Add("unknown.json", unknown) || !m.Add("seed.json", seed) {
		t.Fatalf("skipped %+v", m.Skipped)
	}
	if rec := get(t, m, "GET", "/pith/1711.04623/bundle.json"); !bytes.Equal(rec.Body.Bytes(), seed) {
		t.Error("the shared alias is not served from the verified bundle")
	}
	if len(m.Served) != 2 || m.Served[0].NotOK == "" || m.Served[1].NotOK != "" || slices.Contains(m.Served[0].IDs, "1711.04623") {
		t.Errorf("served %+v", m.Served)
	}
	if !slices.ContainsFunc(m.Conflicts, func(c string) bool { return strings.Contains(c, "served from seed.json, which verifies") }) {
		t.Errorf("conflicts %q", m.Conflicts)
	}
	// In a folder, the same whatever the file order.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a-unknown.json"), unknown, 0o644)
	os.WriteFile(filepath.Join(dir, "b-seed.json"), seed, 0o644)
	d := NewMirror(trust)
	d.AllowUnverified = true
	if err := d.AddDir(dir); err != nil {
		t.Fatal(err)
	}
	if rec := get(t, d, "GET", "/pith/1711.04623/bundle.json"); !bytes.Equal(rec.Body.Bytes(), seed) {
		t.Error("from a folder, the shared alias is not served from the verified bundle")
	}
	// A verified copy of a number replaces an unverified one.
	r := NewMirror(nil)
	r.AllowUnverified = true
	broken := verifytest.Edit(seed, func(m map[string]any) { m["built_at"] = "2030-01-01T00:00:00Z" })
	if !r.Add("broken.json", broken) || !r.Add("seed.json", seed) {
		t.Fatalf("skipped %+v", r.Skipped)
	}
	if rec := get(t, r, "GET", "/pith/M5BNRHPU/bundle.json"); !bytes.Equal(rec.Body.Bytes(), seed) || len(r.Served) != 1 {
		t.Errorf("served %+v", r.Served)
	}
}
