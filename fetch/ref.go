// Package fetch turns what a person typed (a pith number, a short form, an
// arXiv id, a DOI, a URL) into the bytes of a Pith bundle: from a resolver,
// its well-known path, the mirrors a bundle names, or a local cache. It also
// serves bundles as a read-only mirror (Mirror). It proves nothing about a
// bundle beyond "this is the one that was asked for" (verify.CheckRequested);
// the verify package does the rest.
package fetch

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// Kind is what a reference names.
type Kind int

const (
	Embedded   Kind = iota // "": the bundle built into the program
	Stdin                  // "-"
	File                   // a path on disk
	URL                    // an http(s) URL of a bundle
	PithNumber             // pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T
	PithBody               // M5BNRHPUWGA7MHPFDKCQKNVN6T
	PithShort              // pith:M5BNRHPU, M5BNRHPU, M5BNRHPUWGA7, M5BNRHPUWGA7MHPF
	ArXiv                  // 1711.04623, 1711.04623v3, arXiv:1711.04623, hep-th/9901001
	DOI                    // 10.48550/arxiv.1711.04623
)

var kindNames = map[Kind]string{
	Embedded: "embedded bundle", Stdin: "standard input", File: "file", URL: "URL",
	PithNumber: "pith number", PithBody: "pith number body", PithShort: "short pith number",
	ArXiv: "arXiv id", DOI: "DOI",
}

func (k Kind) String() string { return kindNames[k] }

// Ref is a classified reference.
type Ref struct {
	Kind Kind
	Text string // as typed
	Path string // File
	URL  string // URL
	// Year is the year of a full pith number.
	Year string
	// Pith is an upper-case pith number body (26 characters) or short form
	// (8, 12 or 16): for the pith kinds, and for a URL whose path names one.
	Pith string
	// Alias is a lower-case arXiv id or DOI: for ArXiv and DOI, and for a
	// URL whose path names one.
	Alias string
}

// AcceptedForms lists, for error messages, every form ParseRef reads.
const AcceptedForms = "a pith number (pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T, its 26-character body, " +
	"or a short form: pith:M5BNRHPU, M5BNRHPU, M5BNRHPUWGA7, M5BNRHPUWGA7MHPF), " +
	"an arXiv id (1711.04623, 1711.04623v3, arXiv:1711.04623, hep-th/9901001), " +
	"a DOI (10.48550/arxiv.1711.04623), an http(s) URL of a bundle, a file path, or - for standard input"

// ErrBadRef is wrapped by every ParseRef error.
var ErrBadRef = errors.New("not a reference pithscope reads")

var (
	base32Chars = regexp.MustCompile(`^[A-Z2-7]+$`)
	yearDigits  = regexp.MustCompile(`^[0-9]{4}$`)
	// New-style arXiv ids (0704.0001 onwards) and old-style archive/number ids.
	arxivNew = regexp.MustCompile(`^[0-9]{4}\.[0-9]{4,5}(v[0-9]+)?$`)
	arxivOld = regexp.MustCompile(`^[a-z]+(-[a-z]+)*(\.[a-z]{2})?/[0-9]{7}(v[0-9]+)?$`)
	doiShape = regexp.MustCompile(`^10\.[0-9]{4,9}/.+$`)
)

// ParseRef classifies what a person typed, in this order:
//
//   - "" is the embedded bundle and "-" standard input.
//   - A page URL a browser shows for the paper reads as the id it names:
//     https://arxiv.org/abs/1711.04623 and /pdf/1711.04623v3 as the arXiv
//     id, https://doi.org/10.48550/arXiv.1711.04623 as the DOI, and the
//     resolver's own pages and bundle URLs (https://pith.science/pith/ID,
//     …/pith/ID/bundle.json) as ID. Any other http:// or https:// URL is
//     the URL of a bundle, fetched from there.
//   - Text written as a path (starting ./, ../ or /, or ending in .json) is
//     a file, even when the rest reads as an id.
//   - pith:YYYY:BODY, pith:SHORT and pith:BODY; a bare 26-character body;
//     a bare 8, 12 or 16-character short form. The base32 alphabet (A-Z,
//     2-7) is read case-insensitively, so an 8-letter word such as
//     "abcdefgh" is a short pith number. A file of that name in the
//     current directory does not change this: a file cannot answer for an
//     id (write ./abcdefgh to read it).
//   - arXiv ids, with or without a version and an arXiv: prefix.
//   - DOIs (10.NNNN/suffix, with or without doi:), case-insensitive.
//   - Anything else is a file when it exists, contains a path separator
//     or ends in .json (a missing one then fails to open, naming it).
//
// A file whose name (less .json) is a full pith number, a 26-character
// body or an arXiv id must be that bundle: Ref.Request asks for it, so
// requested_id applies. Every error wraps ErrBadRef and lists the
// accepted forms.
func ParseRef(s string) (Ref, error) {
	return parseRef(s, func(path string) bool {
		_, err := os.Stat(path)
		return err == nil
	})
}

