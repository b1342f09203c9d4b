package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// previewBytes bounds how much of a string value a tree row keeps.
const previewBytes = 512

// treeNode is one value of a JSON tree. Children are built the first time
// the node is expanded, so a folded 10,000-element array costs one node.
type treeNode struct {
	key      string // the raw member name; "" for array elements and the root
	index    int    // position in the parent
	isElem   bool
	value    model.Value
	depth    int
	parent   *treeNode
	expanded bool
	children []*treeNode
	label    string // printable: the key, or [i]
	preview  string // printable one-line rendering of the value
	// provenFor is the report notProven was decided with (nil: not yet).
	provenFor *verify.Report
	notProven bool
	// link is the bundle a string value refers to (jsonTree.link), known
	// once linkDone.
	link     *Link
	linkDone bool
}

// jsonTree is a foldable view of a JSON value: rows are the visible nodes
// in document order, kept up to date on every fold so that drawing is a
// slice lookup. The root itself is not a row; its members are.
type jsonTree struct {
	root *treeNode
	rows []*treeNode
	// base is the bundle path of the root, and session the open session,
	// for a tree of part of the bundle: once verified, each row says
	// whether a passed check proves its value. nil session for a tree
	// that is not of the bundle.
	base    string
	session func() *session
	// links reads a string as a reference to another bundle (env.link);
	// nil: no links.
	links func(string) *Link
}

// link finds out, once per node, whether a string value refers to
// another bundle; a row is drawn after it asked.
func (t *jsonTree) link(n *treeNode) *Link {
	if !n.linkDone && t.links != nil && n.value.Kind() == model.KindString {
		n.link = t.links(n.value.Str())
	}
	n.linkDone = true
	return n.link
}

func newTree(v model.Value) *jsonTree {
	t := &jsonTree{root: &treeNode{value: v, depth: -1}}
	t.root.expanded = true
	t.root.build()
	t.rows = append(t.rows, t.root.children...)
	return t
}

func isContainer(v model.Value) bool {
	k := v.Kind()
	return k == model.KindObject || k == model.KindArray
}

// build makes the node's children (once).
func (n *treeNode) build() {
	if n.children != nil || !isContainer(n.value) {
		return
	}
	if n.value.Kind() == model.KindObject {
		members := n.value.Members()
		n.children = make([]*treeNode, len(members))
		for i, m := range members {
			n.children[i] = newNode(n, i, m.Key, false, m.Value)
		}
	} else {
		elems := n.value.Elems()
		n.children = make([]*treeNode, len(elems))
		for i, e := range elems {
			n.children[i] = newNode(n, i, "", true, e)
		}
	}
}

func newNode(parent *treeNode, i int, key string, isElem bool, v model.Value) *treeNode {
	c := &treeNode{key: key, index: i, isElem: isElem, value: v, depth: parent.depth + 1, parent: parent}
	if isElem {
		c.label = "[" + strconv.Itoa(i) + "]"
	} else {
		c.label = model.Printable(key)
	}
	c.preview = previewOf(v)
	return c
}

// previewOf renders a value on one line: scalars as JSON, containers by
// size. Strings are decoded, made printable and cut; numbers are in their
// RFC 8785 form, the one every digest saw.
func previewOf(v model.Value) string {
	switch v.Kind() {
	case model.KindString:
		return `"` + model.Printable(cutBytes(v.Str(), previewBytes)) + `"`
	case model.KindObject:
		return "{" + plural(v.Len(), "key") + "}"
	case model.KindArray:
		return "[" + plural(v.Len(), "item") + "]"
	case model.KindInvalid:
		return "(missing)"
	}
	return model.Printable(cutBytes(scalarText(v), previewBytes))
}

// scalarText is a number, boolean or null as JSON text, a number in its
// RFC 8785 form.
func scalarText(v model.Value) string {
	if v.Kind() == model.KindNumber {
		n, _ := v.NumberText()
		return n
	}
	return string(v.Raw())
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + pluralOf(word)
}

