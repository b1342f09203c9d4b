package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// session is one opened bundle: the parsed bundle, indexes the panes use,
// and its verification as it streams in. It is built off the UI goroutine
// (newSession), then only read and updated by Update.
type session struct {
	ref       string
	loaded    Loaded
	bundle    *model.Bundle
	fetchedAt time.Time // when it was opened (or last refreshed)
	// evidence is the equivocation evidence file opened, when this is one
	// rather than a bundle: bundle is then made of its events and keys
	// alone, and verification is verify.VerifyEvidence.
	evidence *model.Evidence
	// written are the evidence files e wrote, by fork (1-based).
	written map[int]writtenEvidence

	// The graph snapshot the header, the overview and the Graph pane read:
	// the one the merge applied last (verify.Report.CurrentSnapshot), so
	// never an invalid, superseded or forked one. It is known once
	// verification is done; until then, and when none applies, there is
	// none and snapshotEvent is -1.
	snapshot      model.Value         // payload.graph_snapshot
	snapshotEvent int                 // its event index, or -1
	paper         []verify.PaperField // its paper fields beside the record
	headline      headline

	eventIndex   map[string]int   // event id → first event with it
	children     map[string][]int // event id → events naming it as prev_event
	supersededBy map[string][]int // event id → events naming it in supersedes
	keyEvents    map[string][]int // key id → events its signature names

	// derived is the pith number computed from the record, once asked
	// for (names), "" when none can be; derivedDone says it was.
	derived     string
	derivedDone bool

	checks checkIndex
	report *verify.Report // nil until verification is done
	// covered keeps report.Coverage's answers by path (session.coverage).
	covered map[string]verify.Coverage
	// forks are the report's forks (equivocations), and brokenLinks its
	// event_links checks that failed, once it is done.
	forks       []model.Fork
	brokenLinks []verify.Check
	roles       []string // per event: what the merge made of it, once done
	forkOf      []int    // per event: fork number (1-based) or 0
	diffs       []model.Difference
	// diffErr says why the state could not be compared, when it could not.
	diffErr string

	// Marks against the first version of this bundle seen in this run:
	// refetching (r, --watch) keeps them until the bundle itself changes.
	base          *baseline
	newEvents     []bool
	changedChecks map[string]bool
	changedEvents []bool
}

// writtenEvidence is an evidence file written, and the command that
// checks it.
type writtenEvidence struct{ path, command string }

// baseline is what is remembered of the first version of a bundle opened,
// to mark what later versions add or change.
type baseline struct {
	events   map[string]int
	statuses map[string]verify.Status // nil when its checks never finished
}

// newEvidenceSession opens an evidence file: its events and keys, as a
// bundle of them alone, about its pith number.
func newEvidenceSession(ref string, l Loaded, ev *model.Evidence) *session {
	b := &model.Bundle{Doc: ev.Doc, Root: ev.Doc.Root(), PithNumber: ev.PithNumber, Events: ev.Events, PublicKeys: ev.Keys}
	s := newSession(ref, l, b)
	s.evidence = ev
	return s
}

// evidenceFork is the fork an evidence file's events claim: what its
// comparison shows (the report says whether it is proven).
func evidenceFork(ev *model.Evidence) []model.Fork {
	if len(ev.Events) < 2 {
		return nil
	}
	first := &ev.Events[0]
	f := model.Fork{SignerKeyID: first.Signer.KeyID, Subject: first.SubjectPithNumber, Target: first.Target, PrevEvent: first.PrevEvent}
	for i := range ev.Events {
		f.Events = append(f.Events, i)
		f.EventIDs = append(f.EventIDs, ev.Events[i].EventID)
		if id := ev.Events[i].Signer.KeyID; !slices.Contains(f.KeyIDs, id) {
			f.KeyIDs = append(f.KeyIDs, id)
		}
	}
	return []model.Fork{f}
}

func newSession(ref string, l Loaded, b *model.Bundle) *session {
	s := &session{
		ref: ref, loaded: l, bundle: b, snapshotEvent: -1, written: map[int]writtenEvidence{},
		eventIndex:   make(map[string]int, len(b.Events)),
		children:     map[string][]int{},
		supersededBy: map[string][]int{},
		keyEvents:    map[string][]int{},
	}
	for i := range b.Events {
		e := &b.Events[i]
		if _, dup := s.eventIndex[e.EventID]; !dup {
			s.eventIndex[e.EventID] = i
		}
		if e.PrevEvent != "" {
			s.children[e.PrevEvent] = append(s.children[e.PrevEvent], i)
		}
		for _, id := range e.Supersedes {
			s.supersededBy[id] = append(s.supersededBy[id], i)
		}
		s.keyEvents[e.Signature.KeyID] = append(s.keyEvents[e.Signature.KeyID], i)
	}
	s.headline = headline{why: "checking…"}
	s.checks.reset(len(b.Events))
	return s
}

