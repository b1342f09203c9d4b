package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pithscope/pithscope/model"
)

// Comparing sources (pithscope verify --sources): the copies of one bundle
// that its sources serve are each verified on their own, then compared by
// the valid events they hold. One copy verified alone cannot show that a
// server tells different readers different histories; two signed copies
// that each hold a valid event the other lacks can, and so can events that
// together fork one signer's chain though each copy alone is clean.
//
// Only a copy whose checks show it signed throughout by trusted keys
// (NotSignedByTrustedKeys is "") takes part: whatever an unverified copy holds is
// nobody's signed word, so it can be "unverified", never a split view.

// SourceKind says what a source is.
type SourceKind string

const (
	SourceResolver  SourceKind = "resolver"            // the resolver's /pith/ID/bundle.json
	SourceWellKnown SourceKind = "resolver well-known" // the resolver's /.well-known/pith/ID/bundle.json
	SourceMirror    SourceKind = "mirror"              // a mirror the person named
	SourceHint      SourceKind = "mirror hint"         // a mirror a verified copy named
	SourceCache     SourceKind = "cache"               // the copy the cache kept
	SourceHistory   SourceKind = "history"             // the event ids the cache saw in verified versions
	SourceFile      SourceKind = "file"                // a file on this machine
)

// Networked reports a source that is fetched over the network.
func (k SourceKind) Networked() bool {
	return k == SourceResolver || k == SourceWellKnown || k == SourceMirror || k == SourceHint
}

// SourceVerdict is what a comparison says of one source, and (for the
// words that apply) of all of them.
type SourceVerdict string

const (
	SourcePending  SourceVerdict = "pending"  // not answered yet
	SourceVerified SourceVerdict = "verified" // answered with a copy that verifies; not compared yet
	// SourceAgree: the source holds every valid event any verified source
	// serves (for the comparison: every source does).
	SourceAgree SourceVerdict = "agree"
	// SourceBehind: a strict subset of what another verified source
	// serves: a stale copy, not misbehaviour.
	SourceBehind SourceVerdict = "behind"
	// SourceSplit: it holds a valid event another verified source lacks,
	// and lacks one that source holds.
	SourceSplit       SourceVerdict = "split view"
	SourceUnreachable SourceVerdict = "unreachable" // no copy: the why says what failed
	SourceUnverified  SourceVerdict = "unverified"  // a copy that does not verify: the why says how
	// SourceFork is a comparison's verdict only: no split, but a copy
	// holds two events that fork one signer's chain.
	SourceFork SourceVerdict = "fork"
)

// Source is one place a copy of the bundle was read from, and what its
// copy proved.
type Source struct {
	Name    string // a URL, a cache entry, a file (raw: escape before printing)
	Kind    SourceKind
	Verdict SourceVerdict
	// Why says why a source is unreachable or unverified, or what else a
	// person should know of its copy (checks that fail though it is signed
	// throughout, another source it is behind).
	Why string
	// Report is the copy's verification on its own (nil without a copy:
	// unreachable, pending, the history).
	Report    *Report
	FetchedAt time.Time // when the copy was fetched (zero: unknown)
	// Events are the ids of the valid events the copy holds, in its order;
	// for the history, every event id a verified version had.
	Events []string
	// Newest is when its newest valid event was created (as its signer
	// signed it); for the history, when it last recorded a new event.
	Newest time.Time
	// Ahead lists the sources that serve a strict superset of this one
	// (it is behind them), SplitWith those it splits with: indices into
	// the comparison's sources.
	Ahead, SplitWith []int

	valid map[string]int // valid event id → its index in the copy's bundle
}

// PendingSource is a source not asked yet.
func PendingSource(name string, kind SourceKind) Source {
	return Source{Name: name, Kind: kind, Verdict: SourcePending}
}

// UnreachableSource is a source that answered with no copy.
func UnreachableSource(name string, kind SourceKind, why string) Source {
	return Source{Name: name, Kind: kind, Verdict: SourceUnreachable, Why: why}
}