// pluralOf is a noun's plural: "events", "aliases".
func pluralOf(word string) string {
	if strings.HasSuffix(word, "s") {
		return word + "es"
	}
	return word + "s"
}

// notProven reports whether no passed check proves the value of n (by
// verify.Report.Coverage of its bundle path): false until verification is
// done, and for a tree that is not of a bundle. Decided once per report.
func (t *jsonTree) notProven(n *treeNode) bool {
	if t.session == nil {
		return false
	}
	s := t.session()
	if s == nil || s.report == nil || s.report.Bundle() == nil {
		return false
	}
	if n.provenFor != s.report {
		c, _ := s.coverage(t.pathOf(n))
		n.provenFor, n.notProven = s.report, !c.Verified()
	}
	return n.notProven
}

// pathOf is the bundle path of n.
func (t *jsonTree) pathOf(n *treeNode) string {
	return t.base + strings.TrimPrefix(n.path(), "$")
}

// text is a row's printable text (without paint): indent, fold marker,
// label, value.
func (n *treeNode) text() string {
	var b strings.Builder
	b.WriteString(strings.Repeat("  ", n.depth))
	switch {
	case !isContainer(n.value) || n.value.Len() == 0:
		b.WriteString("  ")
	case n.expanded:
		b.WriteString("▾ ")
	default:
		b.WriteString("▸ ")
	}
	b.WriteString(n.label)
	b.WriteString(": ")
	if n.link != nil {
		b.WriteString(bundleLinkMark + " ")
	}
	b.WriteString(n.preview)
	return b.String()
}

// path is the node's JSON path from the tree's root ($); pathOf is its
// path in the bundle.
func (n *treeNode) path() string {
	var steps []string
	for c := n; c.parent != nil; c = c.parent {
		if c.isElem {
			steps = append(steps, "["+strconv.Itoa(c.index)+"]")
		} else {
			steps = append(steps, model.PathKey(c.key))
		}
	}
	var b strings.Builder
	b.WriteString("$")
	for i := len(steps) - 1; i >= 0; i-- {
		b.WriteString(steps[i])
	}
	return b.String()
}

func (n *treeNode) foldable() bool { return isContainer(n.value) && n.value.Len() > 0 }

// expand unfolds the node at row r; false when there was nothing to do.
func (t *jsonTree) expand(r int) bool {
	if r < 0 || r >= len(t.rows) {
		return false
	}
	n := t.rows[r]
	if !n.foldable() || n.expanded {
		return false
	}
	n.expanded = true
	n.build()
	var add []*treeNode
	var walk func(p *treeNode)
	walk = func(p *treeNode) {
		for _, c := range p.children {
			add = append(add, c)
			if c.expanded {
				walk(c)
			}
		}
	}
	walk(n)
	t.rows = append(t.rows[:r+1], append(add, t.rows[r+1:]...)...)
	return true
}

// collapse folds the node at row r.
func (t *jsonTree) collapse(r int) bool {
	if r < 0 || r >= len(t.rows) {
		return false
	}
	n := t.rows[r]
	if !n.expanded {
		return false
	}
	n.expanded = false
	end := r + 1
	for end < len(t.rows) && t.rows[end].depth > n.depth {
		end++
	}
	t.rows = append(t.rows[:r+1], t.rows[end:]...)
	return true
}

func (t *jsonTree) toggle(r int) bool {
	if r >= 0 && r < len(t.rows) && t.rows[r].expanded {
		return t.collapse(r)
	}
	return t.expand(r)
}

// maxTreeRows bounds the rows unfolding makes at once (E, +): a
// 10,000-event bundle unfolded whole would be millions of rows.
const maxTreeRows = 200_000

// relist makes the rows again from the fold of every node.
func (t *jsonTree) relist() {
	t.rows = t.rows[:0]
	var walk func(n *treeNode)
	walk = func(n *treeNode) {
		for _, c := range n.children {
			t.rows = append(t.rows, c)
			if c.expanded {
				walk(c)
			}
		}
	}
	walk(t.root)
}

