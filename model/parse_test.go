package model_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// parseErr parses src and returns the *ParseError it must fail with.
func parseErr(t *testing.T, src string) *model.ParseError {
	t.Helper()
	b, err := model.Parse([]byte(src))
	if err == nil {
		t.Fatalf("Parse(%.80q) succeeded: %+v", src, b)
	}
	var pe *model.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("Parse(%.80q) error %T %v, want *model.ParseError", src, err, err)
	}
	if pe.Offset < -1 || pe.Offset > len(src) {
		t.Errorf("offset %d outside the input of %d bytes", pe.Offset, len(src))
	}
	if !strings.Contains(err.Error(), pe.Path) || !strings.Contains(err.Error(), pe.Msg) {
		t.Errorf("error text %q does not name path %q and problem %q", err, pe.Path, pe.Msg)
	}
	return pe
}

// TestParseRefusesAmbiguousInput covers the input two JSON parsers could
// read differently, and malformed JSON, with the path and byte offset of
// the problem.
func TestParseRefusesAmbiguousInput(t *testing.T) {
	many := func(n int, dupAt int, dupKey string) string {
		var b strings.Builder
		b.WriteString(`{"x":{`)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			if i == dupAt {
				b.WriteString(dupKey + `:0`)
			} else {
				b.WriteString(`"k` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":0`)
			}
		}
		b.WriteString("}}")
		return b.String()
	}
	cases := []struct {
		name, src, path, msg string
		at                   string // the input at the error's offset starts with this
	}{
		{"duplicate top-level key", `{"a":1,"a":2}`, `$.a`, `duplicate key "a"`, `"a":2`},
		{"duplicate nested key", `{"events":[{"signer":{"key_id":"x","key_id":"y"}}]}`, `$.events[0].signer.key_id`, `duplicate key "key_id"`, `"key_id":"y"`},
		{"duplicate spelled with an escape", `{"a":1,"\u0061":2}`, `$.a`, `duplicate key "a"`, `"\u0061"`},
		{"duplicate spelled with \\/", `{"a/b":1,"a\/b":2}`, `$["a/b"]`, `duplicate key "a/b"`, `"a\/b"`},
		{"duplicate non-ASCII key", `{"é":1,"\u00e9":2}`, `$["é"]`, `duplicate key "é"`, `"\u00e9"`},
		{"duplicate surrogate pair key", `{"😀":1,"\ud83d\ude00":2}`, `$["😀"]`, `duplicate key "😀"`, `"\ud83d`},
		{"duplicate in a large object", many(40, 30, `"kab"`), `$.x.kab`, `duplicate key "kab"`, `"kab":0`},
		{"escaped duplicate in a large object", many(40, 35, `"\u006bab"`), `$.x.kab`, `duplicate key "kab"`, `"\u006bab"`},
		{"duplicate as the 17th member", many(17, 16, `"kaa"`), `$.x.kaa`, `duplicate key "kaa"`, `"kaa":0`},
		{"invalid UTF-8 in a value", "{\"a\":[\"ok\",\"\xff\"]}", `$.a[1]`, `invalid UTF-8`, "\xff"},
		{"truncated UTF-8 sequence", "{\"a\":\"\xe2\x82\"}", `$.a`, `invalid UTF-8`, "\xe2"},
		{"overlong UTF-8", "{\"a\":\"\xc0\xaf\"}", `$.a`, `invalid UTF-8`, "\xc0"},
		{"UTF-8 encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", `$.a`, `invalid UTF-8`, "\xed"},
		{"invalid UTF-8 in a key", "{\"a\":1,\"b\xff\":2}", `$`, `invalid UTF-8`, "\xff"},
		{"lone high surrogate", `{"a":"x\ud800"}`, `$.a`, `lone UTF-16 surrogate`, `\ud800`},
		{"lone low surrogate", `{"a":"\udc00"}`, `$.a`, `lone UTF-16 surrogate`, `\udc00`},
		{"high surrogate then not a low one", `{"a":"\ud800\u0041"}`, `$.a`, `lone UTF-16 surrogate`, `\ud800`},
		{"two high surrogates", `{"a":"\ud800\ud800"}`, `$.a`, `lone UTF-16 surrogate`, `\ud800`},
		{"lone surrogate in a key", `{"\udfff":1}`, `$`, `lone UTF-16 surrogate`, `\udfff`},
		{"trailing object", `{"a":1} {"a":2}`, `$`, `unexpected data after the JSON value`, `{"a":2}`},
		{"trailing comma after value", `{"a":1},`, `$`, `unexpected data after the JSON value`, `,`},
		{"trailing garbage", "{}\n\nx", `$`, `unexpected data after the JSON value`, `x`},
		{"empty input", "", `$`, `empty input`, ``},
		{"only whitespace", " \n\t", `$`, `empty input`, ``},
		{"control character in a string", "{\"a\":\"x\ny\"}", `$.a`, `control character`, "\n"},
		{"invalid escape", `{"a":"\x41"}`, `$.a`, `invalid escape`, `\x`},
		{"short \\u escape", `{"a":"\u12"}`, `$.a`, `invalid \u escape`, `\u12`},
		{"unterminated string", `{"a":"abc`, `$.a`, `unterminated string`, ``},
		{"unterminated object", `{"a":1`, `$.a`, `unterminated object`, ``},
		{"trailing comma in object", `{"a":1,}`, `$`, `expected a string key`, `}`},
		{"unquoted key", `{a:1}`, `$`, `expected a string key`, `a:1`},
		{"missing colon", `{"a" 1}`, `$.a`, `expected ':'`, `1}`},
		{"trailing comma in array", `{"a":[1,]}`, `$.a[1]`, `unexpected character ']'`, `]}`},
		{"leading zero", `{"a":01}`, `$.a`, `expected ',' or '}'`, `1}`},
		{"no fraction digits", `{"a":1.}`, `$.a`, `no digits after the decimal point`, `}`},
		{"no exponent digits", `{"a":1e+}`, `$.a`, `no digits in the exponent`, `}`},
		{"bare minus", `{"a":-}`, `$.a`, `invalid number`, `}`},
		{"bad literal", `{"a":tru}`, `$.a`, `invalid literal`, `tru}`},
		{"NaN", `{"a":NaN}`, `$.a`, `unexpected character 'N'`, `NaN`},
		{"single quotes", `{'a':1}`, `$`, `expected a string key`, `'a'`},
		{"byte order mark", "\ufeff{}", `$`, `unexpected character`, "\ufeff"},
		{"comment", `{"a":1 /* c */}`, `$.a`, `expected ',' or '}'`, `/*`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pe := parseErr(t, tc.src)
			if pe.Path != tc.path {
				t.Errorf("path %q, want %q (%v)", pe.Path, tc.path, pe)
			}
			if !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("message %q, want it to contain %q", pe.Msg, tc.msg)
			}
			if !strings.HasPrefix(tc.src[pe.Offset:], tc.at) {
				t.Errorf("offset %d points at %.20q, want %.20q", pe.Offset, tc.src[pe.Offset:], tc.at)
			}
		})
	}
}