// headline is what the header shows of the paper: its title when a
// passed check proves it, else why there is none.
type headline struct {
	title string // printable; "" when no title is proven
	why   string // when title is "": why not ("checking…", "no current graph snapshot"…)
	fails bool   // why is a failure (the title contradicts the record)
}

// findSnapshot takes the current snapshot from the finished report, and
// the title from it only when a passed check proves it: record_match (the
// record commits to its lower-cased hash) or, failing that, a trusted
// signature, and never one that contradicts the record.
func (s *session) findSnapshot(r *verify.Report) {
	s.snapshot, s.snapshotEvent, s.paper = model.Value{}, -1, nil
	if s.evidence != nil {
		s.headline = headline{why: "an equivocation evidence file"}
		return
	}
	i, ok := r.CurrentSnapshot()
	if !ok {
		s.headline = headline{why: "no current graph snapshot"}
		return
	}
	e := &s.bundle.Events[i]
	s.snapshotEvent, s.snapshot = i, e.Payload.Get("graph_snapshot")
	s.paper = verify.SnapshotPaper(s.bundle, e)
	title, _ := s.paperField("title")
	switch {
	case title.Match == verify.FieldContradicts:
		s.headline = headline{why: "✗ the snapshot's title contradicts the record", fails: true}
	case title.Match == verify.FieldNotStated || title.Found == "":
		s.headline = headline{why: "the current snapshot states no title"}
	case title.Match == verify.FieldNotInRecord:
		s.headline = headline{why: "the record commits to no title"}
	case !r.Coverage(eventPath(i, title.Path)).Verified():
		s.headline = headline{why: "the title is not verified"}
	default:
		s.headline = headline{title: model.Printable(title.Found)}
	}
}

// paperField is the current snapshot's field with this name.
func (s *session) paperField(name string) (verify.PaperField, bool) {
	if k := slices.IndexFunc(s.paper, func(f verify.PaperField) bool { return f.Name == name }); k >= 0 {
		return s.paper[k], true
	}
	return verify.PaperField{}, false
}

// eventPath is the bundle path of rel, a path inside event i ("$.payload…").
func eventPath(i int, rel string) string {
	return "$.events[" + strconv.Itoa(i) + "]" + strings.TrimPrefix(rel, "$")
}

// coverage is what proves the value at a bundle path; ok is false until
// verification is done. Answers are kept: details are rebuilt as the
// cursor moves, and a frame should not decide them again.
func (s *session) coverage(path string) (verify.Coverage, bool) {
	if s.report == nil {
		return verify.Coverage{}, false
	}
	c, ok := s.covered[path]
	if !ok {
		c = s.report.Coverage(path)
		s.covered[path] = c
	}
	return c, true
}

// names reports whether req names this bundle: a prefix of the pith
// number its record hashes to (not the one it claims), or an alias it
// lists.
func (s *session) names(req verify.Request) bool {
	if req.Alias != "" {
		return slices.ContainsFunc(s.bundle.SourceAliases, func(a model.Alias) bool { return strings.EqualFold(a.Value, req.Alias) })
	}
	if !s.derivedDone {
		s.derivedDone = true
		// an evidence file has no record: it names no bundle by number
		if rec := s.bundle.CanonicalRecord; rec.Exists() {
			if digest, err := model.SHA256Hex(rec); err == nil {
				s.derived, _ = model.PithNumber(digest, s.bundle.SubmittedAt)
			}
		}
	}
	if req.PithPrefix == "" || s.derived == "" {
		return false
	}
	year, _, _ := strings.Cut(strings.TrimPrefix(s.derived, "pith:"), ":")
	return strings.HasPrefix(model.BodyOf(s.derived), req.PithPrefix) && (req.PithYear == "" || req.PithYear == year)
}