// unfoldLevel unfolds every folded node at the shallowest depth that has
// one: one more level across the whole tree (+). It does nothing, and
// says tooBig, when that would make more than limit rows.
func (t *jsonTree) unfoldLevel(limit int) (changed, tooBig bool) {
	depth, add := -1, 0
	for _, n := range t.rows {
		if n.foldable() && !n.expanded && (depth < 0 || n.depth < depth) {
			depth, add = n.depth, 0
		}
		if n.foldable() && !n.expanded && n.depth == depth {
			add += n.value.Len()
		}
	}
	if depth < 0 {
		return false, false
	}
	if len(t.rows)+add > limit {
		return false, true
	}
	for _, n := range t.rows {
		if n.foldable() && !n.expanded && n.depth == depth {
			n.expanded = true
			n.build()
		}
	}
	t.relist()
	return true, false
}

// foldLevel folds every unfolded node at the deepest depth shown: one
// level less across the whole tree (-).
func (t *jsonTree) foldLevel() bool {
	depth := -1
	for _, n := range t.rows {
		if n.expanded {
			depth = max(depth, n.depth)
		}
	}
	for _, n := range t.rows {
		if n.expanded && n.depth == depth {
			n.expanded = false
		}
	}
	t.relist()
	return depth >= 0
}

// unfoldAll unfolds level after level (E) until nothing is folded, or the
// next level would make more than limit rows; whole says which.
func (t *jsonTree) unfoldAll(limit int) (whole bool) {
	for {
		changed, tooBig := t.unfoldLevel(limit)
		if !changed {
			return !tooBig
		}
	}
}

// foldAll folds every node (C), those hidden under a folded one too.
func (t *jsonTree) foldAll() {
	var walk func(n *treeNode)
	walk = func(n *treeNode) {
		for _, c := range n.children {
			c.expanded = false
			walk(c)
		}
	}
	walk(t.root)
	t.relist()
}

// nearestRow is the row of n, or of its nearest ancestor shown (after a
// fold hid n), or -1.
func (t *jsonTree) nearestRow(n *treeNode) int {
	for ; n != nil && n.parent != nil; n = n.parent {
		if r := t.rowOf(n); r >= 0 {
			return r
		}
	}
	return -1
}

// reshape is what the fold keys do to a tree (E, C, +, -), with what to
// tell the person.
func (t *jsonTree) reshape(op treeOp) string {
	switch op {
	case unfoldAll:
		if !t.unfoldAll(maxTreeRows) {
			return "unfolded as far as " + strconv.Itoa(maxTreeRows) + " rows allow: + unfolds one more level of a part you fold first"
		}
		return "unfolded everything: " + plural(len(t.rows), "row")
	case foldAll:
		t.foldAll()
		return "folded everything"
	case unfoldOne:
		switch changed, tooBig := t.unfoldLevel(maxTreeRows); {
		case tooBig:
			return "the next level would be more than " + strconv.Itoa(maxTreeRows) + " rows: fold a part first"
		case !changed:
			return "everything is unfolded"
		}
		return "one more level unfolded: " + plural(len(t.rows), "row")
	}
	if !t.foldLevel() {
		return "everything is folded"
	}
	return "one level folded: " + plural(len(t.rows), "row")
}

// treeOp is a fold key's work on a whole tree.
type treeOp uint8

const (
	unfoldAll treeOp = iota // E
	foldAll                 // C
	unfoldOne               // +
	foldOne                 // -
)

// parentRow is the row of the node's parent, or -1 at the top level.
func (t *jsonTree) parentRow(r int) int {
	if r < 0 || r >= len(t.rows) {
		return -1
	}
	d := t.rows[r].depth
	for i := r - 1; i >= 0; i-- {
		if t.rows[i].depth < d {
			return i
		}
	}
	return -1
}