// parseRef is ParseRef with the file system question passed in.
func parseRef(s string, exists func(string) bool) (Ref, error) {
	switch s {
	case "":
		return Ref{Kind: Embedded}, nil
	case "-":
		return Ref{Kind: Stdin, Text: s}, nil
	}
	t := strings.TrimSpace(s)
	if hasHTTPScheme(t) {
		return parseURL(s, t)
	}
	if writtenAsPath(t) {
		return fileRef(s), nil
	}
	if t == "" {
		return Ref{}, badRef(s, "it is blank")
	}
	r, ok, err := parseID(t)
	if ok {
		r.Text = s
		return r, err
	}
	if exists(s) || strings.ContainsRune(t, '/') || strings.ContainsRune(t, os.PathSeparator) {
		return fileRef(s), nil
	}
	return Ref{}, badRef(s, "")
}

// ParseLink reads a string found inside a bundle as a reference to a
// bundle, for the explorer to follow: a pith number in any form, an arXiv
// id, a DOI, or a URL that names one of those (a paper's page, a resolver
// or mirror bundle URL). It never reads a string as a file or standard
// input, and never looks at the file system. It is stricter than ParseRef
// where bundle data needs it: a bare body or short form only in upper
// case, as pith numbers are written (so "computed" or "abstract", eight
// letters of base32, are words, not numbers); and a URL is read as the id
// it names, so a link leads to the user's own resolver, never to an
// address the bundle chose.
func ParseLink(s string) (Ref, bool) {
	r, err := parseRef(s, func(string) bool { return false })
	switch {
	case err != nil || !r.Networked():
		return Ref{}, false
	case r.Kind == URL:
		named, ok, err := parseID(r.ID())
		if !ok || err != nil {
			return Ref{}, false
		}
		named.Year = cmp.Or(named.Year, r.Year)
		if named.Kind == PithBody && named.Year != "" {
			named.Kind = PithNumber
		}
		named.Text = named.String()
		return named, true
	case (r.Kind == PithBody || r.Kind == PithShort) && bareLowerCase(strings.TrimSpace(s)):
		return Ref{}, false
	}
	return r, true
}

// bareLowerCase reports a pith body or short form written without pith:
// and not all in upper case.
func bareLowerCase(s string) bool {
	_, prefixed := cutPrefixFold(s, "pith:")
	return !prefixed && !hasHTTPScheme(s) && s != strings.ToUpper(s)
}

// writtenAsPath reports text that can only mean a file: relative to the
// current or parent directory, absolute, or named .json.
func writtenAsPath(s string) bool {
	sep := string(os.PathSeparator)
	for _, prefix := range []string{"./", "../", "/", "." + sep, ".." + sep, sep} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return strings.HasSuffix(strings.ToLower(s), ".json")
}

// fileRef is a file reference. When the file's name is an unmistakable id
// (a full pith number, a 26-character body, an arXiv id; not a short form,
// which an ordinary 8-letter word can be), the file must be that bundle.
func fileRef(path string) Ref {
	r := Ref{Kind: File, Text: path, Path: path}
	name := filepath.Base(path)
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		name = name[:len(name)-len(".json")]
	}
	if named, ok, err := parseID(name); ok && err == nil && named.Kind != PithShort {
		r.Year, r.Pith, r.Alias = named.Year, named.Pith, named.Alias
	}
	return r
}