func TestParseRefusesNonObjectTopLevel(t *testing.T) {
	for src, kind := range map[string]string{`[]`: "array", `[{"a":1}]`: "array", `"bundle"`: "string", `42`: "number", `null`: "null", `true`: "boolean"} {
		pe := parseErr(t, src)
		if pe.Path != "$" || !strings.Contains(pe.Msg, "must be a JSON object, found "+kind) {
			t.Errorf("Parse(%s): %v, want a JSON object error naming %s", src, pe, kind)
		}
	}
}

func TestParseRefusesDeepNesting(t *testing.T) {
	depth := func(n int) string {
		return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`
	}
	// The root object is level 0, "a" level 1: values may sit at most
	// MaxDepth levels below the root.
	if _, err := model.ParseDoc([]byte(depth(model.MaxDepth))); err != nil {
		t.Fatalf("%d levels refused: %v", model.MaxDepth, err)
	}
	pe := parseErr(t, depth(model.MaxDepth+1))
	if !strings.Contains(pe.Msg, "nesting deeper than 128 levels") {
		t.Errorf("message %q", pe.Msg)
	}
	if want := "$.a" + strings.Repeat("[0]", model.MaxDepth); pe.Path != want {
		t.Errorf("path %q, want %q", pe.Path, want)
	}
	// Far deeper input fails the same way, without exhausting the stack.
	if pe := parseErr(t, strings.Repeat(`{"a":`, 100000)); !strings.Contains(pe.Msg, "nesting deeper") {
		t.Errorf("100000 levels: %v", pe)
	}
}

// Fields of the wrong JSON type are refused with their path; a reader
// that coerced them would check something other than what was received.
func TestParseRefusesWrongFieldTypes(t *testing.T) {
	cases := []struct{ src, path, msg string }{
		{`{"pith_number":1}`, `$.pith_number`, "expected string, found number"},
		{`{"canonical_record":[]}`, `$.canonical_record`, "expected object, found array"},
		{`{"canonical_record":{"metadata":{"submitted_at":2017}}}`, `$.canonical_record.metadata.submitted_at`, "expected string, found number"},
		{`{"source":{"version":"3"}}`, `$.source.version`, "expected integer, found string"},
		{`{"source":{"version":3.5}}`, `$.source.version`, "expected an integer, found the number 3.5"},
		{`{"source_aliases":{}}`, `$.source_aliases`, "expected array, found object"},
		{`{"source_aliases":[1]}`, `$.source_aliases[0]`, "expected object, found number"},
		{`{"source_aliases":[{"alias_value":null},{"alias_kind":[]}]}`, `$.source_aliases[1].alias_kind`, "expected string, found array"},
		{`{"events":{}}`, `$.events`, "expected array, found object"},
		{`{"events":["e"]}`, `$.events[0]`, "expected object, found string"},
		{`{"events":[{},{"signer":"pith"}]}`, `$.events[1].signer`, "expected object, found string"},
		{`{"events":[{"signer":{"key_id":false}}]}`, `$.events[0].signer.key_id`, "expected string, found boolean"},
		{`{"events":[{"supersedes":["sha256:x",1]}]}`, `$.events[0].supersedes[1]`, "expected string, found number"},
		{`{"events":[{"signature":{"signature_b64":{}}}]}`, `$.events[0].signature.signature_b64`, "expected string, found object"},
		{`{"events":[{"prev_event":[]}]}`, `$.events[0].prev_event`, "expected string, found array"},
		{`{"public_keys":[{"key_id":5}]}`, `$.public_keys[0].key_id`, "expected string, found number"},
		{`{"public_keys":[[]]}`, `$.public_keys[0]`, "expected object, found array"},
		{`{"state":{"event_count":"2"}}`, `$.state.event_count`, "expected integer, found string"},
		{`{"state":{"applied_event_ids":"x"}}`, `$.state.applied_event_ids`, "expected array, found string"},
		{`{"state":null}`, `$.state`, "expected object, found null"},
		{`{"state":{"current":[]}}`, `$.state.current`, "expected object, found array"},
		{`{"bundle_signature":{"bundle_sha256":7}}`, `$.bundle_signature.bundle_sha256`, "expected string, found number"},
		{`{"mirror_hints":[{"bundle_url":true}]}`, `$.mirror_hints[0].bundle_url`, "expected string, found boolean"},
	}
	for _, tc := range cases {
		pe := parseErr(t, tc.src)
		if pe.Path != tc.path || pe.Msg != tc.msg {
			t.Errorf("Parse(%s): %q at %q, want %q at %q", tc.src, pe.Msg, pe.Path, tc.msg, tc.path)
		}
	}
}

// Null and missing optional fields read as empty: the checks report them,
// the reader does not refuse them.
func TestParseAcceptsNullsAndMissingFields(t *testing.T) {
	b, err := model.Parse([]byte(`{"pith_number":null,"events":[{"prev_event":null,"supersedes":null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if b.PithNumber != "" || len(b.Events) != 1 || b.Events[0].PrevEvent != "" || b.State.Value.Exists() {
		t.Errorf("unexpected bundle %+v", b)
	}
	if _, err := model.Parse([]byte(`{}`)); err != nil {
		t.Errorf("empty object: %v", err)
	}
}

func TestParseRealBundleTypedFields(t *testing.T) {
	data := verifytest.RealBundle(t)
	b, err := model.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if b.PithNumber != "pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T" || b.ShortPithNumber != "pith:M5BNRHPU" ||
		b.CanonicalSHA256 != "6742d89df4b181f61de51a850536adf4fdf7a8a9c65a8fd6111076b17f2d4ebe" ||
		b.SubmittedAt != "2017-11-13T15:11:56Z" || b.Source != (model.Source{Kind: "arxiv", ID: "1711.04623", Version: 3}) ||
		b.MergeVersion != model.MergeVersion || b.BundleType != "pith_open_graph_bundle" || b.BundleVersion != "1.0" {
		t.Errorf("top-level fields: %+v", b)
	}
	if len(b.SourceAliases) != 6 || b.SourceAliases[5] != (model.Alias{Kind: "pith_short_8", Value: "M5BNRHPU", CreatedAt: "2026-05-18T12:31:28Z"}) {
		t.Errorf("aliases %+v", b.SourceAliases)
	}
	if len(b.Events) != 2 {
		t.Fatalf("%d events", len(b.Events))
	}
	e0, e1 := b.Events[0], b.Events[1]
	if e0.EventType != model.RecordCreated || e0.Target != "record" || e0.PrevEvent != "" || len(e0.Supersedes) != 0 ||
		e0.Signer.KeyID != "pith-v1-2026-05" || e0.Signer.Fingerprint != "8d4b5ee74e4693bcd1df2446408b0d54" ||
		e0.Signer.SignerID != "pith.science" || e0.Signer.SignerType != "pith_registry" ||
		e0.EventID != "sha256:"+e0.ContentSHA256 || e0.Signature.SignedMessage != "open_graph_event_sha256_bytes" || e0.Index != 0 {
		t.Errorf("event 0: %+v", e0)
	}
	if e1.EventType != "graph_snapshot" || e1.Target != "graph" || e1.Index != 1 ||
		e1.Payload.Get("graph_snapshot").Get("paper").Get("title").Str() != "Three Factors Influencing Minima in SGD" {
		t.Errorf("event 1: %+v", e1)
	}
	rc, ok := e0.Receipt()
	if !ok || rc.Digest != b.CanonicalSHA256 || rc.SignedMessage != "canonical_sha256_bytes" || rc.KeyID != "pith-v1-2026-05" {
		t.Errorf("receipt %+v, %v", rc, ok)
	}
	if _, ok := e1.Receipt(); ok {
		t.Error("a graph_snapshot has no receipt")
	}
	if len(b.PublicKeys) != 1 || b.PublicKeys[0].PublicKeyHex != "b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3" ||
		b.PublicKeys[0].FingerprintB32 != "RVFV5Z2OI2J3ZUO7ERDEBCYNKS" {
		t.Errorf("keys %+v", b.PublicKeys)
	}
	s := b.State
	if s.EventCount != 2 || s.ValidEventCount != 2 || s.InvalidEventCount != 0 || s.EquivocationCount != 0 ||
		len(s.AppliedEventIDs) != 2 || s.AppliedEventIDs[0] != e0.EventID || s.AppliedEventIDs[1] != e1.EventID ||
		s.StateSHA256 != "c504f5b774ac76d0bdabf608a3df03d6efd53674c19d512c5890df4c0407807e" {
		t.Errorf("state %+v", s)
	}
	if b.BundleSignature.Digest != "62ec571faca77c6ee00b9769549cdd2b4a578231f802c62140da7e3cc5aec66b" ||
		b.BundleSignature.SignedMessage != "bundle_sha256_bytes" {
		t.Errorf("bundle signature %+v", b.BundleSignature)
	}
	// Every object keeps its exact received bytes.
	if got := string(b.Root.Raw()); got != strings.TrimRight(string(data), "\n") {
		t.Error("root Raw is not the received bytes")
	}
	if ev, ok := b.EventByID(e1.EventID); !ok || ev.Index != 1 {
		t.Errorf("EventByID: %v %v", ev, ok)
	}
}

// Value keeps received bytes and decodes strings exactly as encoding/json.
func TestValueAccessors(t *testing.T) {
	src := `{ "b" : [ 1 , 2.50 , -0 ] ,"a\/b":"x\/y","e":"\ud83d\ude00 \u00e9\n\t\"\\","n":null,"t":true,"f":false,
		"big":12345678901234567890,"o":{"k\u0065y":"v"}}`
	doc, err := model.ParseDoc([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	if got := string(root.Get("b").Raw()); got != "[ 1 , 2.50 , -0 ]" {
		t.Errorf("Raw %q", got)
	}
	if root.Get("b").Len() != 3 || string(root.Get("b").Elems()[1].Raw()) != "2.50" {
		t.Error("array elements")
	}
	var members []string
	for _, m := range root.Members() {
		members = append(members, m.Key)
	}
	if strings.Join(members, ",") != "b,a/b,e,n,t,f,big,o" {
		t.Errorf("members in received order: %v", members)
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(src), &want); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a/b", "e"} {
		if got := root.Get(k).Str(); got != want[k] {
			t.Errorf("Str(%s) = %q, encoding/json says %q", k, got, want[k])
		}
	}
	if root.Get("o").Get("key").Str() != "v" {
		t.Error("Get by an escaped key")
	}
	if !root.Get("n").IsNull() || !root.Get("t").Bool() || root.Get("f").Bool() || root.Get("t").Kind() != model.KindBool {
		t.Error("literals")
	}
	if n, ok := root.Get("b").Elems()[0].Int(); !ok || n != 1 {
		t.Error("Int")
	}
	if _, ok := root.Get("big").Int(); ok {
		t.Error("an integer beyond int64 read as int64")
	}
	if _, ok := root.Get("b").Elems()[1].Int(); ok {
		t.Error("2.50 read as an integer")
	}
	missing := root.Get("nope")
	if missing.Exists() || missing.Kind() != model.KindInvalid || missing.Raw() != nil || missing.Get("x").Exists() || missing.Str() != "" {
		t.Error("a missing value is not empty")
	}
	if root.Get("b").Get("x").Exists() || root.Get("e").Elems() != nil || root.Get("e").Members() != nil {
		t.Error("accessors of the wrong kind return values")
	}
}

// Keys and strings with every escape form decode to what encoding/json
// decodes, so that a key spelled two ways is seen as one.
func TestStringDecodingAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`"plain"`, `"\/"`, `"a\/b\\c\"d"`, `"\b\f\n\r\t"`, `"\u0000\u001f\u007f"`, `"\u00e9\u4e2d\ud83d\ude00"`,
		`"\uD83D\uDE00"`, `"é中😀"`, `"\u2028\u2029"`, `"tab\tand\/slash\ud800\udc00"`, `"\uffff\ufffe"`,
	} {
		doc, err := model.ParseDoc([]byte(`{` + s + `:` + s + `}`))
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		m := doc.Root().Members()
		if len(m) != 1 || m[0].Key != want || m[0].Value.Str() != want || !doc.Root().Get(want).Exists() {
			t.Errorf("%s: key %q value %q, encoding/json says %q", s, m[0].Key, m[0].Value.Str(), want)
		}
	}
}

func TestPathKey(t *testing.T) {
	for key, want := range map[string]string{
		"events": ".events", "_x1": "._x1", "1a": `["1a"]`, "": `[""]`, "a b": `["a b"]`, "a.b": `["a.b"]`, "é": `["é"]`,
		"\x1b]52": `["\x1b]52"]`,
	} {
		if got := model.PathKey(key); got != want {
			t.Errorf("PathKey(%q) = %s, want %s", key, got, want)
		}
	}
}

// Deep values are indexed on first read; reading one document from many
// goroutines at once must give every reader the same values (run with
// -race).
func TestConcurrentReadersSeeTheSameDocument(t *testing.T) {
	data := verifytest.RealBundle(t)
	doc, err := model.ParseDoc(data)
	if err != nil {
		t.Fatal(err)
	}
	var flatten func(v model.Value, path string, out *[]string)
	flatten = func(v model.Value, path string, out *[]string) {
		*out = append(*out, path+"="+string(v.Raw()))
		for _, m := range v.Members() {
			flatten(m.Value, path+model.PathKey(m.Key), out)
		}
		for i, e := range v.Elems() {
			flatten(e, path+"["+strconv.Itoa(i)+"]", out)
		}
	}
	results := make([][]string, 8)
	var wg sync.WaitGroup
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			flatten(doc.Root(), "$", &results[g])
		}()
	}
	wg.Wait()
	for g := 1; g < len(results); g++ {
		if strings.Join(results[g], "\n") != strings.Join(results[0], "\n") {
			t.Fatalf("reader %d saw another document", g)
		}
	}
	if len(results[0]) < 300 {
		t.Errorf("only %d values read", len(results[0]))
	}
	// The deepest values read back as what encoding/json decodes.
	title := doc.Root().Get("events").Elems()[1].Get("payload").Get("graph_snapshot").Get("paper").Get("title")
	if title.Str() != "Three Factors Influencing Minima in SGD" {
		t.Errorf("deep title %q", title.Str())
	}
}

func TestValueErrorsHaveNoByteOffsetAndSyntaxErrorsDo(t *testing.T) {
	if pe := parseErr(t, `{"state":{"event_count":2.5}}`); pe.Offset != -1 || pe.Error() != "expected an integer, found the number 2.5 at $.state.event_count" {
		t.Errorf("value error = %q (offset %d)", pe.Error(), pe.Offset)
	}
	if pe := parseErr(t, `{"state":{"event_count":2.}}`); pe.Offset != 26 || !strings.HasSuffix(pe.Error(), "(byte 26)") {
		t.Errorf("syntax error = %q (offset %d)", pe.Error(), pe.Offset)
	}
	b, err := model.Parse([]byte(`{"state":{"event_count":2.0,"valid_event_count":3e0}}`))
	if err != nil || b.State.EventCount != 2 || b.State.ValidEventCount != 3 {
		t.Errorf("integral numbers spelled 2.0 and 3e0: %v %+v", err, b)
	}
}
