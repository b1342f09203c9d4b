package fetch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify"
)

const (
	realNumber = "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T"
	realBody   = "M5BNRHPUWGA7MHPFDKCQKNVN6T"
)

func noFiles(string) bool { return false }

func TestParseRef(t *testing.T) {
	cases := []struct {
		in   string
		want Ref
	}{
		{"", Ref{Kind: Embedded}},
		{"-", Ref{Kind: Stdin, Text: "-"}},
		{realNumber, Ref{Kind: PithNumber, Year: "2017", Pith: realBody}},
		{"PITH:2017:m5bnrhpuwga7mhpfdkcqknvn6t", Ref{Kind: PithNumber, Year: "2017", Pith: realBody}},
		{realBody, Ref{Kind: PithBody, Pith: realBody}},
		{"m5bnrhpuwga7mhpfdkcqknvn6t", Ref{Kind: PithBody, Pith: realBody}},
		{"pith:" + realBody, Ref{Kind: PithBody, Pith: realBody}},
		{"pith:M5BNRHPU", Ref{Kind: PithShort, Pith: "M5BNRHPU"}},
		{"pith:m5bnrhpu", Ref{Kind: PithShort, Pith: "M5BNRHPU"}},
		{"M5BNRHPU", Ref{Kind: PithShort, Pith: "M5BNRHPU"}},
		{"M5BNRHPUWGA7", Ref{Kind: PithShort, Pith: "M5BNRHPUWGA7"}},
		{"m5bnrhpuwga7mhpf", Ref{Kind: PithShort, Pith: "M5BNRHPUWGA7MHPF"}},
		{" M5BNRHPU\n", Ref{Kind: PithShort, Pith: "M5BNRHPU"}},
		{"1711.04623", Ref{Kind: ArXiv, Alias: "1711.04623"}},
		{"1711.04623v3", Ref{Kind: ArXiv, Alias: "1711.04623v3"}},
		{"1711.04623V3", Ref{Kind: ArXiv, Alias: "1711.04623v3"}},
		{"arXiv:1711.04623", Ref{Kind: ArXiv, Alias: "1711.04623"}},
		{"ARXIV:0704.0001", Ref{Kind: ArXiv, Alias: "0704.0001"}},
		{"hep-th/9901001", Ref{Kind: ArXiv, Alias: "hep-th/9901001"}},
		{"math.GT/0309136v2", Ref{Kind: ArXiv, Alias: "math.gt/0309136v2"}},
		{"10.48550/arxiv.1711.04623", Ref{Kind: DOI, Alias: "10.48550/arxiv.1711.04623"}},
		{"10.48550/arXiv.1711.04623", Ref{Kind: DOI, Alias: "10.48550/arxiv.1711.04623"}},
		{"doi:10.1000/XYZ-123", Ref{Kind: DOI, Alias: "10.1000/xyz-123"}},
		{"https://mirror.test/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T/bundle.json",
			Ref{Kind: URL, URL: "https://mirror.test/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T/bundle.json", Pith: realBody}},
		// What people paste from a browser reads as the id it names.
		{"https://arxiv.org/abs/1711.04623", Ref{Kind: ArXiv, Alias: "1711.04623"}},
		{"https://arxiv.org/pdf/1711.04623v3", Ref{Kind: ArXiv, Alias: "1711.04623v3"}},
		{"http://www.arxiv.org/pdf/1711.04623v3.pdf", Ref{Kind: ArXiv, Alias: "1711.04623v3"}},
		{"https://arxiv.org/abs/1711.04623v3?context=cs#x", Ref{Kind: ArXiv, Alias: "1711.04623v3"}},
		{"https://export.arxiv.org/abs/hep-th/9901001", Ref{Kind: ArXiv, Alias: "hep-th/9901001"}},
		{" https://doi.org/10.48550/arXiv.1711.04623\n", Ref{Kind: DOI, Alias: "10.48550/arxiv.1711.04623"}},
		{"https://dx.doi.org/10.48550%2FarXiv.1711.04623", Ref{Kind: DOI, Alias: "10.48550/arxiv.1711.04623"}},
		{"https://pith.science/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T", Ref{Kind: PithBody, Pith: realBody}},
		{"https://pith.science/pith/pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T/", Ref{Kind: PithNumber, Year: "2017", Pith: realBody}},
		{"https://pith.science/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T/bundle.json", Ref{Kind: PithBody, Pith: realBody}},
		{"https://pith.science/.well-known/pith/1711.04623/bundle.json", Ref{Kind: ArXiv, Alias: "1711.04623"}},
		{"https://pith.science/pith/10.48550%2Farxiv.1711.04623", Ref{Kind: DOI, Alias: "10.48550/arxiv.1711.04623"}},
		// A page of those sites that names no paper is an ordinary URL.
		{"https://arxiv.org/list/cs.LG/recent", Ref{Kind: URL, URL: "https://arxiv.org/list/cs.LG/recent"}},
		{"https://doi.org/", Ref{Kind: URL, URL: "https://doi.org/"}},
		{"https://arxiv.org/abs/10.48550/arxiv.1711.04623", Ref{Kind: URL, URL: "https://arxiv.org/abs/10.48550/arxiv.1711.04623"}},
		{"http://127.0.0.1:8700/.well-known/pith/10.48550%2Farxiv.1711.04623/bundle.json",
			Ref{Kind: URL, URL: "http://127.0.0.1:8700/.well-known/pith/10.48550%2Farxiv.1711.04623/bundle.json", Alias: "10.48550/arxiv.1711.04623"}},
		{"HTTPS://example.org/some/bundle", Ref{Kind: URL, URL: "HTTPS://example.org/some/bundle"}},
		{"bundle.json", Ref{Kind: File, Path: "bundle.json"}},
		{"./M5BNRHPU", Ref{Kind: File, Path: "./M5BNRHPU"}},
		{"notebook.json", Ref{Kind: File, Path: "notebook.json"}},
		// A file named after an unmistakable id must be that bundle.
		{"./2101.99999", Ref{Kind: File, Path: "./2101.99999", Alias: "2101.99999"}},
		{"1711.04623.json", Ref{Kind: File, Path: "1711.04623.json", Alias: "1711.04623"}},
		{"/cache/bundles/" + realBody + ".json", Ref{Kind: File, Path: "/cache/bundles/" + realBody + ".json", Pith: realBody}},
		{"../" + realNumber, Ref{Kind: File, Path: "../" + realNumber, Year: "2017", Pith: realBody}},
		{"dir/x", Ref{Kind: File, Path: "dir/x"}},
		// Not a DOI (a DOI has no spaces), so a path by its slash.
		{"10.48550/has space", Ref{Kind: File, Path: "10.48550/has space"}},
	}
	for _, c := range cases {
		got, err := parseRef(c.in, noFiles)
		if err != nil {
			t.Errorf("parseRef(%q): %v", c.in, err)
			continue
		}
		c.want.Text = got.Text // checked below
		if got != c.want {
			t.Errorf("parseRef(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if c.in != "" && got.Text != c.in {
			t.Errorf("parseRef(%q).Text = %q, want what was typed", c.in, got.Text)
		}
	}
}

func TestParseRefErrors(t *testing.T) {
	cases := []struct{ in, mention string }{
		{"pith:2017:M5BNRHPU", "26-character body"},
		{"pith:M5BNRHP", "8, 12 or 16"},
		{"pith:20x7:" + realBody, "four digits"},
		{"pith:M5BNRHP1", "base32"},
		{"M5BNRHPUW", "give a pith number"}, // 9 characters: no form has that length
		{"hello world", "give a pith number"},
		{"   ", "blank"},
		{"https://", "valid http(s) URL"},
		{"doi:10.48550", "give a pith number"},
	}
	for _, c := range cases {
		_, err := parseRef(c.in, noFiles)
		if err == nil {
			t.Errorf("parseRef(%q) accepted it", c.in)
			continue
		}
		if !errors.Is(err, ErrBadRef) {
			t.Errorf("parseRef(%q) error does not wrap ErrBadRef: %v", c.in, err)
		}
		if !strings.Contains(err.Error(), c.mention) || !strings.Contains(err.Error(), "arXiv id") {
			t.Errorf("parseRef(%q) = %q, want it to say %q and list the accepted forms", c.in, err, c.mention)
		}
	}
}

// A file in the current directory never answers for an id: the id is
// fetched, and the file is read only when written as a path.
func TestParseRefFileNamedLikeAnID(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, name := range []string{"M5BNRHPU", "1711.04623", "pith:M5BNRHPU", realNumber, "my-bundle"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ParseRef(name)
		if err != nil || (got.Kind == File) != (name == "my-bundle") {
			t.Errorf("ParseRef(%q) with the file present = %+v, %v; want the id (a file only for a name that is no id)", name, got, err)
		}
		got, err = ParseRef("./" + name)
		if err != nil || got.Kind != File || got.Path != "./"+name {
			t.Errorf("ParseRef(./%s) = %+v, %v; want the file", name, got, err)
		}
	}
}

func TestRefRequest(t *testing.T) {
	cases := []struct {
		in   string
		want verify.Request
	}{
		{realNumber, verify.Request{Text: realNumber, PithYear: "2017", PithPrefix: realBody}},
		{"m5bnrhpu", verify.Request{Text: "m5bnrhpu", PithPrefix: "M5BNRHPU"}},
		{"arXiv:1711.04623", verify.Request{Text: "arXiv:1711.04623", Alias: "1711.04623"}},
		{"https://x.test/pith/1711.04623v3/bundle.json", verify.Request{Text: "https://x.test/pith/1711.04623v3/bundle.json", Alias: "1711.04623v3"}},
		{"https://x.test/elsewhere.json", verify.Request{}},
		{"some/file.json", verify.Request{}},
		{"./1711.04623v3.json", verify.Request{Text: "./1711.04623v3.json", Alias: "1711.04623v3"}},
		{"./M5BNRHPU.json", verify.Request{}}, // a short form could be any 8-letter word
		{"", verify.Request{}},
	}
	for _, c := range cases {
		r, err := parseRef(c.in, noFiles)
		if err != nil {
			t.Fatalf("parseRef(%q): %v", c.in, err)
		}
		if got := r.Request(); got != c.want {
			t.Errorf("parseRef(%q).Request() = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestResolverURLsEscapeAliases(t *testing.T) {
	got := ResolverURLs("http://h:1/", "10.48550/arxiv.1711.04623")
	want := []string{"http://h:1/pith/10.48550%2Farxiv.1711.04623/bundle.json", "http://h:1/.well-known/pith/10.48550%2Farxiv.1711.04623/bundle.json"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ResolverURLs = %q, want %q", got, want)
	}
}

// FuzzParseRef: never a panic; an error always wraps ErrBadRef; an id
// reads back the same from its normal form; its fields are normalized.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{realNumber, realBody, "pith:M5BNRHPU", "m5bnrhpuwga7", "1711.04623v3", "arXiv:1711.04623",
		"hep-th/9901001", "10.48550/arxiv.1711.04623", "doi:10.1/x", "https://h/pith/M5BNRHPU/bundle.json",
		"http://h/.well-known/pith/10.1%2Fx/bundle.json", "a/b.json", "-", "", "pith:", "pith:2017:", "10.1234/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseRef(s, noFiles)
		if err != nil {
			if !errors.Is(err, ErrBadRef) {
				t.Fatalf("parseRef(%q) error does not wrap ErrBadRef: %v", s, err)
			}
			return
		}
		if r.Pith != "" && (!base32Chars.MatchString(r.Pith) || !(len(r.Pith) == 26 || isShortLen(len(r.Pith)))) {
			t.Fatalf("parseRef(%q).Pith = %q: not an upper-case body or short form", s, r.Pith)
		}
		if r.Alias != strings.ToLower(r.Alias) {
			t.Fatalf("parseRef(%q).Alias = %q: not lower case", s, r.Alias)
		}
		if r.Kind >= PithNumber && r.Request().IsZero() {
			t.Fatalf("parseRef(%q) is an id (%v) with no request", s, r.Kind)
		}
		if r.Kind < URL {
			return
		}
		again, err := parseRef(r.String(), noFiles)
		if err != nil {
			t.Fatalf("normal form %q of %q does not parse: %v", r.String(), s, err)
		}
		if again.Kind != r.Kind || again.Pith != r.Pith || again.Alias != r.Alias || again.Year != r.Year || again.URL != r.URL {
			t.Fatalf("%q -> %+v, its normal form %q -> %+v", s, r, r.String(), again)
		}
	})
}

// TestParseLink: strings inside a bundle that name a bundle are links, in
// the form to fetch them by; words, files and addresses that name no
// bundle are not.
func TestParseLink(t *testing.T) {
	for in, want := range map[string]string{
		"pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T":      "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T",
		"pith:M5BNRHPU":                             "pith:M5BNRHPU",
		"M5BNRHPUWGA7":                              "pith:M5BNRHPUWGA7",
		"M5BNRHPUWGA7MHPFDKCQKNVN6T":                "M5BNRHPUWGA7MHPFDKCQKNVN6T",
		"1711.04623v3":                              "1711.04623v3",
		"10.48550/arxiv.1711.04623":                 "10.48550/arxiv.1711.04623",
		"https://arxiv.org/abs/1711.04623":          "1711.04623",
		"https://doi.org/10.48550/arXiv.1711.04623": "10.48550/arxiv.1711.04623",
		// a bundle URL leads to the id it names, through the user's resolver
		"https://pith.science/pith/M5BNRHPUWGA7MHPFDKCQKNVN6T/bundle.json": "M5BNRHPUWGA7MHPFDKCQKNVN6T",
		"http://127.0.0.1:9/.well-known/pith/1711.04623/bundle.json":       "1711.04623",
	} {
		r, ok := ParseLink(in)
		if !ok || r.String() != want || !r.Networked() || r.Kind == URL {
			t.Errorf("ParseLink(%q) = %+v, %v; want %s", in, r, ok, want)
		}
	}
	for _, in := range []string{
		"computed", "abstract", "snapshot", // eight letters of base32, in lower case: words
		"", "-", "./M5BNRHPU", "bundle.json", "dir/file", "graph_snapshot", "cs.LG",
		"https://pith.science/pith-signing-key.json", "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
		"2026-05-18T00:05:51Z", "sha256:0cf2ca14dfbb6a8a567c89dbea99562ef2120338e18661863f3f37fa8abb78fe",
	} {
		if r, ok := ParseLink(in); ok {
			t.Errorf("ParseLink(%q) = %+v, want no link", in, r)
		}
	}
}
