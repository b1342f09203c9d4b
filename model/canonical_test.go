package model_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// canonicalOf writes an object's canonical form the way the verifier
// does, straight from its received bytes.
func canonicalOf(t testing.TB, src []byte) (*model.CanonObject, []byte, error) {
	t.Helper()
	doc, err := model.ParseDoc(src)
	if err != nil {
		t.Fatalf("ParseDoc: %v", err)
	}
	o := model.CanonicalOf(doc.Root())
	out, err := o.Bytes()
	return o, out, err
}

// Keys chosen so that UTF-16 order differs from byte and code point
// order: U+1F600 is D83D DE00 in UTF-16, below U+FFFF, above it in UTF-8.
var trickyKeys = []string{"a", "B", "", "é", "\uffff", "😀", "\u0080", "z", "a\u0000", "\u2028", "/", "\\", "\"", "日本", "\U00010000", "\ue000"}

func TestComposedCanonicalFormEqualsJCS(t *testing.T) {
	small := []string{
		`{}`,
		`{"b":1,"a":2}`,
		`{"a":[1,2.50,-0,1e21,1E-7,0.1,100,1e2,123456789012345678]}`,
		`{"n":null,"t":true,"f":false,"s":"x\/y\u0000\u007f\u2028\ud83d\ude00é"}`,
		`{"\u0061":1,"b\u00e9":{"z":[],"y":{},"\ud83d\ude00":1,"\uffff":2}}`,
		`{ "nested" : { "deep" : [ { "b" : 1 , "a" : [ "x" ] } ] } }`,
		realBundleString(t),
	}
	for _, src := range small {
		_, got, err := canonicalOf(t, []byte(src))
		want, werr := jcs.Transform([]byte(src))
		if err != nil || werr != nil || !bytes.Equal(got, want) {
			t.Errorf("%.60s:\n got  %.200s (%v)\n want %.200s (%v)", src, got, err, want, werr)
		}
	}
}

// Large containers are split into leaves per member or element: the
// composition must still be exactly JCS.
func TestComposedCanonicalFormOfLargeContainers(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	value := func(i int) any {
		switch i % 5 {
		case 0:
			return strings.Repeat("x", rng.Intn(200)) + trickyKeys[i%len(trickyKeys)]
		case 1:
			return json.Number([]string{"1.0", "-0", "1e21", "0.000001", "12345.6789e3", "7"}[rng.Intn(6)])
		case 2:
			return map[string]any{trickyKeys[rng.Intn(len(trickyKeys))]: i, "k": []any{i, "v"}}
		case 3:
			return []any{i, nil, true, "é"}
		}
		return nil
	}
	big := map[string]any{}
	for i := 0; i < 3000; i++ {
		big[fmt.Sprintf("%s%d", trickyKeys[i%len(trickyKeys)], i)] = value(i)
	}
	arr := make([]any, 3000)
	for i := range arr {
		arr[i] = value(i)
	}
	big["array"] = arr
	big["nested"] = map[string]any{"inner": big["array"], "more": map[string]any{"x": arr}}
	src, err := json.Marshal(big)
	if err != nil {
		t.Fatal(err)
	}
	if len(src) < 200<<10 {
		t.Fatalf("input only %d bytes: not large enough to be split", len(src))
	}
	want, err := jcs.Transform(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{1} {
		o, got, err := canonicalOf(t, src)
		if err != nil || !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Fatalf("workers %d: composed form differs from JCS at byte %d (%v):\n got  …%.80s\n want …%.80s", w, i, err, got[min(i, len(got)):], want[min(i, len(want)):])
		}
		// A subset: the object minus some members.
		sum, err := o.SHA256Without("array", "nested")
		m := map[string]any{}
		json.Unmarshal(src, &m)
		delete(m, "array")
		delete(m, "nested")
		if want := jcsHex(t, m); err != nil || sum != want {
			t.Errorf("SHA256Without = %s, %v; want %s", sum, err, want)
		}
	}
}

func TestCanonicalFormOfAValueJCSRefuses(t *testing.T) {
	for _, src := range []string{`{"a":1e400}`, `{"a":[1,{"b":-1e999}]}`} {
		o, _, err := canonicalOf(t, []byte(src))
		if err == nil {
			t.Errorf("%s: composed a canonical form", src)
		}
		if _, err := o.SHA256Without(); err == nil {
			t.Errorf("%s: hashed a canonical form", src)
		}
		if _, err := jcs.Transform([]byte(src)); err == nil {
			t.Errorf("%s: jcs accepts it; the test is wrong", src)
		}
	}
	// Only the member that JCS refuses is lost: the others still hash.
	o, _, _ := canonicalOf(t, []byte(`{"bad":1e400,"good":{"x":1}}`))
	if sum, err := o.SHA256Without("bad"); err != nil || sum != jcsHex(t, map[string]any{"good": map[string]any{"x": 1}}) {
		t.Errorf("SHA256Without(bad) = %s, %v", sum, err)
	}
	if sum, err := o.MemberSHA256("good"); err != nil || sum != jcsHex(t, map[string]any{"x": 1}) {
		t.Errorf("MemberSHA256(good) = %s, %v", sum, err)
	}
}

func TestSHA256Hex(t *testing.T) {
	data := verifytest.RealBundle(t)
	b, err := model.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := model.SHA256Hex(b.CanonicalRecord)
	if err != nil || got != "6742d89df4b181f61de51a850536adf4fdf7a8a9c65a8fd6111076b17f2d4ebe" {
		t.Errorf("SHA256Hex(canonical_record) = %s, %v", got, err)
	}
}

func jcsHex(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	c, err := jcs.Transform(raw)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:])
}