// HistorySource is the event ids the cache recorded from verified versions
// of the bundle, last changed at recorded. It holds no signature, so it can
// show another source behind or split from what this machine saw, but no
// evidence file can be made of it.
func HistorySource(name string, ids []string, recorded time.Time) Source {
	return Source{Name: name, Kind: SourceHistory, Verdict: SourceVerified, Events: ids, Newest: recorded,
		Why: "the event ids verified versions had, without their signatures"}
}

// CopySource is a copy verified on its own (r, from Run with the trust and
// the request every copy shares). It takes part in the comparison only
// when r shows it signed throughout by trusted keys.
func CopySource(name string, kind SourceKind, r *Report, fetchedAt time.Time) Source {
	s := Source{Name: name, Kind: kind, Report: r, FetchedAt: fetchedAt}
	if why := r.NotSignedByTrustedKeys(); why != "" {
		s.Verdict, s.Why = SourceUnverified, why
		return s
	}
	s.Verdict = SourceVerified
	s.valid = validEvents(r)
	b := r.Bundle()
	for i := range b.Events {
		e := &b.Events[i]
		if j, ok := s.valid[e.EventID]; !ok || j != i {
			continue
		}
		s.Events = append(s.Events, e.EventID)
		if at, err := time.Parse(time.RFC3339, e.CreatedAt); err == nil && at.After(s.Newest) {
			s.Newest = at
		}
	}
	if !r.OK() {
		s.Why = "signed throughout by trusted keys, but " + r.NotOK()
	}
	return s
}

// validEvents maps each valid event id of a verified copy to its index.
func validEvents(r *Report) map[string]int {
	b := r.Bundle()
	invalid := map[int]bool{}
	if r.Merge != nil {
		for _, inv := range r.Merge.Invalid {
			invalid[inv.Index] = true
		}
	}
	out := make(map[string]int, len(b.Events))
	for i := range b.Events {
		if _, dup := out[b.Events[i].EventID]; !dup && !invalid[i] {
			out[b.Events[i].EventID] = i
		}
	}
	return out
}

// isCopy reports a verified copy of the bundle compared (not the history).
func (s *Source) isCopy() bool { return s.Report != nil && s.valid != nil }

// compared reports a source whose events take part in the comparison.
func (s *Source) compared() bool {
	switch s.Verdict {
	case SourceVerified, SourceAgree, SourceBehind, SourceSplit:
		return true
	}
	return false
}

// Digest is the bundle_sha256 computed from the copy ("" without one).
func (s Source) Digest() string {
	if s.Report == nil {
		return ""
	}
	return s.Report.BundleSHA256
}

// Mark is how a verdict reads without colour: ✓ agree, ↓ behind, ✗ split
// view, ? unreachable or unverified, … pending.
func (v SourceVerdict) Mark() string {
	switch v {
	case SourceAgree, SourceVerified:
		return "✓"
	case SourceBehind:
		return "↓"
	case SourceSplit, SourceFork:
		return "✗"
	case SourcePending:
		return "…"
	}
	return "?"
}

// Comparison is what sources serve of one bundle, compared.
type Comparison struct {
	// PithNumber is the record compared: the number the first verified
	// copy's record hashes to ("" when no copy verified).
	PithNumber string
	Sources    []Source
	Verdict    SourceVerdict // agree, behind, split view, fork, unverified or unreachable
	// Forks are the equivocations among the union of every verified
	// copy's valid events: a signer's chain forked, on one source or
	// across several.
	Forks []UnionFork
	// Proofs are what evidence files can prove: each fork across sources,
	// then each pair of copies split apart without one.
	Proofs []SplitProof
	// Notes are what a person should know besides (a cache write that
	// failed), printable.
	Notes []string
}

// SourceEvent is one event of one source's copy.
type SourceEvent struct {
	Source int // index into Comparison.Sources
	Event  int // index into that copy's bundle events
}

// UnionFork is a fork among the valid events of every verified copy.
type UnionFork struct {
	model.Fork
	// Events says where each of the fork's events came from (the first
	// copy, in source order, that holds it), in the fork's order.
	Events []SourceEvent
	// Across is true when no single copy holds every event of the fork:
	// each copy alone is clean, only together do they show it.
	Across bool
}

