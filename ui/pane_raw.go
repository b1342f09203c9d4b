package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
)

const paneRaw paneID = "raw"

// rawPane is the whole bundle as a foldable JSON tree (the list), with the
// selected value in full beside it. Children are built when a node is
// first unfolded, and only visible rows are drawn.
type rawPane struct {
	*listDetail
	tree *jsonTree
}

func newRawPane(e *env) pane {
	p := &rawPane{}
	p.listDetail = newListDetail(e, paneRaw, "row", p)
	p.counted = false // tree rows come and go as it folds
	return p
}

func (p *rawPane) reset() {
	p.tree = nil
	if p.env.sess != nil {
		p.tree = p.env.bundleTree(p.env.sess.bundle.Root, "$")
	}
	p.searchQuery = ""
	p.listDetail.reset()
}

func (p *rawPane) rowCount() int {
	if p.tree == nil {
		return 0
	}
	return len(p.tree.rows)
}

func (p *rawPane) columns() []column {
	return []column{{title: "bundle", min: 10, max: 4096}}
}

func (p *rawPane) cells(i int) []cell {
	n := p.tree.rows[i]
	p.tree.link(n) // drawn with its mark when it refers to another bundle
	return []cell{{text: n.text()}}
}

// marker is ? on a value no passed check proves (the detail says why).
func (p *rawPane) marker(i int) string {
	if p.tree.notProven(p.tree.rows[i]) {
		return p.env.styles.Unknown.on("?")
	}
	return ""
}

// match is unused: `/` searches the tree (search) instead of filtering.
func (p *rawPane) match(int, string) bool { return false }

func (p *rawPane) search(q string, from int, forward bool) (searchHit, bool) {
	return p.tree.search(q, from, forward)
}

func (p *rawPane) jsonPath(i int) string { return p.tree.pathOf(p.tree.rows[i]) }

// location is the node under the cursor, by its index path: a refetch or
// a return to this bundle rebuilds the tree, whose rows differ.
func (p *rawPane) location() target {
	t := p.listDetail.location()
	if t.row >= 0 && p.tree != nil {
		t.steps = stepsOf(p.tree.rows[t.row])
	}
	return t
}

// describe names the node a place is on by its JSON path (its row moves
// as the tree folds).
func (p *rawPane) describe(t target) string {
	if n := p.tree.nodeAt(t.steps); t.steps != nil && n != nil {
		return model.Printable(p.tree.pathOf(n))
	}
	return p.listDetail.describe(t)
}

func (p *rawPane) show(t target) bool {
	if t.steps != nil && p.tree != nil {
		if t.row = p.tree.expandTo(t.steps); t.row < 0 {
			return false
		}
		p.rowsChanged()
	}
	return p.listDetail.show(t)
}

func (p *rawPane) rowName(i int) string { return model.Printable(p.tree.pathOf(p.tree.rows[i])) }

func (p *rawPane) copyRow(i int) (string, string) {
	n := p.tree.rows[i]
	return n.path(), rawValue(n.value)
}

func (p *rawPane) detail(i int, d *doc) {
	n := p.tree.rows[i]
	d.title = model.Printable(n.path())
	d.field("path", model.Printable(n.path()), n.path())
	d.field("type", n.value.Kind().String(), "")
	switch n.value.Kind() {
	case model.KindObject:
		d.field("members", plural(n.value.Len(), "key"), "")
	case model.KindArray:
		d.field("elements", plural(n.value.Len(), "item"), "")
	}
	d.field("bytes", plural(len(n.value.Raw()), "byte")+" as received", "")
	if c, ok := p.env.sess.coverage(p.tree.pathOf(n)); ok && p.env.sess.report.Bundle() != nil {
		proven := docItem{kind: itemField, label: "proven by", text: proofText(c)}
		if !c.Verified() {
			proven.prefix = p.env.styles.mark(stateUnknown)
		}
		d.items = append(d.items, proven)
	}
	label, text := "json", ""
	switch n.value.Kind() {
	case model.KindString:
		label, text = "value", cutBytes(n.value.Str(), rawDetailBytes)
	default:
		var cut bool
		if text, cut = model.DataJSON(n.value, rawDetailBytes); cut {
			text += "…"
		}
	}
	var open *Link
	if n.value.Kind() == model.KindString {
		open = d.linkOf(n.value.Str())
	}
	d.items = append(d.items, docItem{kind: itemField, label: label, text: model.Printable(text), copyData: n.value, lines: longValueLines, open: open})
	if n.value.Kind() == model.KindNumber {
		receivedAs(d, p.env.styles, n.value)
	}
}

