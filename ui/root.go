package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// maxHistory bounds the jump history Esc walks back through.
const maxHistory = 64

// Model is the explorer's root: it owns the session and the background
// jobs (fetch, verify, watch), routes keys and mouse to the focused pane,
// and draws the header, the tabs, the body and the footer.
type Model struct {
	cfg   Config
	env   *env
	panes map[paneID]pane // one per row of paneTable
	// dirty panes missed a refresh while hidden; they catch up when shown.
	dirty   map[paneID]bool
	active  paneID
	history []target
	bundles []bundlePlace // the bundles left behind, to return to

	help     help.Model
	helpMemo struct{ key, line string } // the last help line drawn, by its bindings and width
	showHelp bool
	helpPage viewport.Model // the help screen, scrolled
	prompt   openPrompt
	spin     spinner.Model
	// still stops the spinner from ticking: tests drive the model without
	// a clock, and a tick would make them wait for it.
	still bool

	fetchGen    int
	fetchCancel context.CancelFunc
	fetching    bool
	fetchRef    string
	progress    string
	// failure is the last fetch that gave no bundle: shown in the prompt,
	// or on the status line while a bundle stays open.
	failure *failure

	verifyGen    int
	verifyCancel context.CancelFunc

	watching   bool
	watchEvery time.Duration
	watchGen   int

	// status is the status line's message, as is: the footer escapes it
	// (model.Printable) once, so a message never holds escaped text.
	status string
	// now is the clock ages are counted with ("1 min ago"); clockGen
	// drops ticks of a clock since restarted.
	now      func() time.Time
	clockGen int
	// clipModes say how a copy reaches the terminal (tmux, screen).
	clipModes []osc52.Mode
}

// New builds the explorer's model (Run starts it on a terminal).
func New(cfg Config) *Model {
	e := &env{styles: newStyles(cfg.Theme.dark()), keys: DefaultKeyMap(), layout: computeLayout(80, 24, 1), linkRef: cfg.LinkRef}
	m := &Model{cfg: cfg, env: e, prompt: newPrompt(), active: paneTable[0].id, clipModes: []osc52.Mode{osc52.DefaultMode}, now: time.Now,
		panes: make(map[paneID]pane, len(paneTable)), dirty: make(map[paneID]bool, len(paneTable))}
	for _, spec := range paneTable {
		m.panes[spec.id] = spec.new(e)
	}
	m.help = help.New()
	m.helpPage = newHelpPage(e.keys)
	m.help.Styles.ShortKey, m.help.Styles.FullKey = e.styles.HelpKey, e.styles.HelpKey
	m.help.Styles.ShortDesc, m.help.Styles.FullDesc = e.styles.HelpDesc, e.styles.HelpDesc
	m.help.Styles.ShortSeparator, m.help.Styles.FullSeparator = e.styles.HelpSep, e.styles.HelpSep
	m.help.Styles.Ellipsis = e.styles.HelpSep
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.watchEvery = cfg.Watch
	if m.watchEvery <= 0 {
		m.watchEvery = DefaultWatch
	}
	m.watching = cfg.Watch > 0
	m.relayout(e.layout.width, e.layout.height)
	return m
}

// Init opens the first bundle (or the prompt) and starts watching.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.cfg.Prompt && m.cfg.Ref == "" {
		cmds = append(cmds, m.showPrompt())
	} else {
		cmds = append(cmds, m.fetch(m.cfg.Ref))
	}
	if m.watching {
		cmds = append(cmds, watchTick(m.watchGen, m.watchEvery))
	}
	return tea.Batch(cmds...)
}

// shutdown stops background jobs when the program ends.
func (m *Model) shutdown() {
	if m.fetchCancel != nil {
		m.fetchCancel()
	}
	if m.verifyCancel != nil {
		m.verifyCancel()
	}
	m.sourcesPane().stop()
}

// relayout is the one resize handler: the layout (from the terminal size
// and the lines the status takes) and everything sized from it.
func (m *Model) relayout(w, h int) {
	m.env.layout = computeLayout(w, h, len(m.statusView(w, statusRoom(h))))
	m.help.Width = w
	m.prompt.input.Width = max(w-4-3, 1)
	if m.showHelp {
		m.fillHelp()
	}
	for id, p := range m.panes {
		if m.env.sess != nil || id == m.active {
			p.resize()
		}
	}
}