// SplitProof is what one evidence file can prove: two or more signed
// events, each with the signed copy it came from.
type SplitProof struct {
	Fork   *UnionFork // set for a fork across sources
	Events []SourceEvent
}

// maxProofs bounds the evidence files a comparison offers.
const maxProofs = 16

// CompareSources compares sources (in the order they were listed: the
// first verified copy names the record compared). A pending source is
// counted as unreachable. Every verified copy, and the history, is
// compared with every other: a strict subset is behind, two sets neither
// of which holds the other are a split view. Equivocation is then looked
// for over the union of the valid events of every verified copy.
func CompareSources(sources []Source) *Comparison {
	c := &Comparison{Sources: slices.Clone(sources)}
	ss := c.Sources
	for i := range ss {
		s := &ss[i]
		s.Ahead, s.SplitWith = nil, nil
		switch {
		case s.Verdict == SourcePending:
			s.Verdict, s.Why = SourceUnreachable, "no answer in time"
		case !s.compared():
		case s.isCopy() && c.PithNumber == "":
			c.PithNumber = s.Report.PithNumber
		case s.isCopy() && s.Report.PithNumber != c.PithNumber:
			s.Verdict, s.Why = SourceUnverified, "another record: "+s.Report.PithNumber+" (the first verified copy is "+c.PithNumber+")"
		}
	}
	if c.PithNumber == "" { // no verified copy: the history alone compares with nothing
		for i := range ss {
			if ss[i].compared() {
				ss[i].Verdict = SourceAgree
			}
		}
		c.Verdict = c.overall()
		return c
	}
	sets := make([]map[string]bool, len(ss))
	for i := range ss {
		if ss[i].compared() {
			sets[i] = setOf(ss[i].Events)
		}
	}
	var splitPairs [][2]int
	for i := range ss {
		for j := i + 1; j < len(ss); j++ {
			if sets[i] == nil || sets[j] == nil {
				continue
			}
			iInJ, jInI := subset(ss[i].Events, sets[j]), subset(ss[j].Events, sets[i])
			switch {
			case iInJ && jInI:
			case iInJ:
				ss[i].Ahead = append(ss[i].Ahead, j)
			case jInI:
				ss[j].Ahead = append(ss[j].Ahead, i)
			default:
				ss[i].SplitWith = append(ss[i].SplitWith, j)
				ss[j].SplitWith = append(ss[j].SplitWith, i)
				if ss[i].isCopy() && ss[j].isCopy() {
					splitPairs = append(splitPairs, [2]int{i, j})
				}
			}
		}
	}
	for i := range ss {
		s := &ss[i]
		switch {
		case !s.compared():
		case len(s.SplitWith) > 0:
			s.Verdict = SourceSplit
		case len(s.Ahead) > 0:
			s.Verdict = SourceBehind
		default:
			s.Verdict = SourceAgree
		}
	}
	c.findForks()
	c.findProofs(splitPairs)
	c.Verdict = c.overall()
	return c
}

// setOf is ids as a set.
func setOf(ids []string) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// subset reports whether every id is in set.
func subset(ids []string, set map[string]bool) bool {
	for _, id := range ids {
		if !set[id] {
			return false
		}
	}
	return true
}