// finish takes the verification report: checks in their final order, the
// merge's verdict on each event, the state differences, and the marks
// against the previous version.
func (s *session) finish(r *verify.Report, diffs []model.Difference, diffErr error) {
	s.report = r
	s.covered = map[string]verify.Coverage{}
	s.findSnapshot(r)
	s.checks.reset(len(s.bundle.Events))
	for _, c := range r.Checks {
		s.checks.add(c)
		if c.Name == verify.CheckEventLinks && c.Status != verify.OK && c.Event >= 0 {
			s.brokenLinks = append(s.brokenLinks, c)
		}
	}
	s.checks.done = true
	s.diffs = diffs
	if diffErr != nil {
		s.diffErr = diffErr.Error()
	}
	n := len(s.bundle.Events)
	s.roles = make([]string, n)
	s.forkOf = make([]int, n)
	if s.evidence != nil {
		s.forks = evidenceFork(s.evidence)
		for i := range s.roles {
			s.roles[i] = "in evidence"
		}
	}
	if m := r.Merge; m != nil {
		s.forks = m.Forks
		for i := range s.roles {
			s.roles[i] = "not applied"
		}
		for _, i := range m.Applied {
			s.roles[i] = "applied"
		}
		for k, f := range m.Forks {
			for _, i := range f.Events {
				s.roles[i], s.forkOf[i] = fmt.Sprintf("fork %d", k+1), k+1
			}
		}
		for _, inv := range m.Invalid {
			s.roles[inv.Index] = "invalid"
		}
		for i, role := range s.roles {
			if role == "not applied" && len(s.supersededBy[s.bundle.Events[i].EventID]) > 0 {
				s.roles[i] = "superseded"
			}
		}
	}
	if s.base != nil && s.base.statuses != nil {
		s.changedChecks = map[string]bool{}
		s.changedEvents = make([]bool, n)
		for _, c := range r.Checks {
			// A check is changed when its result differs from the first
			// version's, or when it is new and not ok. A new check that
			// passes is no change: the rollback check appears once the
			// cache has seen the bundle, a new event brings its own checks
			// (and is marked new).
			old, seen := s.base.statuses[checkKey(c)]
			if seen && old != c.Status || !seen && c.Status != verify.OK {
				s.changedChecks[checkKey(c)] = true
				if c.Event >= 0 && c.Event < n {
					s.changedEvents[c.Event] = true
				}
			}
		}
	}
}

// follow takes the baseline of the session it replaces when that is the
// same bundle (refetched), or makes that session the baseline, and marks
// the events the baseline did not have.
func (s *session) follow(prev *session) {
	if prev == nil || prev.bundle.PithNumber != s.bundle.PithNumber {
		return
	}
	s.base = prev.base
	if s.base == nil {
		s.base = &baseline{events: prev.eventIndex}
		if prev.checks.done {
			s.base.statuses = make(map[string]verify.Status, len(prev.checks.list))
			for _, c := range prev.checks.list {
				s.base.statuses[checkKey(c)] = c.Status
			}
		}
	}
	s.newEvents = make([]bool, len(s.bundle.Events))
	for i := range s.bundle.Events {
		if _, seen := s.base.events[s.bundle.Events[i].EventID]; !seen {
			s.newEvents[i] = true
		}
	}
}

func (s *session) isNew(i int) bool { return i < len(s.newEvents) && s.newEvents[i] }
func (s *session) changedEvent(i int) bool {
	return i < len(s.changedEvents) && s.changedEvents[i]
}

func (s *session) newCount() int {
	n := 0
	for _, v := range s.newEvents {
		if v {
			n++
		}
	}
	return n
}

func checkKey(c verify.Check) string { return c.Name + "\x00" + c.Subject }

// role is what the merge made of event i ("" until verification is done).
func (s *session) role(i int) string {
	if i < len(s.roles) {
		return s.roles[i]
	}
	return ""
}

// invalidReason is why the merge left event i out, or "".
func (s *session) invalidReason(i int) string {
	if s.report == nil || s.report.Merge == nil {
		return ""
	}
	invalid := s.report.Merge.Invalid
	if k := slices.IndexFunc(invalid, func(inv model.InvalidEvent) bool { return inv.Index == i }); k >= 0 {
		return invalid[k].Reason
	}
	return ""
}

// overall is the header's verdict: VERIFIED naming the keys behind it
// when one is not pinned (verify.Report.Verdict), UNTRUSTED KEY, FAILED n
// or CHECKING…; for an evidence file, its proof's title (FORK PROVEN,
// SPLIT VIEW NOT PROVEN…).
func (s *session) overall() (string, state) {
	c := &s.checks
	switch {
	case !c.done:
		return "CHECKING…", statePending
	case s.evidence != nil && s.report.Evidence.Proven:
		return s.report.Evidence.Title(), stateOK
	case s.evidence != nil:
		return s.report.Evidence.Title(), stateFail
	case c.fail+c.unknown == 0 && c.ok > 0:
		if s.report != nil {
			verdict, _ := s.report.Verdict()
			return model.Printable(verdict), stateOK
		}
		return "VERIFIED", stateOK
	case c.fail+c.unknown == c.untrustedKey:
		return "UNTRUSTED KEY", stateUnknown
	}
	return fmt.Sprintf("FAILED %d", c.fail+c.unknown), stateFail
}