// parseID reads the identifier forms (pith numbers, arXiv ids, DOIs). ok
// reports whether s has the shape of one; err is then set when it has the
// shape but not the content (a pith: body of the wrong length).
func parseID(s string) (r Ref, ok bool, err error) {
	if rest, found := cutPrefixFold(s, "pith:"); found {
		r, err := parsePith(s, rest)
		return r, true, err
	}
	upper := strings.ToUpper(s)
	if base32Chars.MatchString(upper) {
		switch {
		case len(upper) == model.PithBodyLen:
			return Ref{Kind: PithBody, Pith: upper}, true, nil
		case isShortLen(len(upper)):
			return Ref{Kind: PithShort, Pith: upper}, true, nil
		}
	}
	id := s
	if rest, found := cutPrefixFold(s, "arxiv:"); found {
		id = rest
	}
	if lower := strings.ToLower(id); arxivNew.MatchString(lower) || arxivOld.MatchString(lower) {
		return Ref{Kind: ArXiv, Alias: lower}, true, nil
	}
	id = s
	if rest, found := cutPrefixFold(s, "doi:"); found {
		id = rest
	}
	if doiShape.MatchString(id) && allGraphic(id) {
		return Ref{Kind: DOI, Alias: strings.ToLower(id)}, true, nil
	}
	return Ref{}, false, nil
}

// parsePith reads what follows "pith:": YYYY:BODY, BODY or SHORT.
func parsePith(s, rest string) (Ref, error) {
	year, body, hasYear := strings.Cut(rest, ":")
	if !hasYear {
		body = rest
	}
	body = strings.ToUpper(body)
	if hasYear && !yearDigits.MatchString(year) {
		return Ref{}, badRef(s, "a pith number's year is four digits")
	}
	if !base32Chars.MatchString(body) {
		return Ref{}, badRef(s, "a pith number is written in base32: the letters A-Z and the digits 2-7")
	}
	switch {
	case len(body) == model.PithBodyLen && hasYear:
		return Ref{Kind: PithNumber, Year: year, Pith: body}, nil
	case len(body) == model.PithBodyLen:
		return Ref{Kind: PithBody, Pith: body}, nil
	case isShortLen(len(body)) && !hasYear:
		return Ref{Kind: PithShort, Pith: body}, nil
	case hasYear:
		return Ref{}, badRef(s, fmt.Sprintf("a full pith number has a 26-character body, this one has %d", len(body)))
	}
	return Ref{}, badRef(s, fmt.Sprintf("a short pith number has 8, 12 or 16 characters, this one has %d", len(body)))
}

// parseURL reads an http(s) URL (typed, and trimmed of spaces): a paper's page names an id (browserRef);
// any other URL is fetched, and when its path is a resolver path
// (/pith/ID/bundle.json or /.well-known/pith/ID/bundle.json) the ID says
// what the bundle must be.
func parseURL(typed, trimmed string) (Ref, error) {
	u, err := url.Parse(trimmed)
	if err != nil || u.Host == "" {
		return Ref{}, badRef(typed, "it is not a valid http(s) URL")
	}
	if named, ok := browserRef(u); ok {
		named.Text = typed
		return named, nil
	}
	r := Ref{Kind: URL, Text: typed, URL: trimmed}
	if id, ok := resolverPathID(u.EscapedPath()); ok {
		if named, ok, err := parseID(id); ok && err == nil {
			r.Year, r.Pith, r.Alias = named.Year, named.Pith, named.Alias
		}
	}
	return r, nil
}

// pageHosts are the sites whose page URLs people paste for a paper, and
// the kind of id the path of each names.
var pageHosts = map[string]Kind{
	"arxiv.org": ArXiv, "export.arxiv.org": ArXiv,
	"doi.org": DOI, "dx.doi.org": DOI,
}