// findForks looks for equivocation over the union of the valid events of
// every verified copy, with the merge's rule (one signer key, subject,
// target and prev_event; several ids), so that a fork whose branches sit
// on different sources is found.
func (c *Comparison) findForks() {
	union := &model.Bundle{PithNumber: c.PithNumber}
	var from []SourceEvent
	seen := map[string]bool{}
	for i := range c.Sources {
		s := &c.Sources[i]
		if !s.isCopy() || !s.compared() {
			continue
		}
		b := s.Report.Bundle()
		for _, id := range s.Events {
			if seen[id] {
				continue
			}
			seen[id] = true
			e := b.Events[s.valid[id]]
			e.Index = len(union.Events)
			union.Events = append(union.Events, e)
			from = append(from, SourceEvent{Source: i, Event: s.valid[id]})
		}
	}
	signer := func(e *model.Event) string {
		return string(c.Sources[from[e.Index].Source].Report.Keys[e.Signer.KeyID].Key)
	}
	merge := model.RecomputeState(union, c.PithNumber, func(*model.Event) string { return "" }, signer)
	for _, f := range merge.Forks {
		sf := UnionFork{Fork: f, Across: true}
		for _, u := range f.Events {
			sf.Events = append(sf.Events, from[u])
		}
		for i := range c.Sources {
			if s := &c.Sources[i]; s.isCopy() && s.compared() && holdsAll(s, f.EventIDs) {
				sf.Across = false
			}
		}
		c.Forks = append(c.Forks, sf)
	}
}

func holdsAll(s *Source, ids []string) bool {
	for _, id := range ids {
		if _, ok := s.valid[id]; !ok {
			return false
		}
	}
	return true
}

// findProofs lists what evidence files can prove: each fork across
// sources, then each split pair of copies, with the first valid event of
// each that the other lacks, unless a proof already holds both events
// (copies with the same events split the same way once).
func (c *Comparison) findProofs(splitPairs [][2]int) {
	var held []map[string]bool // the event ids of each proof
	add := func(p SplitProof) {
		var ids []string
		for _, e := range p.Events {
			ids = append(ids, c.Sources[e.Source].Report.Bundle().Events[e.Event].EventID)
		}
		for _, h := range held {
			if len(c.Proofs) == maxProofs || subset(ids, h) {
				return
			}
		}
		held = append(held, setOf(ids))
		c.Proofs = append(c.Proofs, p)
	}
	for n := range c.Forks {
		if f := &c.Forks[n]; f.Across {
			add(SplitProof{Fork: f, Events: f.Events})
		}
	}
	for _, p := range splitPairs {
		a, b := &c.Sources[p[0]], &c.Sources[p[1]]
		add(SplitProof{Events: []SourceEvent{
			{Source: p[0], Event: a.valid[firstMissing(a.Events, b.valid)]},
			{Source: p[1], Event: b.valid[firstMissing(b.Events, a.valid)]},
		}})
	}
}

// firstMissing is the first id that other lacks.
func firstMissing(ids []string, other map[string]int) string {
	for _, id := range ids {
		if _, ok := other[id]; !ok {
			return id
		}
	}
	return ""
}

// overall is the comparison's verdict: a split view or a fork first (each
// proves misbehaviour), then nothing fetched (only this machine's cache,
// history or files answered, though network sources were asked), then no
// verified copy, then behind, else agree.
func (c *Comparison) overall() SourceVerdict {
	n := c.count()
	fetched, asked, verifiedCopy := false, false, false
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Kind.Networked() {
			asked = true
			fetched = fetched || s.Verdict != SourceUnreachable
		}
		verifiedCopy = verifiedCopy || (s.isCopy() && s.compared())
	}
	switch {
	case n[SourceSplit] > 0:
		return SourceSplit
	case len(c.Forks) > 0:
		return SourceFork
	case asked && !fetched:
		return SourceUnreachable
	case !verifiedCopy && n[SourceUnverified] > 0:
		return SourceUnverified
	case !verifiedCopy:
		return SourceUnreachable
	case n[SourceBehind] > 0:
		return SourceBehind
	}
	return SourceAgree
}

// OK reports a comparison that found no disagreement: every verified
// source agrees, or some are only behind.
func (c *Comparison) OK() bool { return c.Verdict == SourceAgree || c.Verdict == SourceBehind }

// count counts the sources by verdict.
func (c *Comparison) count() map[SourceVerdict]int {
	n := map[SourceVerdict]int{}
	for _, s := range c.Sources {
		n[s.Verdict]++
	}
	return n
}