// checkIndex holds the checks received so far, indexed for the lookups
// rows make per frame (so a frame never scans every check).
type checkIndex struct {
	list      []verify.Check
	byEvent   [][]int32
	bySubject map[string][]int32
	tally     map[string]*tally // by check name
	ok, fail  int
	unknown   int
	// untrustedKey counts key_trust failures that only say a key came from
	// the bundle: with nothing else failing, the verdict is UNTRUSTED KEY.
	untrustedKey int
	done         bool
}

type tally struct{ ok, fail, unknown int }

func (c *checkIndex) reset(events int) {
	*c = checkIndex{byEvent: make([][]int32, events), bySubject: map[string][]int32{}, tally: map[string]*tally{}}
}

func (c *checkIndex) add(ch verify.Check) {
	i := int32(len(c.list))
	c.list = append(c.list, ch)
	if ch.Event >= 0 && ch.Event < len(c.byEvent) {
		c.byEvent[ch.Event] = append(c.byEvent[ch.Event], i)
	}
	c.bySubject[ch.Subject] = append(c.bySubject[ch.Subject], i)
	t := c.tally[ch.Name]
	if t == nil {
		t = &tally{}
		c.tally[ch.Name] = t
	}
	switch ch.Status {
	case verify.OK:
		c.ok++
		t.ok++
	case verify.Fail:
		c.fail++
		t.fail++
		if ch.Name == verify.CheckKeyTrust && ch.Found == string(verify.TrustBundleOnly) {
			c.untrustedKey++
		}
	default:
		c.unknown++
		t.unknown++
	}
}

// find returns the check with this name among those at positions idx.
func (c *checkIndex) find(idx []int32, name string) (verify.Check, bool) {
	for _, i := range idx {
		if c.list[i].Name == name {
			return c.list[i], true
		}
	}
	return verify.Check{}, false
}

// checkFor finds one check by name and subject.
func (s *session) checkFor(name, subject string) (verify.Check, bool) {
	return s.checks.find(s.checks.bySubject[subject], name)
}

// eventState combines the named checks of event i; a check that has not
// arrived is pending while verification runs.
func (c *checkIndex) eventState(i int, names ...string) state {
	if i < 0 || i >= len(c.byEvent) {
		return stateNone
	}
	return c.combine(c.byEvent[i], names)
}

func (c *checkIndex) subjectState(subject string, names ...string) state {
	return c.combine(c.bySubject[subject], names)
}

func (c *checkIndex) combine(idx []int32, names []string) state {
	st := stateNone
	for _, n := range names {
		if ch, ok := c.find(idx, n); ok {
			st = worse(st, stateOf(ch.Status))
		} else if !c.done {
			st = worse(st, statePending)
		}
	}
	return st
}

// nameState combines every check with one of these names (all events'
// signatures, say) from the running tallies.
func (c *checkIndex) nameState(names ...string) state {
	t := c.counts(names...)
	switch {
	case t.fail > 0:
		return stateFail
	case !c.done:
		return statePending
	case t.unknown > 0:
		return stateUnknown
	case t.ok > 0:
		return stateOK
	}
	return stateNone
}

func (c *checkIndex) counts(names ...string) tally {
	var t tally
	for _, n := range names {
		if x := c.tally[n]; x != nil {
			t.ok, t.fail, t.unknown = t.ok+x.ok, t.fail+x.fail, t.unknown+x.unknown
		}
	}
	return t
}

// named lists the checks with one of these names, in report order. It
// scans every check: for details, never for rows.
func (c *checkIndex) named(names ...string) []verify.Check {
	var out []verify.Check
	for _, ch := range c.list {
		if slices.Contains(names, ch.Name) {
			out = append(out, ch)
		}
	}
	return out
}

func (c *checkIndex) forEvent(i int) []verify.Check {
	if i < 0 || i >= len(c.byEvent) {
		return nil
	}
	out := make([]verify.Check, 0, len(c.byEvent[i]))
	for _, k := range c.byEvent[i] {
		out = append(out, c.list[k])
	}
	return out
}

// shortID is the first 8 hex digits of an event id, for tables.
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 8 {
		id = id[:8]
	}
	return id
}
