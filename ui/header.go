package ui

import (
	"strings"

	"github.com/pithscope/pithscope/model"
)

// headerView is the two header lines: the paper's title and the overall
// badge; the pith number, where the bundle came from, and what is going on
// (refreshing, watching, stale).
func (m *Model) headerView() []string {
	st, w := m.env.styles, m.env.layout.width
	s := m.env.sess
	if s == nil {
		right := ""
		if m.fetching {
			right = m.spin.View() + " opening"
		}
		return []string{
			spread(st.Title.on("pithscope"), right, w),
			st.Muted.on(truncate("explore and verify Pith open graph bundles", w)),
		}
	}
	verdict, vs := s.overall()
	badge := st.badge(vs)
	switch vs {
	case stateOK:
		badge = st.OK.on("✓ " + verdict)
	case stateFail:
		badge = st.Fail.on("✗ " + verdict)
	case stateUnknown:
		badge = st.Unknown.on("? " + verdict)
	case statePending:
		badge = st.Pending.on("… " + verdict)
	}
	line1 := spread(m.headlineView(), badge, w)

	var right []string
	if m.fetching {
		doing := " opening"
		if m.fetchRef == s.ref {
			doing = " refreshing"
		}
		right = append(right, m.spin.View()+doing)
	}
	if mark := m.sourcesMark(); mark != "" {
		right = append(right, mark)
	}
	if m.watching {
		right = append(right, "watch "+m.watchEvery.String())
	}
	if s.loaded.Stale != "" {
		right = append(right, st.Fail.on("STALE"))
	}
	rightText := strings.Join(right, st.Muted.on(" · "))

	source := s.loaded.Source
	if source == "embedded" {
		source = "built in (offline)"
	}
	room := w - width(rightText) - 1
	number := st.Bold.on(model.Printable(s.bundle.PithNumber))
	if s.bundle.ShortPithNumber != "" {
		number += st.Muted.on(" · ") + model.Printable(s.bundle.ShortPithNumber)
	}
	tail := st.Muted.on(" · " + model.Printable(source))
	if s.loaded.Stale != "" {
		tail += st.Muted.on(" · " + model.Printable(s.loaded.Stale))
	}
	if width(number)+width(tail) > room {
		// the short number is the long one's prefix: where it came from
		// says more
		number = st.Bold.on(model.Printable(s.bundle.PithNumber))
	}
	left := number + tail
	line2 := spread(truncate(left, max(room, 1)), rightText, w)
	return []string{line1, line2}
}

// headlineView is the header's left side: the paper's title when a passed
// check proves it (session.findSnapshot), else the short pith number and
// why there is no title (still checking, no current snapshot, a title
// that contradicts the record).
func (m *Model) headlineView() string {
	st, s := m.env.styles, m.env.sess
	if s.headline.title != "" {
		return st.Title.on(s.headline.title)
	}
	number := s.bundle.PithNumber
	if body := model.BodyOf(number); body != "" {
		number = model.ShortPithNumber(body) // derived, not the bundle's claim
	}
	why := st.Muted
	if s.headline.fails {
		why = st.Fail
	}
	return st.Title.on(model.Printable(number)) + st.Muted.on(" · ") + why.on(s.headline.why)
}

// spread puts left and right on one line of width w, cutting left first.
func spread(left, right string, w int) string {
	rw := width(right)
	if rw >= w {
		return truncate(right, w)
	}
	left = truncate(left, max(w-rw-1, 0))
	gap := w - width(left) - rw
	return left + strings.Repeat(" ", max(gap, 1)) + right
}
