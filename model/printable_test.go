package model

import "testing"

func TestPrintableEscapesWhatATerminalWouldExecuteOrHide(t *testing.T) {
	cases := map[string]string{
		"plain title":                    "plain title",
		"Stanis{\\l}aw Jastrz\\k{e}bski": "Stanis{\\l}aw Jastrz\\k{e}bski",
		"Gödel, Escher, 巴赫":              "Gödel, Escher, 巴赫",
		"red \x1b[31mtext\x1b[0m":        `red \x1b[31mtext\x1b[0m`,
		"clip \x1b]52;c;aGVsbG8=\x07":    `clip \x1b]52;c;aGVsbG8=\x07`,
		"c1 csi \u009b31m":               `c1 csi \x9b31m`,
		"bidi \u202egnp.exe":             `bidi \u202egnp.exe`,
		"isolate \u2066x\u2069":          `isolate \u2066x\u2069`,
		"zero\u200bwidth\u200d\ufeff":    `zero\u200bwidth\u200d\ufeff`,
		"line\nbreak\ttab\rcr":           `line\nbreak\ttab\rcr`,
		"del \x7f nul \x00":              `del \x7f nul \x00`,
		"bad utf8 \xff\xfe":              `bad utf8 \xff\xfe`,
		"line sep \u2028 para \u2029":    `line sep \u2028 para \u2029`,
		"tag \U000E0041 chars":           `tag \ue0041 chars`,
		"combining e\u0301 stays":        "combining e\u0301 stays",
	}
	for in, want := range cases {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
