package ui

import tea "github.com/charmbracelet/bubbletea"

// The bundles left behind: opening another bundle (a link followed, the
// open prompt) keeps the one shown, with every pane's place, so that
// backspace at the top level (or alt+←) returns to it as it was. The
// explorer browses the open graph, not one record.

// maxBundles bounds the bundles kept to return to (each is held whole).
const maxBundles = 8

// bundlePlace is a bundle left behind and where it was being read.
type bundlePlace struct {
	sess    *session
	active  paneID
	places  map[paneID]target
	history []target // its jump history
}

// leave keeps the bundle shown, at places, before another replaces it.
func (m *Model) leave(places map[paneID]target) {
	m.bundles = append(m.bundles, bundlePlace{sess: m.env.sess, active: m.active, places: places, history: m.history})
	if len(m.bundles) > maxBundles {
		m.bundles = m.bundles[1:]
	}
}

// backBundle returns to the bundle left last, every pane where it was;
// its verification runs again if it was left before it finished.
func (m *Model) backBundle() tea.Cmd {
	if len(m.bundles) == 0 {
		m.status = "no bundle to go back to"
		return nil
	}
	b := m.bundles[len(m.bundles)-1]
	m.bundles = m.bundles[:len(m.bundles)-1]
	m.cancelFetch()
	if m.verifyCancel != nil {
		m.verifyCancel()
	}
	m.verifyGen++ // what the verification of the bundle left still sends is dropped
	m.env.sess, m.failure = b.sess, nil
	m.relayout(m.env.layout.width, m.env.layout.height)
	for id, p := range m.panes {
		p.reset()
		p.show(b.places[id])
		m.dirty[id] = false
	}
	m.active, m.history = b.active, b.history
	// a status is raw text, escaped once where it is drawn
	m.status = "back to " + b.sess.bundle.PithNumber
	if b.sess.checks.done {
		return nil
	}
	b.sess.checks.reset(len(b.sess.bundle.Events))
	return m.verify()
}

// openLink opens the bundle a link refers to: fetched and verified as
// any other, the one shown kept to return to once it opens.
func (m *Model) openLink(l Link) tea.Cmd {
	m.status = "opening " + l.Ref + "…"
	return m.fetch(l.Ref)
}
