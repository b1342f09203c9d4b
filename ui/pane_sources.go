package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const paneSources paneID = "sources"

// sourcesPane compares what every source serves for the open record (s
// from any pane, or --sources at open): one row per source, filled in as
// each answers (a spinner until then), then each source's verdict; esc
// cancels a comparison under way. The detail says what stands behind the
// selected source's verdict, the comparison's summary, the forks found
// over every verified copy and the evidence e writes.
type sourcesPane struct {
	*listDetail
	rows   []verify.Source
	result *verify.Comparison // nil until a comparison finished
	failed string             // why the last comparison stopped, when it did
	number string             // the record compared
	gen    int
	cancel context.CancelFunc // set while a comparison runs
	spin   spinner.Model
	// evidenceDir is where e writes (Config.EvidenceDir), trustKeys the
	// --trust-key files the command that checks it names.
	evidenceDir   string
	trustKeys     []string
	startedAtOpen bool
	now           func() time.Time // the clock ages are counted from
}

func newSourcesPane(e *env) pane {
	p := &sourcesPane{spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)), now: time.Now}
	p.listDetail = newListDetail(e, paneSources, "source", p)
	return p
}

// Messages of a comparison, routed to the pane by routeSources.
type (
	// sourceAnsweredMsg is one source listed or answered; next waits for
	// the one after.
	sourceAnsweredMsg struct {
		gen, i int
		src    verify.Source
		next   tea.Cmd
	}
	sourcesDoneMsg struct {
		gen    int
		result *verify.Comparison
		err    error
	}
)

// startSources runs the comparison in the background; each source arrives
// as a sourceAnsweredMsg, then one sourcesDoneMsg. Once ctx is cancelled
// the goroutine sends nothing more and ends.
func startSources(ctx context.Context, gen int, run SourcesFunc, number string) tea.Cmd {
	ch := make(chan tea.Msg, 16)
	var listen tea.Cmd
	listen = func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		if a, isAnswer := msg.(sourceAnsweredMsg); isAnswer {
			a.next = listen
			return a
		}
		return msg
	}
	go func() {
		defer close(ch)
		deliver := func(msg tea.Msg) {
			select {
			case ch <- msg:
			case <-ctx.Done():
			}
		}
		c, err := run(ctx, number, func(i int, s verify.Source) { deliver(sourceAnsweredMsg{gen: gen, i: i, src: s}) })
		deliver(sourcesDoneMsg{gen: gen, result: c, err: err})
	}()
	return listen
}

// sessionNumber is the record an open session is: the number its record
// hashes to once verified, else the one it states.
func sessionNumber(s *session) string {
	if s.report != nil && s.report.PithNumber != "" {
		return s.report.PithNumber
	}
	return s.bundle.PithNumber
}

func (m *Model) sourcesPane() *sourcesPane { return m.panes[paneSources].(*sourcesPane) }

// compareSources is s: show the Sources pane and compare the open
// record's sources afresh.
func (m *Model) compareSources() tea.Cmd {
	if m.active != paneSources {
		m.jump(target{pane: paneSources, row: -1})
	}
	return m.sourcesPane().start(m.cfg.Sources, m.cfg.EvidenceDir, m.cfg.TrustKeyFiles, sessionNumber(m.env.sess))
}

// sourcesAtOpen starts the comparison once, when the first bundle opens
// with Config.SourcesAtOpen set.
func (m *Model) sourcesAtOpen() tea.Cmd {
	if p := m.sourcesPane(); m.cfg.SourcesAtOpen && !p.startedAtOpen {
		p.startedAtOpen = true
		return m.compareSources()
	}
	return nil
}

// routeSources hands the pane the messages of its comparison (and its
// spinner's ticks); ok is false for every other message.
func (m *Model) routeSources(msg tea.Msg) (tea.Cmd, bool) {
	p := m.sourcesPane()
	switch msg := msg.(type) {
	case sourceAnsweredMsg, sourcesDoneMsg:
		return p.update(msg), true
	case spinner.TickMsg:
		if msg.ID != p.spin.ID() {
			return nil, false
		}
		if !p.running() {
			return nil, true // stops ticking
		}
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		p.drawn = nil // the pending rows' spinners moved
		return cmd, true
	}
	return nil, false
}

// sourcesMark is the header's word on the comparison: the sources answered
// so far, then "✓ 3 sources agree", "↓ 2 sources agree · 1 behind", "✗
// SPLIT VIEW"; "" before any comparison.
func (m *Model) sourcesMark() string {
	p := m.sourcesPane()
	switch {
	case p.running():
		answered := 0
		for _, s := range p.rows {
			if s.Verdict != verify.SourcePending {
				answered++
			}
		}
		return p.spin.View() + fmt.Sprintf(" sources %d/%d", answered, len(p.rows))
	case p.result == nil:
		return ""
	}
	paint, symbol := p.verdictLook(p.result.Verdict)
	return paint.on(symbol + " " + p.result.Mark())
}