// browserRef reads the URL of a paper's page as the id it names:
// arxiv.org/abs/ID, /pdf/ID[.pdf] and /html/ID; doi.org/DOI; and the
// default resolver's /pith/ID pages and bundle paths. ok is false for any
// other URL.
func browserRef(u *url.URL) (Ref, bool) {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	path, err := url.PathUnescape(u.EscapedPath())
	if err != nil {
		return Ref{}, false
	}
	var id string
	want, isPage := pageHosts[host]
	switch {
	case isPage && want == ArXiv:
		for _, prefix := range []string{"/abs/", "/pdf/", "/html/"} {
			if rest, ok := strings.CutPrefix(path, prefix); ok {
				id = strings.TrimSuffix(strings.TrimSuffix(rest, "/"), ".pdf")
			}
		}
	case isPage && want == DOI:
		id = strings.TrimPrefix(path, "/")
	case host == defaultResolverHost:
		page := strings.TrimSuffix(u.EscapedPath(), "/")
		if rest, ok := strings.CutPrefix(page, "/pith/"); ok && !strings.Contains(rest, "/") {
			id, _ = url.PathUnescape(rest) // a page: /pith/ID
		} else if named, ok := resolverPathID(u.EscapedPath()); ok {
			id = named
		}
		want = -1 // any id
	default:
		return Ref{}, false
	}
	r, ok, err := parseID(id)
	if !ok || err != nil || (want >= 0 && r.Kind != want) {
		return Ref{}, false
	}
	return r, true
}

// defaultResolverHost is DefaultResolver's host name.
var defaultResolverHost = func() string {
	u, _ := url.Parse(DefaultResolver)
	return u.Hostname()
}()

// resolverPathID extracts and unescapes the ID of a resolver path.
func resolverPathID(escapedPath string) (string, bool) {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	var idSegs []string
	switch {
	case len(segs) >= 3 && segs[0] == "pith" && (segs[len(segs)-1] == "bundle.json" || segs[len(segs)-1] == "state.json"):
		idSegs = segs[1 : len(segs)-1]
	case len(segs) >= 4 && segs[0] == ".well-known" && segs[1] == "pith" && segs[len(segs)-1] == "bundle.json":
		idSegs = segs[2 : len(segs)-1]
	default:
		return "", false
	}
	// A DOI's slash may arrive escaped (%2F) or not; both name the same id.
	id, err := url.PathUnescape(strings.Join(idSegs, "/"))
	if err != nil || id == "" {
		return "", false
	}
	return id, true
}

// ID is what the resolver paths use: the pith body or short form, or the
// alias (unescaped; ResolverURLs escapes it). "" for files and the like.
func (r Ref) ID() string {
	if r.Pith != "" {
		return r.Pith
	}
	return r.Alias
}

// Networked reports whether the reference is fetched (or read from the
// cache) rather than read from a file, standard input or the program.
func (r Ref) Networked() bool { return r.Kind >= URL }

// String is the reference in its normal form: pith:YYYY:BODY, BODY,
// pith:SHORT, the lower-case alias, the URL or the path.
func (r Ref) String() string {
	switch r.Kind {
	case Embedded:
		return "the embedded bundle"
	case Stdin:
		return "-"
	case File:
		return r.Path
	case URL:
		return r.URL
	case PithNumber:
		return "pith:" + r.Year + ":" + r.Pith
	case PithShort:
		return "pith:" + r.Pith
	case PithBody:
		return r.Pith
	}
	return r.Alias
}

// Request is what a bundle fetched for this reference must prove it is.
// It is zero for files, standard input, the embedded bundle and URLs that
// name no id.
func (r Ref) Request() verify.Request {
	switch {
	case r.Pith != "":
		return verify.Request{Text: r.requestText(), PithYear: r.Year, PithPrefix: r.Pith}
	case r.Alias != "":
		return verify.Request{Text: r.requestText(), Alias: r.Alias}
	}
	return verify.Request{}
}

// requestText is what messages about the request quote: what was typed,
// or the normal form for a Ref built in code.
func (r Ref) requestText() string {
	if r.Text != "" {
		return r.Text
	}
	return r.String()
}

func badRef(s, why string) error {
	if why != "" {
		why += "; "
	}
	return fmt.Errorf("%w: %s: %sgive %s", ErrBadRef, model.Quote(s), why, AcceptedForms)
}

func isShortLen(n int) bool {
	for _, l := range model.ShortLens {
		if n == l {
			return true
		}
	}
	return false
}

func hasHTTPScheme(s string) bool {
	_, ok := cutPrefixFold(s, "http://")
	if !ok {
		_, ok = cutPrefixFold(s, "https://")
	}
	return ok
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// allGraphic rejects DOIs with spaces or control characters, which no
// registered DOI has and which would make a confusing path.
func allGraphic(s string) bool {
	for _, r := range s {
		if !unicode.IsGraphic(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}