func (m *Model) fetch(ref string) tea.Cmd {
	if m.fetchCancel != nil {
		m.fetchCancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.fetchGen++
	m.fetchCancel, m.fetching, m.fetchRef, m.progress = cancel, true, ref, ""
	fetch := startFetch(ctx, m.fetchGen, m.cfg.Load, ref)
	if m.still {
		return fetch
	}
	return tea.Batch(fetch, m.spin.Tick)
}

func (m *Model) cancelFetch() {
	if m.fetchCancel != nil {
		m.fetchCancel()
	}
	m.fetchGen++ // whatever the cancelled fetch still sends is ignored
	m.fetching, m.fetchCancel = false, nil
}

func (m *Model) verify() tea.Cmd {
	if m.verifyCancel != nil {
		m.verifyCancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.verifyGen++
	m.verifyCancel = cancel
	return startVerify(ctx, m.verifyGen, m.env.sess, m.cfg.Trust)
}

// Update routes one message, then gives the status the lines it needs.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	lay := m.env.layout
	if n := len(m.statusView(lay.width, statusRoom(lay.height))); n != lay.statusLines {
		m.relayout(lay.width, lay.height)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.routeSources(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.relayout(msg.Width, msg.Height)
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Alt && !m.typing() {
			return m.keysApart(msg)
		}
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.handleMouse(msg)
	case spinner.TickMsg:
		if m.fetching {
			var cmd tea.Cmd
			m.spin, cmd = m.spin.Update(msg)
			return cmd
		}
	case fetchProgressMsg:
		if msg.gen == m.fetchGen {
			m.progress = msg.text
			return msg.next
		}
	case bundleLoadedMsg:
		if msg.gen == m.fetchGen {
			return m.opened(msg.sess)
		}
	case fetchFailedMsg:
		if msg.gen == m.fetchGen {
			return m.fetchFailed(msg)
		}
	case checkDoneMsg:
		if msg.gen == m.verifyGen && m.env.sess != nil {
			return m.checksArrived(msg)
		}
	case learnedMsg:
		if msg.gen == m.verifyGen {
			m.status = strings.TrimPrefix(m.status+" · "+msg.err.Error(), " · ")
		}
	case tickMsg:
		if msg.gen == m.watchGen && m.watching {
			return tea.Batch(watchTick(m.watchGen, m.watchEvery), m.refetch())
		}
	case clockMsg:
		// the age of a failed refresh keeps counting while it is shown
		if msg.gen == m.clockGen && m.failure != nil && m.env.sess != nil {
			return clockTick(m.clockGen)
		}
	case recentMsg:
		if m.prompt.open {
			m.prompt.setRecent(msg)
		}
	case jumpMsg:
		m.jump(msg.to)
	case openMsg:
		return m.openLink(msg.link)
	case statusMsg:
		m.status = msg.text
	case copyMsg:
		return setClipboard(m.cfg.Clipboard, m.clipModes, msg.what, msg.value)
	case evidenceMsg:
		if m.env.sess != nil {
			return evidenceCmd(m.cfg.EvidenceDir, m.env.sess, msg.fork)
		}
	case evidenceWrittenMsg:
		m.evidenceWritten(msg)
	}
	return nil
}

// refetch is what a watch tick does: fetch the open bundle again, or,
// on the error screen of a first fetch that failed, try it again (unless
// the prompt was since edited).
func (m *Model) refetch() tea.Cmd {
	switch {
	case m.fetching:
	case m.env.sess != nil:
		return m.fetch(m.env.sess.ref)
	case m.failure != nil && m.prompt.open && strings.TrimSpace(m.prompt.input.Value()) == m.failure.ref:
		return m.fetch(m.failure.ref)
	}
	return nil
}

// opened makes a freshly loaded session current. A refetch of the same
// bundle keeps every pane's place and marks what is new.
func (m *Model) opened(s *session) tea.Cmd {
	m.fetching, m.fetchCancel = false, nil
	prev := m.env.sess
	same := prev != nil && prev.bundle.PithNumber == s.bundle.PithNumber
	s.follow(prev)
	places := make(map[paneID]target, len(m.panes))
	for id, p := range m.panes {
		places[id] = p.location()
	}
	s.fetchedAt = m.now()
	m.switchBundle(s, places)
	m.env.sess = s
	m.failure = nil
	m.prompt.close()
	m.relayout(m.env.layout.width, m.env.layout.height)
	for id, p := range m.panes {
		p.reset()
		if same {
			p.show(places[id])
		}
		m.dirty[id] = false
	}
	if s.evidence != nil && !same {
		m.switchPane(paneForks) // an evidence file is a fork to compare
	}
	if same {
		m.status = "refreshed " + s.loaded.Source + ": verifying…"
	} else {
		m.history = nil
		m.status = "opened " + s.loaded.Source + ": verifying…"
	}
	return tea.Batch(m.verify(), m.sourcesAtOpen())
}

// switchBundle keeps the bundle shown to return to when another one
// opens in its place (not when it is refreshed).
func (m *Model) switchBundle(s *session, places map[paneID]target) {
	if prev := m.env.sess; prev != nil && prev.bundle.PithNumber != s.bundle.PithNumber {
		m.leave(places)
	}
}

// evidenceWritten records an evidence file written for the open session
// and shows, in full, the command that checks it: on the status line, and
// (wrapped, with y to copy it) in the fork's detail, which it shows.
func (m *Model) evidenceWritten(msg evidenceWrittenMsg) {
	s := m.env.sess
	if s != msg.sess {
		return // written for a bundle no longer open
	}
	w := writtenEvidence{path: msg.path, command: verify.CheckEvidenceCommand(m.cfg.TrustKeyFiles, msg.path)}
	s.written[msg.fork] = w
	m.status = "wrote " + w.path + " · check it with: " + w.command
	m.panes[paneForks].refresh() // the fork's detail gains the file
	m.jump(target{pane: paneForks, row: msg.fork - 1, item: evidenceCommandLabel})
}

// fetchFailed shows a fetch that gave no bundle: in the prompt (opened
// with the reference, to edit or retry, when no bundle is open), or on
// the status line while the open bundle stays, its age counting.
func (m *Model) fetchFailed(msg fetchFailedMsg) tea.Cmd {
	m.fetching, m.fetchCancel = false, nil
	if errors.Is(msg.err, context.Canceled) {
		m.status = "cancelled"
		if m.env.sess == nil && !m.prompt.open {
			return m.showPrompt()
		}
		return nil
	}
	m.failure = &failure{ref: msg.ref, err: msg.err.Error(), attempts: msg.attempts, at: m.now()}
	m.status = "" // the failure says what happened
	switch {
	case m.prompt.open:
		// shown in the prompt, under the input
	case m.env.sess == nil:
		cmd := m.showPrompt()
		m.prompt.input.SetValue(msg.ref)
		m.prompt.validate(m.cfg.ValidateRef)
		return cmd
	case !m.still:
		m.clockGen++
		return clockTick(m.clockGen)
	}
	return nil
}

// checksArrived adds a batch of checks (and, last, the report) to the
// session; the visible pane redraws its badges, the others catch up when
// shown.
func (m *Model) checksArrived(msg checkDoneMsg) tea.Cmd {
	s := m.env.sess
	for _, c := range msg.checks {
		s.checks.add(c)
	}
	if msg.done != nil {
		s.finish(msg.done.report, msg.done.diffs, msg.done.diffErr)
		m.verifyCancel = nil
		sum := msg.done.report.Summary()
		m.status = fmt.Sprintf("checked: %d ok, %d failed, %d unknown", sum.OK, sum.Fail, sum.Unknown)
		switch {
		case s.base == nil:
		case s.newCount() == 0 && len(s.changedChecks) == 0:
			m.status += " · nothing new since opened"
		default:
			m.status += fmt.Sprintf(" · since opened: %s, %s changed", plural(s.newCount(), "new event"), plural(len(s.changedChecks), "check"))
		}
	}
	for id := range m.panes {
		m.dirty[id] = true
	}
	m.panes[m.active].refresh()
	m.dirty[m.active] = false
	return msg.next
}

func (m *Model) switchPane(to paneID) {
	if _, ok := m.panes[to]; !ok {
		return
	}
	m.active = to
	if m.dirty[to] {
		m.panes[to].refresh()
		m.dirty[to] = false
	}
}

// paneAfter is the pane delta tabs from the active one, wrapping.
func (m *Model) paneAfter(delta int) paneID {
	n := len(paneTable)
	return paneTable[((paneIndex(m.active)+delta)%n+n)%n].id
}

func (m *Model) jump(t target) {
	m.history = append(m.history, m.panes[m.active].location())
	if len(m.history) > maxHistory {
		m.history = m.history[1:]
	}
	m.switchPane(t.pane)
	if t.row >= 0 || t.keyID != "" {
		m.panes[t.pane].show(t)
	}
}

// back is esc and backspace: cancel a refresh under way or dismiss one
// that failed, leave a sub-screen, then walk back the jump history, then
// let the pane step back (detail to list, clear the filter); at the top
// level, backspace (bundleToo) returns to the bundle left last.
func (m *Model) back(bundleToo bool) tea.Cmd {
	p := m.panes[m.active]
	switch {
	case m.fetching:
		m.cancelFetch()
		m.status = "cancelled: still showing the copy fetched " + ago(m.now().Sub(m.env.sess.fetchedAt))
	case m.failure != nil:
		m.failure = nil
	case p.modal():
		p.back()
	case len(m.history) > 0:
		t := m.history[len(m.history)-1]
		m.history = m.history[:len(m.history)-1]
		m.switchPane(t.pane)
		m.panes[t.pane].show(t)
	case !p.back() && bundleToo && len(m.bundles) > 0:
		return m.backBundle()
	}
	return nil
}

// typing reports whether keys go into a text input (the open prompt, a
// list's filter or search) rather than being commands.
func (m *Model) typing() bool {
	return m.prompt.open || (m.env.sess != nil && !m.showHelp && m.panes[m.active].capturing())
}

// keysApart handles letters that arrived in one message (a paste, a slow
// ssh link, tmux) as the key presses they were, one by one, until one of
// them opens a text input, which then takes the rest as typed text: a
// pasted "jj" moves twice, "/graph" filters for graph. Digits are pane
// keys, so "3j" is pane 3, then down: there is no count prefix.
func (m *Model) keysApart(msg tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if m.typing() {
			rest := msg
			rest.Runes = msg.Runes[i:]
			cmds = append(cmds, m.handleKey(rest))
			break
		}
		one := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
		if key.Matches(one, m.env.keys.Quit) {
			return tea.Quit
		}
		cmds = append(cmds, m.handleKey(one))
	}
	// in order: a copy or a jump the keys asked for happens as typed
	return tea.Sequence(cmds...)
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.env.keys
	if msg.Type == tea.KeyCtrlC {
		return tea.Quit
	}
	m.status = ""
	if m.prompt.open {
		return m.promptKey(msg)
	}
	if m.showHelp {
		return m.helpKey(msg)
	}
	if m.env.sess == nil {
		switch {
		case key.Matches(msg, k.Quit):
			return tea.Quit
		case key.Matches(msg, k.Back):
			ref := m.fetchRef
			m.cancelFetch()
			m.status = "cancelled"
			cmd := m.showPrompt()
			m.prompt.input.SetValue(ref) // to edit or retry
			m.prompt.validate(m.cfg.ValidateRef)
			return cmd
		case key.Matches(msg, k.Open):
			return m.showPrompt()
		}
		return nil
	}
	p := m.panes[m.active]
	if p.capturing() {
		return p.key(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.openHelp()
	case key.Matches(msg, k.NextPane):
		m.switchPane(m.paneAfter(1))
	case key.Matches(msg, k.PrevPane):
		m.switchPane(m.paneAfter(-1))
	case key.Matches(msg, k.GoToPane):
		m.switchPane(paneAt(msg.String()))
	case key.Matches(msg, k.Open):
		return m.showPrompt()
	case key.Matches(msg, k.Refresh):
		if m.fetching {
			m.status = "already fetching"
			return nil
		}
		return m.fetch(m.env.sess.ref)
	case key.Matches(msg, k.Sources):
		return m.compareSources()
	case key.Matches(msg, k.Watch):
		m.watching = !m.watching
		m.watchGen++
		if !m.watching {
			m.status = "watch off"
			return nil
		}
		m.status = "watch on: refetching every " + m.watchEvery.String()
		return watchTick(m.watchGen, m.watchEvery)
	case key.Matches(msg, k.Back):
		return m.back(msg.Type == tea.KeyBackspace)
	case key.Matches(msg, k.PrevBundle):
		return m.backBundle()
	default:
		return p.key(msg)
	}
	return nil
}

// promptKey: Enter opens what was typed, Esc cancels a fetch under way or
// closes the prompt (not when there is nothing else to show).
func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEnter:
		ref := strings.TrimSpace(m.prompt.input.Value())
		if chosen := m.prompt.chosen(); chosen != "" && !m.fetching {
			m.failure = nil
			return m.fetch(chosen)
		}
		if m.fetching || (ref == "" && m.env.sess != nil) {
			return nil
		}
		if m.prompt.invalid != "" {
			m.status = "enter opens a reference of one of the forms listed"
			return nil
		}
		m.failure = nil
		return m.fetch(ref)
	case tea.KeyEsc:
		switch {
		case m.fetching:
			m.cancelFetch()
			m.status = "cancelled"
		case m.env.sess != nil:
			m.prompt.close()
			m.failure = nil
		}
		return nil
	}
	switch {
	case m.fetching:
		return nil
	case msg.Type == tea.KeyDown:
		m.prompt.moveRecent(1)
		return nil
	case msg.Type == tea.KeyUp:
		m.prompt.moveRecent(-1)
		return nil
	}
	return m.prompt.edit(msg, m.cfg.ValidateRef)
}