// counts lists the count of each verdict but except, in a fixed order:
// "1 behind, 2 unreachable".
func (c *Comparison) counts(except ...SourceVerdict) string {
	n := c.count()
	var parts []string
	for _, v := range []SourceVerdict{SourceAgree, SourceBehind, SourceSplit, SourceUnverified, SourceUnreachable} {
		if n[v] > 0 && !slices.Contains(except, v) {
			parts = append(parts, fmt.Sprintf("%d %s", n[v], v))
		}
	}
	return strings.Join(parts, ", ")
}

// Summary is the comparison's line for people, with the words agree,
// behind and split view: "3 sources agree", "2 sources agree, 1 behind
// (a stale copy, not misbehaviour)", "split view: …" (raw: escape before
// printing).
func (c *Comparison) Summary() string {
	n := c.count()
	withCounts := func(text string, except ...SourceVerdict) string {
		if rest := c.counts(except...); rest != "" {
			text += "; " + rest
		}
		return text
	}
	switch c.Verdict {
	case SourceSplit:
		text := fmt.Sprintf("split view: %d sources serve histories that differ, each with a valid event another lacks", n[SourceSplit])
		for _, f := range c.Forks {
			if f.Across {
				text += "; " + f.describe(c, "across sources")
				break
			}
		}
		if len(c.Proofs) == 0 {
			text += " (only against this machine's history, which keeps ids, not signed events: no evidence file)"
		}
		return withCounts(text, SourceSplit)
	case SourceFork:
		return withCounts("fork: " + c.Forks[0].describe(c, "on one source"))
	case SourceUnreachable:
		if n[SourceAgree]+n[SourceBehind] > 0 {
			return withCounts("nothing could be fetched; only what this machine holds was compared")
		}
		return withCounts("nothing could be fetched")
	case SourceUnverified:
		return withCounts("no source served a copy that verifies")
	case SourceBehind:
		return withCounts(fmt.Sprintf("%s, %d behind (a stale copy, not misbehaviour)", agreeing(n[SourceAgree]), n[SourceBehind]), SourceAgree, SourceBehind)
	}
	if n[SourceAgree] == 1 {
		return withCounts("1 source agrees with itself: nothing to compare it with", SourceAgree)
	}
	return withCounts(agreeing(n[SourceAgree]), SourceAgree)
}

// Explain says what stands behind source i's verdict: which source it is
// behind or split from and by how many events, why it is unreachable or
// unverified, what else a person should know of it (raw: escape before
// printing).
func (c *Comparison) Explain(i int) string {
	s := &c.Sources[i]
	var parts []string
	switch {
	case s.Verdict == SourceBehind:
		a := &c.Sources[s.Ahead[0]]
		parts = append(parts, fmt.Sprintf("lacks %s %s holds", plural(countMissing(a.Events, s.Events), "event"), a.Name))
	case s.Verdict == SourceSplit:
		o := &c.Sources[s.SplitWith[0]]
		parts = append(parts, fmt.Sprintf("holds %s %s lacks, and lacks %s it holds",
			plural(countMissing(s.Events, o.Events), "event"), o.Name, plural(countMissing(o.Events, s.Events), "event")))
	}
	if s.Why != "" {
		parts = append(parts, s.Why)
	}
	return strings.Join(parts, "; ")
}

// countMissing counts the ids that are not in other.
func countMissing(ids, other []string) int {
	in := setOf(other)
	n := 0
	for _, id := range ids {
		if !in[id] {
			n++
		}
	}
	return n
}

// Mark is the comparison in a few words, for a header: "3 sources agree",
// "2 sources agree · 1 behind", "SPLIT VIEW", "FORK".
func (c *Comparison) Mark() string {
	n := c.count()
	switch c.Verdict {
	case SourceSplit:
		return "SPLIT VIEW"
	case SourceFork:
		return "FORK"
	case SourceUnreachable:
		return "sources unreachable"
	case SourceUnverified:
		return "no source verifies"
	case SourceBehind:
		return fmt.Sprintf("%s · %d behind", agreeing(n[SourceAgree]), n[SourceBehind])
	}
	if n[SourceAgree] == 1 {
		return "1 source"
	}
	return agreeing(n[SourceAgree])
}