func (p *sourcesPane) running() bool { return p.cancel != nil }

// tabStatus counts the sources, once a comparison has listed some.
func (p *sourcesPane) tabStatus() string {
	if len(p.rows) == 0 {
		return ""
	}
	return p.listDetail.tabStatus()
}

// start begins a comparison of number's sources with run, replacing any
// under way.
func (p *sourcesPane) start(run SourcesFunc, evidenceDir string, trustKeys []string, number string) tea.Cmd {
	p.stop()
	if run == nil {
		return send(statusMsg{text: "comparing sources is not available here"})
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.gen++
	p.cancel, p.number, p.evidenceDir, p.trustKeys = cancel, number, evidenceDir, trustKeys
	p.rows, p.result, p.failed = nil, nil, ""
	p.rowsChanged()
	return tea.Batch(startSources(ctx, p.gen, run, number), p.spin.Tick)
}

// stop cancels a comparison under way; what answered stays shown.
func (p *sourcesPane) stop() bool {
	if p.cancel == nil {
		return false
	}
	p.cancel()
	p.cancel = nil
	p.gen++ // whatever the cancelled run still sends is ignored
	p.failed = "cancelled"
	p.rebuildDetail(true)
	return true
}

func (p *sourcesPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sourceAnsweredMsg:
		if msg.gen != p.gen {
			return nil
		}
		for len(p.rows) <= msg.i {
			p.rows = append(p.rows, verify.Source{})
		}
		p.rows[msg.i] = msg.src
		p.rowsChanged()
		return msg.next
	case sourcesDoneMsg:
		if msg.gen != p.gen {
			return nil
		}
		p.cancel = nil
		if msg.err != nil {
			p.failed = msg.err.Error()
			p.rebuildDetail(true)
			return send(statusMsg{text: "sources: " + model.Printable(p.failed)})
		}
		p.result, p.rows = msg.result, msg.result.Sources
		p.rowsChanged()
		// The detail has the summary; the status line says it short.
		status := "sources: " + p.result.Mark()
		if len(p.result.Proofs) > 0 {
			status += " · e writes the evidence"
		}
		return send(statusMsg{text: status})
	}
	return nil
}

// reset follows a new session: a comparison of another record is
// stopped and cleared; a refetch of the same one keeps it.
func (p *sourcesPane) reset() {
	if p.env.sess == nil || sessionNumber(p.env.sess) != p.number {
		p.stop()
		p.rows, p.result, p.failed, p.number = nil, nil, "", ""
	}
	p.listDetail.reset()
}

func (p *sourcesPane) modal() bool { return p.running() || p.listDetail.modal() }

// back is esc: it cancels a comparison under way first.
func (p *sourcesPane) back() bool {
	if p.stop() {
		return true
	}
	return p.listDetail.back()
}

func (p *sourcesPane) key(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, p.env.keys.Evidence) && !p.editing {
		return p.evidence()
	}
	return p.listDetail.key(msg)
}