func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if m.showHelp {
		var cmd tea.Cmd
		m.helpPage, cmd = m.helpPage.Update(msg) // the wheel scrolls it
		return cmd
	}
	if m.env.sess == nil || m.prompt.open {
		return nil
	}
	lay := m.env.layout
	if msg.Y == headerLines && msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
		m.switchPane(m.tabAt(msg.X))
		return nil
	}
	top := headerLines + tabLines
	if msg.Y < top || msg.Y >= top+lay.bodyHeight {
		return nil
	}
	return m.panes[m.active].mouse(msg.X, msg.Y-top, msg)
}

// View draws the whole screen: exactly the terminal's size.
func (m *Model) View() string {
	lay := m.env.layout
	if lay.tooSmall {
		return truncate(fmt.Sprintf("pithscope needs at least %dx%d (this is %dx%d)", minUsableWidth, minUsableHeight, lay.width, lay.height), lay.width)
	}
	lines := make([]string, 0, lay.height)
	lines = append(lines, m.headerView()...)
	lines = append(lines, m.tabsView())
	switch {
	case m.env.sess == nil && !m.prompt.open:
		lines = append(lines, m.loadingView(lay.bodyHeight)...)
	case m.prompt.open:
		lines = append(lines, m.prompt.view(m, lay.width, lay.bodyHeight)...)
	case m.showHelp:
		lines = append(lines, m.helpView()...)
	default:
		lines = append(lines, m.panes[m.active].view()...)
	}
	lines = append(lines, block(m.statusView(lay.width, lay.statusLines), lay.width, lay.statusLines)...)
	lines = append(lines, m.helpLine())
	return strings.Join(block(lines, lay.width, lay.height), "\n")
}

// loadingView is the start screen while the first bundle loads.
func (m *Model) loadingView(h int) []string {
	st := m.env.styles
	ref := m.fetchRef
	if ref == "" {
		ref = "the embedded bundle"
	}
	out := []string{"", "  " + m.spin.View() + " opening " + model.Printable(ref)}
	if m.progress != "" {
		out = append(out, "    "+st.Muted.on(model.Printable(m.progress)))
	}
	out = append(out, "", "  "+st.Muted.on("esc cancels · q quits"))
	return block(out, m.env.layout.width, h)
}