// agreeing is "1 source agrees", "3 sources agree".
func agreeing(n int) string {
	if n == 1 {
		return "1 source agrees"
	}
	return fmt.Sprintf("%d sources agree", n)
}

// describe says what a fork is and where its events are.
func (f *UnionFork) describe(c *Comparison, where string) string {
	prev := f.PrevEvent
	if prev == "" {
		prev = "null"
	}
	var at []string
	for _, e := range f.Events {
		at = append(at, c.Sources[e.Source].Name)
	}
	slices.Sort(at)
	at = slices.Compact(at)
	return fmt.Sprintf("%s signed %d events for %s after %s %s (%s)", forkSigner(f.Fork), len(f.EventIDs), f.Target, prev, where, strings.Join(at, ", "))
}

// Describe says what a proof's evidence file holds, for people (raw:
// escape before printing).
func (p SplitProof) Describe(c *Comparison) string {
	if p.Fork != nil {
		return "fork across sources: " + p.Fork.describe(c, "on different sources")
	}
	var parts []string
	for _, e := range p.Events {
		s := &c.Sources[e.Source]
		parts = append(parts, s.Name+" serves "+s.Report.Bundle().Events[e.Event].EventID)
	}
	return "split view: " + strings.Join(parts, ", ") + ", each lacking the other's"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Age is a duration rounded for people: 42s, 5m, 3h, 2d.
func Age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// JSONSources is the schema of `pithscope verify --sources --json`. Fields
// are only ever added.
type JSONSources struct {
	// OK is true when the sources agree or some are only behind: the exit
	// status is 0 exactly then.
	OK bool `json:"ok"`
	// Source is the file compared (verify --compare-with); left out
	// otherwise.
	Source         string        `json:"source,omitempty"`
	PithNumber     string        `json:"pith_number"`
	Verdict        string        `json:"verdict"` // the summary line
	SourcesVerdict SourceVerdict `json:"sources_verdict"`
	Sources        []JSONSource  `json:"sources"`
	// Proofs say what each evidence file would hold, in the order
	// WriteSplitEvidenceFile numbers them.
	Proofs []string `json:"proofs"`
}

// JSONSource is one source in the --json schema.
type JSONSource struct {
	Source  string        `json:"source"`
	Kind    SourceKind    `json:"kind"`
	Verdict SourceVerdict `json:"verdict"`
	Why     string        `json:"why,omitempty"`
	Events  int           `json:"events"`
	// BundleSHA256 is the digest computed from the copy ("" without one).
	BundleSHA256 string   `json:"bundle_sha256,omitempty"`
	NewestEvent  string   `json:"newest_event_at,omitempty"`
	FetchedAt    string   `json:"fetched_at,omitempty"`
	BehindOf     []string `json:"behind,omitempty"`     // the sources it is behind
	SplitWith    []string `json:"split_with,omitempty"` // the sources it splits with
}

// MarshalSources renders a comparison in the --json schema; source names
// the file compared ("" for none).
func MarshalSources(c *Comparison, source string) ([]byte, error) {
	out := JSONSources{OK: c.OK(), Source: source, PithNumber: c.PithNumber, Verdict: c.Summary(), SourcesVerdict: c.Verdict,
		Sources: []JSONSource{}, Proofs: []string{}}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	names := func(idx []int) []string {
		var ns []string
		for _, i := range idx {
			ns = append(ns, c.Sources[i].Name)
		}
		return ns
	}
	for i, s := range c.Sources {
		out.Sources = append(out.Sources, JSONSource{Source: s.Name, Kind: s.Kind, Verdict: s.Verdict, Why: c.Explain(i),
			Events: len(s.Events), BundleSHA256: s.Digest(), NewestEvent: stamp(s.Newest), FetchedAt: stamp(s.FetchedAt),
			BehindOf: names(s.Ahead), SplitWith: names(s.SplitWith)})
	}
	for _, p := range c.Proofs {
		out.Proofs = append(out.Proofs, p.Describe(c))
	}
	js, err := json.Marshal(out)
	return model.EscapeJSONForTerminal(js), err
}
