package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
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
}

// jsonTree is a foldable view of a JSON value: rows are the visible nodes
// in document order, kept up to date on every fold so that drawing is a
// slice lookup. The root itself is not a row; its members are.
type jsonTree struct {
	root *treeNode
	rows []*treeNode
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
// size. Strings are decoded, made printable and cut.
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
	return model.Printable(cutBytes(string(v.Raw()), previewBytes))
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
	b.WriteString(n.preview)
	return b.String()
}

// path is the node's JSON path from the tree's root ($).
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
			return strings.Contains(string(v.Raw()), q)
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
// value's JSON exactly as received.
func rawValue(v model.Value) string {
	if v.Kind() == model.KindString {
		return v.Str()
	}
	return string(v.Raw())
}
