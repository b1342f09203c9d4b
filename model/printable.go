package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable makes a string from a bundle safe to draw on a terminal: C0 and
// C1 controls (so ESC, CSI and OSC sequences), DEL, bidi overrides and
// isolates, zero-width and other format characters, and invalid UTF-8 are
// shown as visible escapes (\x1b, \u202e) instead of being sent to the
// terminal, which would execute or hide them. Copy and JSON output use the
// raw value; only what is drawn goes through here.
func Printable(s string) string {
	if isPlainPrintable(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) || r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0:
			// format characters (bidi controls, zero-width joiners, BOM,
			// tag characters), line/paragraph separators, and fillers that
			// render as nothing
			fmt.Fprintf(&b, `\u%04x`, r)
		case !unicode.IsPrint(r) && r != ' ' && !unicode.Is(unicode.Mn, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlainPrintable is the fast path: printable ASCII only.
func isPlainPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
