package ui

import (
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// The check rendering every pane shares: badges in table cells, a check's
// rule beside its expected and found values, a failed check's note.
// ruleText is a comparison check's detail without the values (which the
// expected and found lines beside it show): "sha256(JCS(canonical_record))
// matches" rather than the digest a third time.
func ruleText(c verify.Check) string {
	if c.Expected == "" {
		return model.Printable(c.Detail)
	}
	if rule, ok := strings.CutSuffix(c.Detail, " is "+c.Expected); ok && c.Status == verify.OK {
		return model.Printable(rule + " matches")
	}
	if rule, _, ok := strings.Cut(c.Detail, ": expected "+c.Expected); ok && c.Status == verify.Fail {
		return model.Printable(rule + " does not match")
	}
	return model.Printable(c.Detail)
}

// checkField is a check's badge and what it means: okText when it passed
// (the check's own detail repeats values shown beside it), the check's
// explanation otherwise.
func checkField(d *doc, st *Styles, label string, c verify.Check, s state, okText string) {
	text := okText
	switch {
	case s == statePending:
		text = "being checked"
	case s == stateNone:
		text = "not checked"
	case s != stateOK || okText == "":
		text = ruleText(c)
	}
	d.badgeField(label, st.badge(s), text)
}

// markCell is a one-symbol badge for a narrow column.
func markCell(st *Styles, s state) cell {
	p, symbol, _ := st.stateLook(s)
	return cell{text: symbol, paint: p}
}

// badgeCell is a word badge for a table column.
func badgeCell(st *Styles, s state) cell {
	p, symbol, word := st.stateLook(s)
	if word != "" {
		symbol += " " + word
	}
	return cell{text: symbol, paint: p}
}

// checkNote adds a failed check's explanation after a value.
func checkNote(c verify.Check) string {
	if c.Status == verify.Fail || c.Status == verify.Unknown {
		return " — " + model.Printable(c.Detail)
	}
	return ""
}
