package ui

import (
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const paneAliases paneID = "aliases"

// aliasesPane lists source_aliases; the pith_short_* ones carry a badge
// saying whether they agree with the number derived from the record.
type aliasesPane struct{ *listDetail }

func newAliasesPane(e *env) pane {
	p := &aliasesPane{}
	p.listDetail = newListDetail(e, paneAliases, "alias", p)
	return p
}

func (p *aliasesPane) rowCount() int {
	if p.env.sess == nil {
		return 0
	}
	return len(p.env.sess.bundle.SourceAliases)
}

func (p *aliasesPane) columns() []column {
	return []column{
		{title: "kind", min: 13, max: 16},
		{title: "value", min: 16, max: 40},
		{title: "created_at", min: 20, drop: 2},
		{title: "check", min: 10, drop: 1},
	}
}

func (p *aliasesPane) aliasState(a model.Alias) state {
	if !strings.HasPrefix(a.Kind, "pith_short_") {
		return stateNone
	}
	return p.env.sess.checks.subjectState("alias:"+a.Kind, verify.CheckAliases)
}

func (p *aliasesPane) cells(i int) []cell {
	a := p.env.sess.bundle.SourceAliases[i]
	st := p.env.styles
	return []cell{
		{text: model.Printable(a.Kind)},
		{text: model.Printable(a.Value), paint: st.Bold},
		{text: model.Printable(a.CreatedAt)},
		badgeCell(st, p.aliasState(a)),
	}
}

func (p *aliasesPane) marker(int) string { return "" }

func (p *aliasesPane) failing(i int) bool {
	return failed(p.aliasState(p.env.sess.bundle.SourceAliases[i]))
}

func (p *aliasesPane) match(i int, q string) bool {
	a := p.env.sess.bundle.SourceAliases[i]
	return matchAny(q, a.Kind, a.Value, a.CreatedAt)
}

func (p *aliasesPane) rowName(i int) string {
	return model.Printable(p.env.sess.bundle.SourceAliases[i].Kind) + " alias"
}

func (p *aliasesPane) jsonPath(i int) string { return "$.source_aliases[" + strconv.Itoa(i) + "]" }

func (p *aliasesPane) copyRow(i int) (string, string) {
	a := p.env.sess.bundle.SourceAliases[i]
	return a.Kind + " alias", a.Value
}

func (p *aliasesPane) detail(i int, d *doc) {
	s := p.env.sess
	st := p.env.styles
	a := s.bundle.SourceAliases[i]
	d.title = model.Printable(a.Kind) + " · " + model.Printable(a.Value)
	d.field("kind", model.Printable(a.Kind), a.Kind)
	d.field("value", model.Printable(a.Value), a.Value)
	d.field("created_at", orDash(model.Printable(a.CreatedAt)), a.CreatedAt)
	if c, ok := s.checkFor(verify.CheckAliases, "alias:"+a.Kind); ok {
		d.heading("Check")
		d.badgeField("aliases", st.badge(stateOf(c.Status)), ruleText(c))
		d.field("expected", orDash(model.Printable(c.Expected)), c.Expected)
		d.field("found", orDash(model.Printable(c.Found)), c.Found)
	} else if strings.HasPrefix(a.Kind, "pith_short_") {
		d.heading("Check")
		d.badgeField("aliases", st.badge(p.aliasState(a)), "compared with the pith number derived from the record")
	} else {
		d.heading("Meaning")
		d.text("An alias the server lists for this record. A bundle fetched for this alias must list it (the requested_id check); nothing in the bundle proves the alias itself.")
	}
	if c, ok := s.checkFor(verify.CheckRequestedID, verify.SubjectBundle); ok && strings.EqualFold(c.Found, a.Value) {
		d.badgeField("requested", st.badge(stateOf(c.Status)), model.Printable(c.Detail))
	}
}