// nodeAt is the node at the index path steps, or nil; nothing is unfolded.
func (t *jsonTree) nodeAt(steps []int) *treeNode {
	if t == nil {
		return nil
	}
	n := t.root
	for _, s := range steps {
		n.build()
		if s >= len(n.children) {
			return nil
		}
		n = n.children[s]
	}
	return n
}

// expandTo unfolds every ancestor of the node at the index path steps and
// returns its row.
func (t *jsonTree) expandTo(steps []int) int {
	n := t.root
	for k, s := range steps {
		n.build()
		if s >= len(n.children) {
			return -1
		}
		n = n.children[s]
		if k < len(steps)-1 && !n.expanded {
			t.expand(t.rowOf(n))
		}
	}
	return t.rowOf(n)
}

func (t *jsonTree) rowOf(n *treeNode) int { return slices.Index(t.rows, n) }

// stepsOf is a node's index path from the root.
func stepsOf(n *treeNode) []int {
	var out []int
	for c := n; c.parent != nil; c = c.parent {
		out = append(out, c.index)
	}
	slices.Reverse(out)
	return out
}

// searchHit is where a search landed: the row, which match it is of how
// many in the whole document (1-based), and whether it went round an end.
type searchHit struct {
	row, index, total int
	wrapped           bool
}

// search finds the next (or previous) value after the node at row from,
// in document order and wrapping around, whose key or scalar value holds
// query (case-insensitive). It walks the whole document, folded parts
// included (to count the matches), and unfolds the match's ancestors.
func (t *jsonTree) search(query string, from int, forward bool) (searchHit, bool) {
	q := strings.ToLower(query)
	if q == "" {
		return searchHit{}, false
	}
	var cur []int
	if from >= 0 && from < len(t.rows) {
		cur = stepsOf(t.rows[from])
	}
	// a match: its index path and its place among the matches
	type match struct {
		steps []int
		index int
	}
	var first, last, before, after *match
	total := 0
	var path []int
	matches := func(v model.Value, key string) bool {
		if strings.Contains(strings.ToLower(key), q) {
			return true
		}
		switch v.Kind() {
		case model.KindString:
			return strings.Contains(strings.ToLower(v.Str()), q)
		case model.KindNumber, model.KindBool, model.KindNull:
			return strings.Contains(scalarText(v), q)
		}
		return false
	}
	record := func() {
		total++
		m := &match{steps: slices.Clone(path), index: total}
		if first == nil {
			first = m
		}
		last = m
		switch c := slices.Compare(m.steps, cur); { // document (pre-)order
		case c < 0:
			before = m
		case c > 0 && after == nil:
			after = m
		}
	}
	var walk func(v model.Value, key string)
	walk = func(v model.Value, key string) {
		if len(path) > 0 && matches(v, key) {
			record()
		}
		switch v.Kind() {
		case model.KindObject:
			for i, m := range v.Members() {
				path = append(path, i)
				walk(m.Value, m.Key)
				path = path[:len(path)-1]
			}
		case model.KindArray:
			for i, e := range v.Elems() {
				path = append(path, i)
				walk(e, "")
				path = path[:len(path)-1]
			}
		}
	}
	walk(t.root.value, "")
	target, wrapped := after, false
	if !forward {
		target = before
	}
	if target == nil {
		target, wrapped = first, true
		if !forward {
			target = last
		}
	}
	if target == nil {
		return searchHit{}, false
	}
	return searchHit{row: t.expandTo(target.steps), index: target.index, total: total, wrapped: wrapped}, true
}

// rawValue is what copying a value gives: a string's text, or any other
// value's JSON with its numbers in RFC 8785 form (model.DataJSON): a
// number is copied as every digest reads it, never as it was spelled.
func rawValue(v model.Value) string {
	if v.Kind() == model.KindString {
		return v.Str()
	}
	text, _ := model.DataJSON(v, 0)
	return text
}
