package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// NeedsEscape is the one classification of characters that must never
// reach a terminal as themselves: C0 and C1 controls (so ESC, CSI, OSC and
// line breaks), DEL, format characters (bidi overrides and isolates,
// zero-width characters, BOM, tag characters), line and paragraph
// separators, fillers that render as nothing, and anything else Unicode
// calls unprintable (other spaces than U+0020 included). Printable,
// EscapeJSONForTerminal and ClipboardText all decide with it.
func NeedsEscape(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return true
	case r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0:
		return true
	case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
		return true
	}
	return r != ' ' && !unicode.IsPrint(r)
}

// Printable makes a string from a bundle safe and unambiguous to draw on a
// terminal. Every character NeedsEscape names is shown as a visible escape
// instead of being sent to the terminal, which would execute or hide it:
// \n, \t, \r; \xHH for the other C0 controls, DEL and each byte that is not
// valid UTF-8; \uXXXX for the rest (a UTF-16 surrogate pair above U+FFFF,
// as JSON writes it). A backslash that is in the string itself is doubled
// only where it would otherwise read as the start of such an escape (before
// \, x, u, n, t, r, or a character that is escaped), so that the six
// characters \u202e typed in a bundle read \\u202e, unlike an escaped
// U+202E, while LaTeX-ish names such as Stanis{\l}aw stay as they are.
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
		case r == '\\':
			b.WriteByte('\\')
			if backslashWouldEscape(s[i+size:]) {
				b.WriteByte('\\')
			}
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && NeedsEscape(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case NeedsEscape(r):
			writeUTF16Escape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// backslashWouldEscape reports whether a backslash followed by rest would
// read as the start of one of Printable's escapes.
func backslashWouldEscape(rest string) bool {
	if rest == "" {
		return false
	}
	switch rest[0] {
	case '\\', 'x', 'u', 'n', 't', 'r':
		return true
	}
	r, size := utf8.DecodeRuneInString(rest)
	return r == utf8.RuneError && size <= 1 || NeedsEscape(r)
}

// writeUTF16Escape writes r as \uXXXX, or as a surrogate pair of them.
func writeUTF16Escape(b *strings.Builder, r rune) {
	for _, u := range utf16.Encode([]rune{r}) {
		fmt.Fprintf(b, `\u%04x`, u)
	}
}

// isPlainPrintable is the fast path: printable ASCII with no backslash.
func isPlainPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// EscapeJSONForTerminal rewrites, inside JSON text, every character that
// NeedsEscape names and encoding/json leaves raw (DEL, C1 controls, format
// characters, separators, other unprintable characters) as \uXXXX escapes.
// The JSON means the same; printed on a terminal, a bundle's strings cannot
// drive it. ASCII controls other than DEL are left alone: in JSON text they
// are either already escaped inside strings or structural whitespace.
func EscapeJSONForTerminal(js []byte) []byte {
	clean := true
	for _, c := range js {
		if c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return js
	}
	out := make([]byte, 0, len(js)+16)
	for i := 0; i < len(js); {
		r, size := utf8.DecodeRune(js[i:])
		if r >= 0x7f && NeedsEscape(r) {
			for _, u := range utf16.Encode([]rune{r}) {
				out = fmt.Appendf(out, `\u%04x`, u)
			}
		} else {
			out = append(out, js[i:i+size]...)
		}
		i += size
	}
	return out
}

// ClipboardText is what copying a value may put on the clipboard: the raw
// value when it holds nothing NeedsEscape names (and is valid UTF-8), else
// its Printable form with escaped set, so that the caller says so. A raw
// control character pasted into a shell can act (ESC[201~ ends a bracketed
// paste early), so it is never copied unannounced.
func ClipboardText(s string) (text string, escaped bool) {
	if !utf8.ValidString(s) {
		return Printable(s), true
	}
	for _, r := range s {
		if NeedsEscape(r) {
			return Printable(s), true
		}
	}
	return s, false
}

// Quote puts s in double quotes as it is, for messages that name a value.
// It escapes nothing: escaping is done once, where the message is shown
// (Printable, EscapeJSONForTerminal). Quoting with %q as well would show
// an ESC from a bundle as \\x1b, the way a typed backslash reads.
func Quote(s string) string { return `"` + s + `"` }
