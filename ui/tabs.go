package ui

import "strings"

// tab is one tab as drawn: its pane, its text and the column it starts at.
type tab struct {
	pane paneID
	text string
	x    int
}

// Overflow marks: tabs are hidden on that side.
const (
	tabsHiddenLeft  = "‹"
	tabsHiddenRight = "›"
)

// tabBar lays the tabs out for width w: each with its number key, title
// and status (a row count) when they all fit, else without the status.
// When even that is too wide, the tabs are not shrunk: as many whole tabs
// as fit are shown, the active one among them, with an overflow mark on
// each side that hides some.
func (m *Model) tabBar(w int) (tabs []tab, hiddenLeft, hiddenRight bool) {
	for _, withStatus := range []bool{true, false} {
		texts := m.tabTexts(withStatus)
		if total(texts) <= w {
			return layoutTabs(texts, 0, len(texts), 0), false, false
		}
		if withStatus {
			continue
		}
		// The window of tabs scrolls only as far as the active one needs:
		// from the first tab, or ending at the active one.
		active := paneIndex(m.active)
		lo := 0
		for lo < active && total(texts[lo:active+1])+markWidth(lo > 0, true) > w {
			lo++
		}
		hi := active + 1
		for hi < len(texts) && total(texts[lo:hi+1])+markWidth(lo > 0, hi+1 < len(texts)) <= w {
			hi++
		}
		x := 0
		if lo > 0 {
			x = width(tabsHiddenLeft)
		}
		return layoutTabs(texts, lo, hi, x), lo > 0, hi < len(texts)
	}
	return nil, false, false
}

// tabTexts are every pane's tab text: "[2 Events 5]" for the active one,
// " 3 Aliases 7 " for the others.
func (m *Model) tabTexts(withStatus bool) []string {
	out := make([]string, len(paneTable))
	for i, spec := range paneTable {
		text := spec.title
		if k := paneKey(i); k != "" {
			text = k + " " + text
		}
		if status := m.panes[spec.id].tabStatus(); withStatus && status != "" {
			text += " " + status
		}
		if spec.id == m.active {
			out[i] = "[" + text + "]"
		} else {
			out[i] = " " + text + " "
		}
	}
	return out
}

func total(texts []string) int {
	n := 0
	for _, t := range texts {
		n += width(t)
	}
	return n
}

// markWidth is the room the overflow marks take.
func markWidth(left, right bool) int {
	n := 0
	if left {
		n += width(tabsHiddenLeft)
	}
	if right {
		n += width(tabsHiddenRight)
	}
	return n
}

// layoutTabs places texts[lo:hi] from column x.
func layoutTabs(texts []string, lo, hi, x int) []tab {
	out := make([]tab, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, tab{pane: paneTable[i].id, text: texts[i], x: x})
		x += width(texts[i])
	}
	return out
}

// tabAt is the pane whose tab covers column x, or "".
func (m *Model) tabAt(x int) paneID {
	tabs, _, _ := m.tabBar(m.env.layout.width)
	for _, t := range tabs {
		if x >= t.x && x < t.x+width(t.text) {
			return t.pane
		}
	}
	return ""
}

// tabsView is the tab line: the tabs, the overflow marks, and a rule to
// the end of the line.
func (m *Model) tabsView() string {
	st, w := m.env.styles, m.env.layout.width
	if m.env.sess == nil {
		// no panes to switch to until a bundle is open
		return st.Muted.on(strings.Repeat("─", w))
	}
	tabs, left, right := m.tabBar(w)
	var b strings.Builder
	if left {
		b.WriteString(st.Accent.on(tabsHiddenLeft))
	}
	used := markWidth(left, right)
	for _, t := range tabs {
		if t.pane == m.active {
			b.WriteString(st.TabActive.on(t.text))
		} else {
			b.WriteString(st.Tab.on(t.text))
		}
		used += width(t.text)
	}
	if right {
		b.WriteString(st.Accent.on(tabsHiddenRight))
	}
	if used < w {
		b.WriteString(st.Muted.on(strings.Repeat("─", w-used)))
	}
	return truncate(b.String(), w)
}