func (p *sourcesPane) helpKeys() []key.Binding {
	k := p.env.keys
	out := p.listDetail.helpKeys()
	if p.editing {
		return out
	}
	if p.result != nil && len(p.result.Proofs) > 0 {
		out = append(out, k.Evidence)
	}
	if p.running() {
		return append(out, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")))
	}
	return append(out, k.Sources)
}

// evidence is e: write the evidence file of the split the selected source
// takes part in (else the first), through the verify package's writer.
func (p *sourcesPane) evidence() tea.Cmd {
	c := p.result
	if c == nil || len(c.Proofs) == 0 {
		return send(statusMsg{text: "no split view to write evidence for"})
	}
	n, row := 1, p.l.selected()
	for k, proof := range c.Proofs {
		if slices.ContainsFunc(proof.Events, func(e verify.SourceEvent) bool { return e.Source == row }) {
			n = k + 1
			break
		}
	}
	dir, trustKeys := p.evidenceDir, p.trustKeys
	if dir == "" {
		dir = "."
	}
	return func() tea.Msg {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		path, err := verify.WriteSplitEvidenceFile(dir, c, n)
		if err != nil {
			return statusMsg{text: "evidence: " + err.Error()}
		}
		return statusMsg{text: "wrote " + path + " · " + evidenceCommandLabel + ": " + verify.CheckEvidenceCommand(trustKeys, path)}
	}
}

func (p *sourcesPane) rowCount() int { return len(p.rows) }

func (p *sourcesPane) columns() []column {
	return []column{
		{title: "verdict", min: 13},
		{title: "events", min: 6, right: true, drop: 2},
		{title: "bundle", min: 12, drop: 3},
		{title: "newest", min: 6, drop: 1},
		{title: "source", min: 16, max: 90},
	}
}

// verdictLook is how a verdict is drawn: its paint and symbol (the words
// say it without colour).
func (p *sourcesPane) verdictLook(v verify.SourceVerdict) (paint, string) {
	st := p.env.styles
	switch v {
	case verify.SourceAgree, verify.SourceVerified:
		return st.OK, v.Mark()
	case verify.SourceBehind:
		return st.Accent, v.Mark()
	case verify.SourceSplit, verify.SourceFork:
		return st.Fail, v.Mark()
	case verify.SourcePending:
		return st.Pending, p.spin.View()
	}
	return st.Unknown, v.Mark()
}

func (p *sourcesPane) cells(i int) []cell {
	s := p.rows[i]
	st := p.env.styles
	look, symbol := p.verdictLook(s.Verdict)
	word := string(s.Verdict)
	if s.Verdict == verify.SourcePending {
		word = "fetching"
	}
	events, digest, newest := "-", "-", "-"
	if s.Verdict != verify.SourcePending && s.Verdict != verify.SourceUnreachable && s.Verdict != verify.SourceUnverified {
		events = strconv.Itoa(len(s.Events))
	}
	if d := s.Digest(); len(d) >= 12 {
		digest = d[:12]
	}
	if !s.Newest.IsZero() {
		newest = verify.Age(p.now().Sub(s.Newest))
	}
	return []cell{
		{text: symbol + " " + word, paint: look},
		{text: events},
		{text: digest, paint: st.Muted},
		{text: newest},
		{text: model.Printable(s.Name)},
	}
}

func (p *sourcesPane) marker(int) string { return "" }

func (p *sourcesPane) match(i int, q string) bool {
	s := p.rows[i]
	return matchAny(q, s.Name, string(s.Kind), string(s.Verdict), s.Why)
}

func (p *sourcesPane) copyRow(i int) (string, string) { return "source", p.rows[i].Name }

// explain is what stands behind source i's verdict.
func (p *sourcesPane) explain(i int) string {
	if p.result != nil {
		return p.result.Explain(i)
	}
	return p.rows[i].Why
}

func (p *sourcesPane) detail(i int, d *doc) {
	s := p.rows[i]
	d.title = model.Printable(s.Name)
	p.comparisonDetail(d)
	d.heading("Source")
	d.field("source", model.Printable(s.Name), s.Name)
	d.field("kind", string(s.Kind), string(s.Kind))
	look, symbol := p.verdictLook(s.Verdict)
	d.badgeField("verdict", look.on(symbol+" "+string(s.Verdict)), orDash(model.Printable(p.explain(i))))
	if s.Verdict == verify.SourcePending {
		return
	}
	if s.Report != nil || s.Kind == verify.SourceHistory {
		d.field("valid events", strconv.Itoa(len(s.Events)), strconv.Itoa(len(s.Events)))
	}
	if digest := s.Digest(); digest != "" {
		d.field("bundle_sha256", digest+" (computed)", digest)
	}
	if !s.Newest.IsZero() {
		at := s.Newest.UTC().Format(time.RFC3339)
		d.field("newest", at+" ("+verify.Age(p.now().Sub(s.Newest))+" ago)", at)
	}
	if !s.FetchedAt.IsZero() {
		at := s.FetchedAt.UTC().Format(time.RFC3339)
		d.field("fetched", at, at)
	}
}

// comparisonDetail is the comparison as a whole, above each source's
// detail: its summary, the forks found over every verified copy's events,
// and the evidence files e writes.
func (p *sourcesPane) comparisonDetail(d *doc) {
	c := p.result
	d.heading("Comparison")
	switch {
	case p.running():
		d.field("sources", "comparing: each source is verified as it answers", "")
		return
	case c == nil:
		d.field("sources", "stopped: "+model.Printable(p.failed), "")
		return
	}
	look, symbol := p.verdictLook(c.Verdict)
	d.badgeField("sources", look.on(symbol), model.Printable(c.Summary())) // the summary says the verdict in words
	for n, f := range c.Forks {
		where := "on one source"
		if f.Across {
			where = "across sources"
		}
		d.field(fmt.Sprintf("fork %d", n+1), where+": "+model.Printable(f.Target)+" after "+orDash(model.Printable(f.PrevEvent)), "")
	}
	for n, proof := range c.Proofs {
		d.field(fmt.Sprintf("evidence %d", n+1), model.Printable(proof.Describe(c)), "")
	}
	if len(c.Proofs) > 0 {
		d.text("e writes the evidence file of the split this source takes part in (the first otherwise); pithscope verify FILE checks it offline.")
	}
}

// explainEmpty says what the pane does before its first comparison.
func (p *sourcesPane) explainEmpty(d *doc) {
	d.title = "sources"
	if p.failed != "" {
		d.heading("Comparison")
		d.field("sources", "stopped: "+model.Printable(p.failed), "")
	}
	d.heading("Compare sources")
	d.text("s fetches this record from every source known (the resolver's two paths, the mirror hints verified copies name, the mirrors given with --mirror, the cache and its history), verifies each copy on its own, and compares them by their valid events: agree, behind (a stale copy), or split view (two signed copies each holding an event the other lacks, which a server telling readers different histories would serve).")
}