func realBundleString(t testing.TB) string { return string(verifytest.RealBundle(t)) }

func TestPithNumberDerivation(t *testing.T) {
	const digest = "6742d89df4b181f61de51a850536adf4fdf7a8a9c65a8fd6111076b17f2d4ebe"
	body, err := model.PithBody(digest)
	if err != nil || body != "M5BNRHPUWGA7MHPFDKCQKNVN6T" {
		t.Fatalf("PithBody = %q, %v", body, err)
	}
	n, err := model.PithNumber(digest, "2017-11-13T15:11:56Z")
	if err != nil || n != "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T" {
		t.Errorf("PithNumber = %q, %v", n, err)
	}
	if s := model.ShortPithNumber(body); s != "pith:M5BNRHPU" {
		t.Errorf("ShortPithNumber = %q", s)
	}
	if model.BodyOf(n) != body {
		t.Errorf("BodyOf(%s) = %q", n, model.BodyOf(n))
	}
	for _, bad := range []string{"", "pith:M5BNRHPU", "pith:2017:M5BN", "x:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T", "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T:x"} {
		if model.BodyOf(bad) != "" {
			t.Errorf("BodyOf(%q) = %q, want empty", bad, model.BodyOf(bad))
		}
	}
	for _, bad := range []string{"", "xyz", digest[:62], digest + "00", strings.ToUpper(digest[:63]) + "g"} {
		if _, err := model.PithBody(bad); err == nil {
			t.Errorf("PithBody(%q) accepted", bad)
		}
	}
	for _, at := range []string{"", "17", "year-11-13", "２０１７-01-01"} {
		if _, err := model.PithNumber(digest, at); err == nil {
			t.Errorf("PithNumber with submitted_at %q accepted", at)
		}
	}
	// The body encodes the whole digest: encoding only the first 16
	// bytes would change the last character.
	raw, _ := hex.DecodeString(digest)
	if model.Base32Prefix(raw, 26) != body || model.Base32Prefix(raw[:16], 26) == body {
		t.Error("Base32Prefix does not encode the whole value")
	}
}

func TestKeyFingerprintsOfThePithKey(t *testing.T) {
	raw, _ := hex.DecodeString("b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3")
	h, b := model.KeyFingerprints(raw)
	if h != "8d4b5ee74e4693bcd1df2446408b0d54" || b != "RVFV5Z2OI2J3ZUO7ERDEBCYNKS" {
		t.Errorf("fingerprints %s / %s", h, b)
	}
}

func TestDiffJSON(t *testing.T) {
	diff := func(l, r string, max int, skip ...string) []model.Difference {
		t.Helper()
		dl, err := model.ParseDoc([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		dr, err := model.ParseDoc([]byte(r))
		if err != nil {
			t.Fatal(err)
		}
		return model.DiffJSON(dl.Root(), dr.Root(), max, skip...)
	}
	// The same data however it is spelled.
	if d := diff(`{"a":1.0,"b":"\u00e9","c":[1e2,{"y":null,"x":true}]}`, `{"c":[100,{"x":true,"y":null}],"b":"é","a":1}`, 10); len(d) != 0 {
		t.Errorf("equal data differs: %+v", d)
	}
	d := diff(`{"z":1,"a":{"k":[1,2,3]},"s":"x","m":1,"t":true,"skip":1}`, `{"z":2,"a":{"k":[1,5]},"s":"y","n":1,"t":false,"skip":2}`, 10, "$.skip")
	var paths []string
	for _, x := range d {
		paths = append(paths, x.Path+"="+x.Left+"/"+x.Right)
	}
	want := "$.a.k[1]=2/5 $.a.k[2]=3/(missing) $.m=1/(missing) $.n=(missing)/1 $.s=\"x\"/\"y\" $.t=true/false $.z=1/2"
	if strings.Join(paths, " ") != want {
		t.Errorf("differences\n got  %s\n want %s", strings.Join(paths, " "), want)
	}
	if d := diff(`{"a":1,"b":2,"c":3}`, `{"a":0,"b":0,"c":0}`, 2); len(d) != 2 || d[1].Path != "$.b" {
		t.Errorf("max 2: %+v", d)
	}
	if d := diff(`{"a":[1]}`, `{"a":{"0":1}}`, 5); len(d) != 1 || d[0].Path != "$.a" {
		t.Errorf("kind mismatch: %+v", d)
	}
	if d := diff(`{"a b":1}`, `{"a b":2}`, 5); len(d) != 1 || d[0].Path != `$["a b"]` {
		t.Errorf("quoted key path: %+v", d)
	}
	long := strings.Repeat("x", 500)
	if d := diff(`{"a":"`+long+`"}`, `{"a":""}`, 5); len(d) != 1 || len(d[0].Left) > 100 {
		t.Errorf("long values are not cut: %d", len(d[0].Left))
	}
}

func TestCanonStringMatchesJCS(t *testing.T) {
	for _, s := range []string{"", "sha256:0cf2", "a\"b", `back\slash`, "tab\there", "caf\u00e9", "<&>", "del\x7f", "\u2028"} {
		want, err := jcs.Transform([]byte(model.JSONString(s)))
		if err != nil {
			t.Fatal(err)
		}
		if got := model.CanonStringForTest(s); got != string(want) {
			t.Errorf("canonString(%q) = %s, want %s", s, got, want)
		}
	}
}

// A missing value has no canonical form: SHA256Hex says so rather than
// panicking (an evidence file has no record to hash).
func TestSHA256HexOfAMissingValueIsAnError(t *testing.T) {
	if _, err := model.SHA256Hex(model.Value{}); err == nil {
		t.Error("SHA256Hex of a missing value gave no error")
	}
}