// rawDetailBytes bounds the value the Raw detail renders (y copies it all).
const rawDetailBytes = longValueLines * maxListWidth * 4

// receivedAs marks a number received spelled otherwise than its RFC 8785
// form, the one shown: every digest reads the shown form, so the
// spelling is not evidence of anything.
func receivedAs(d *doc, st *Styles, v model.Value) {
	if _, err := model.CanonicalNumber(v.Raw()); err != nil {
		d.badgeField("received as", st.Diff.on("≠"), model.Printable(cutBytes(string(v.Raw()), previewBytes))+": no RFC 8785 form (outside the range of a double), so shown as received")
		return
	}
	if canonical, respelled := v.NumberText(); respelled {
		d.badgeField("received as", st.Diff.on("≠"), model.Printable(cutBytes(string(v.Raw()), previewBytes))+": the same number as "+canonical+" to every digest and signature")
	}
}

func (p *rawPane) helpKeys() []key.Binding {
	k := p.env.keys
	if p.editing || p.focusDetail {
		return p.listDetail.helpKeys()
	}
	search := key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search"))
	return []key.Binding{k.Down, k.Enter, search, k.NextMatch, k.UnfoldAll, k.UnfoldLevel, k.Copy, k.CopyPath}
}

// key folds and unfolds on the tree (Enter, h, l) and leaves the rest to
// the list.
func (p *rawPane) key(msg tea.KeyMsg) tea.Cmd {
	k := p.env.keys
	if p.editing || p.focusDetail || p.tree == nil {
		return p.listDetail.key(msg)
	}
	row := p.l.selected()
	changed := false
	switch {
	case key.Matches(msg, k.Enter) && row >= 0 && p.tree.link(p.tree.rows[row]) != nil:
		return send(openMsg{link: *p.tree.rows[row].link})
	case key.Matches(msg, k.Enter):
		changed = p.tree.toggle(row)
	case key.Matches(msg, k.Right):
		if changed = p.tree.expand(row); !changed {
			if row >= 0 && p.tree.rows[row].foldable() {
				p.moveList(1) // already open: step into it
			} else {
				p.focusDetail = len(p.d.lines) > 0
			}
			return nil
		}
	case key.Matches(msg, k.Left):
		if changed = p.tree.collapse(row); !changed {
			if parent := p.tree.parentRow(row); parent >= 0 {
				p.l.show(parent, p.listH)
				p.rebuildDetail(false)
			}
			return nil
		}
	default:
		if op, ok := k.treeOp(msg); ok {
			return p.reshape(op)
		}
		return p.listDetail.key(msg)
	}
	if changed {
		p.rowsChanged()
	}
	return nil
}

// reshape runs a fold key on the whole tree, keeping the cursor on its
// node, or on the nearest one shown when a fold hid it.
func (p *rawPane) reshape(op treeOp) tea.Cmd {
	var node *treeNode
	if row := p.l.selected(); row >= 0 {
		node = p.tree.rows[row]
	}
	text := p.tree.reshape(op)
	p.rowsChanged()
	if r := p.tree.nearestRow(node); r >= 0 {
		p.l.show(r, p.listH)
		p.rebuildDetail(false)
	}
	return send(statusMsg{text: text})
}
