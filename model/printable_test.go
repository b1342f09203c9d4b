package model

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestPrintableEscapesWhatATerminalWouldExecuteOrHide(t *testing.T) {
	cases := map[string]string{
		"plain title":                    "plain title",
		"Stanis{\\l}aw Jastrz\\k{e}bski": "Stanis{\\l}aw Jastrz\\k{e}bski",
		"Gödel, Escher, 巴赫":              "Gödel, Escher, 巴赫",
		"red \x1b[31mtext\x1b[0m":        `red \x1b[31mtext\x1b[0m`,
		"clip \x1b]52;c;aGVsbG8=\x07":    `clip \x1b]52;c;aGVsbG8=\x07`,
		"c1 csi \u009b31m":               `c1 csi \u009b31m`,
		"bidi \u202egnp.exe":             `bidi \u202egnp.exe`,
		"isolate \u2066x\u2069":          `isolate \u2066x\u2069`,
		"zero\u200bwidth\u200d\ufeff":    `zero\u200bwidth\u200d\ufeff`,
		"line\nbreak\ttab\rcr":           `line\nbreak\ttab\rcr`,
		"del \x7f nul \x00":              `del \x7f nul \x00`,
		"bad utf8 \xff\xfe":              `bad utf8 \xff\xfe`,
		"bad byte \x9b, not U+009B":      `bad byte \x9b, not U+009B`,
		"line sep \u2028 para \u2029":    `line sep \u2028 para \u2029`,
		"tag \U000E0041 chars":           `tag \udb40\udc41 chars`,
		"combining e\u0301 stays":        "combining e\u0301 stays",
		"nbsp\u00a0":                     `nbsp\u00a0`,
		// A literal backslash is doubled only where it would read as an
		// escape: the six characters \u202e are not U+202E.
		`typed \u202e`:            `typed \\u202e`,
		`typed \x1b \n \t \r`:     `typed \\x1b \\n \\t \\r`,
		`two \\ and \\k`:          `two \\\ and \\\k`,
		"slash before ESC \\\x1b": `slash before ESC \\\x1b`,
		"slash before bad \\\xff": `slash before bad \\\xff`,
		`trailing \`:              `trailing \`,
		`\alpha \beta \{x\}`:      `\alpha \beta \{x\}`,
	}
	for in, want := range cases {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
		if back := unprintable(t, Printable(in)); back != in {
			t.Errorf("Printable(%q) = %q decodes to %q", in, Printable(in), back)
		}
	}
	// The two readings the issue names now look different.
	if Printable("\u202e") == Printable(`\u202e`) {
		t.Error(`U+202E and the typed text \u202e print the same`)
	}
	if Printable("\u009b") == Printable("\x9b") {
		t.Error("U+009B and the invalid byte 0x9b print the same")
	}
}

// FuzzPrintable: the rendering holds no character NeedsEscape names, and
// it is unambiguous: decoding it gives back exactly the input bytes.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "plain", `\u202e`, "\u202e", `\\\x`, "a\\\x1bb", "\xff\\", "\U000E0041\\u", `Stanis{\l}aw`, "\\\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Printable(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Printable(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if NeedsEscape(r) {
				t.Fatalf("Printable(%q) = %q holds %U", s, out, r)
			}
		}
		if back := unprintable(t, out); back != s {
			t.Fatalf("Printable(%q) = %q decodes to %q", s, out, back)
		}
		text, escaped := ClipboardText(s)
		if escaped != (text != s) || escaped && text != out {
			t.Fatalf("ClipboardText(%q) = %q, %v", s, text, escaped)
		}
	})
}

// unprintable decodes Printable's output: the reading a person makes of it.
// A backslash starts an escape when followed by \, x and two hex digits, u
// and four (a surrogate pair when two follow each other), n, t or r; any
// other backslash is itself.
func unprintable(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			i++
			continue
		}
		switch c := s[i+1]; c {
		case '\\':
			b.WriteByte('\\')
			i += 2
		case 'n', 't', 'r':
			b.WriteByte(map[byte]byte{'n': '\n', 't': '\t', 'r': '\r'}[c])
			i += 2
		case 'x':
			v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if err != nil {
				t.Fatalf("bad \\x escape in %q", s)
			}
			b.WriteByte(byte(v))
			i += 4
		case 'u':
			r := hex16(t, s[i+2:i+6])
			i += 6
			if utf16.IsSurrogate(r) {
				if !strings.HasPrefix(s[i:], `\u`) {
					t.Fatalf("lone surrogate in %q", s)
				}
				r = utf16.DecodeRune(r, hex16(t, s[i+2:i+6]))
				i += 6
			}
			b.WriteRune(r)
		default:
			b.WriteByte('\\')
			i++
		}
	}
	return b.String()
}

func hex16(t *testing.T, h string) rune {
	v, err := strconv.ParseUint(h, 16, 16)
	if err != nil {
		t.Fatalf("bad \\u escape %q", h)
	}
	return rune(v)
}

func TestEscapeJSONForTerminal(t *testing.T) {
	in := map[string]string{"s": "ok é 中 😀 \u009b31m \x7f \u202e \u200b \ufeff \U000E0041 \u2066 \u00a0", "t": "plain"}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out := EscapeJSONForTerminal(raw)
	for _, r := range string(out) {
		if r >= 0x7f && NeedsEscape(r) {
			t.Errorf("%U left raw in %s", r, out)
		}
	}
	for _, kept := range []string{"é", "中", "😀", `\u009b`, `\udb40\udc41`, `\u00a0`} {
		if !strings.Contains(string(out), kept) {
			t.Errorf("%q missing from %s", kept, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["s"] != in["s"] || back["t"] != in["t"] {
		t.Errorf("escaped JSON decodes to %q (%v), want %q", back, err, in)
	}
	plain := []byte(`{"a":"b"}`)
	if got := EscapeJSONForTerminal(plain); string(got) != string(plain) {
		t.Errorf("ASCII JSON changed: %s", got)
	}
}

func TestClipboardText(t *testing.T) {
	for in, want := range map[string]struct {
		text    string
		escaped bool
	}{
		"Three Factors":       {"Three Factors", false},
		`Stanis{\l}aw \u202e`: {`Stanis{\l}aw \u202e`, false}, // the raw value: no control in it
		"paste \x1b[201~ out": {`paste \x1b[201~ out`, true},
		"bidi \u202e":         {`bidi \u202e`, true},
		"bad \xff":            {`bad \xff`, true},
	} {
		text, escaped := ClipboardText(in)
		if text != want.text || escaped != want.escaped {
			t.Errorf("ClipboardText(%q) = %q, %v; want %q, %v", in, text, escaped, want.text, want.escaped)
		}
	}
}
