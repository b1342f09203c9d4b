package ui

import (
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// areaRow is how the overview shows one verify.Area: a row with the
// combined badge of the area's checks (verify.Registry says which they
// are) and what a pass means. With a pane, Enter goes there; without,
// Enter unfolds the row into its checks with expected and found values.
type areaRow struct {
	area  verify.Area
	label string
	pane  paneID                // "" unfolds instead
	row   func(*session) int    // the row of pane to select; nil for none
	ok    func(*session) string // what a pass means, for this bundle
	// optional rows show only once one of their checks has run: a
	// bundle fetched by id, a bundle seen before.
	optional bool
	// problem words a failed check for the row, when its detail is too
	// long to read there; nil, or "", uses the detail.
	problem func(verify.Check) string
	// after adds lines under the row (the record's digest).
	after func(*session, *doc)
}

// overviewAreas is the only list of the verification areas the explorer
// shows, in the overview's order. A new check in an existing area needs
// nothing here: its area's row reads verify.Registry. A new area is one
// row.
var overviewAreas = []areaRow{
	{area: verify.AreaRequest, label: "Requested", optional: true, ok: says("the bundle is the one asked for")},
	{area: verify.AreaRecord, label: "Record", ok: says("the record hashes to this pith number"), after: recordDigest},
	{area: verify.AreaReceipt, label: "Receipt", pane: paneEvents, row: receiptEvent, ok: receiptText},
	{area: verify.AreaAliases, label: "Aliases", pane: paneAliases, ok: aliasesText},
	{area: verify.AreaKeys, label: "Keys", pane: paneKeys, ok: keysText},
	{area: verify.AreaEvents, label: "Events", pane: paneEvents, ok: eventsText},
	{area: verify.AreaForks, label: "Forks", pane: paneForks, ok: says("no signer forked its chain; every event link resolves"), problem: forkProblem},
	{area: verify.AreaState, label: "State", pane: paneState, ok: says("the served state is the one the events give")},
	{area: verify.AreaBundle, label: "Bundle", ok: bundleText},
	{area: verify.AreaRollback, label: "Rollback", optional: true, ok: says("no event seen before has gone")},
}

// says is an ok text that does not depend on the bundle.
func says(text string) func(*session) string {
	return func(*session) string { return text }
}

// areaChecks names an area's checks, in registry order.
func areaChecks(a verify.Area) []string {
	var out []string
	for _, s := range verify.Registry {
		if s.Area == a {
			out = append(out, s.Name)
		}
	}
	return out
}

// checkLabels lists the labels of checks for a sentence: "digest, id,
// signature and subject".
func checkLabels(names []string) string {
	labels := make([]string, len(names))
	for i, n := range names {
		labels[i] = checkLabel(n)
	}
	if len(labels) < 2 {
		return strings.Join(labels, "")
	}
	return strings.Join(labels[:len(labels)-1], ", ") + " and " + labels[len(labels)-1]
}

// checkLabel is a check's short label from the registry (its name, for a
// check the registry does not know).
func checkLabel(name string) string {
	if s, ok := verify.Spec(name); ok && s.Label != "" {
		return s.Label
	}
	return name
}

// forkProblem says what a failed equivocation or event_links check means
// without its detail, which lists every event id (the Forks pane shows
// them); "" for a broken link, whose detail is short.
func forkProblem(c verify.Check) string {
	switch {
	case c.Name == verify.CheckEquivocation:
		return c.Subject + ": one signer signed several events for one place in its chain"
	case strings.HasPrefix(c.Subject, "chain:"):
		return c.Subject + ": one signer started two chains for one target"
	}
	return ""
}

// recordDigest is the line under the Record row: the record's digest, or
// the expected and found ones when they differ.
func recordDigest(s *session, d *doc) {
	b := s.bundle
	if ch, ok := s.checkFor(verify.CheckCanonicalDigest, verify.SubjectBundle); ok && ch.Status != verify.OK && ch.Expected != "" {
		d.field("  expected", model.Printable(ch.Expected), ch.Expected)
		d.field("  found", model.Printable(ch.Found), ch.Found)
		return
	}
	d.field("  sha256", model.Printable(b.CanonicalSHA256), b.CanonicalSHA256)
}

// receiptText, aliasesText, eventsText and bundleText say what a pass of
// their area means for this bundle.
func receiptText(s *session) string {
	return "signed by " + signerText(s, receiptKey(s))
}

func aliasesText(s *session) string {
	shorts := 0
	for _, a := range s.bundle.SourceAliases {
		if strings.HasPrefix(a.Kind, "pith_short_") {
			shorts++
		}
	}
	return plural(shorts, "pith_short alias") + " agree with the number"
}

func eventsText(s *session) string {
	return plural(len(s.bundle.Events), "event") + ": " + checkLabels(areaChecks(verify.AreaEvents)) + " each ok"
}

func bundleText(s *session) string {
	return "digest ok, signed by " + signerText(s, s.bundle.BundleSignature.KeyID)
}

// receiptEvent is the record_created event (where the receipt is), or -1.
func receiptEvent(s *session) int {
	for i := range s.bundle.Events {
		if s.bundle.Events[i].EventType == model.RecordCreated {
			return i
		}
	}
	return -1
}

func receiptKey(s *session) string {
	if i := receiptEvent(s); i >= 0 {
		if rc, ok := s.bundle.Events[i].Receipt(); ok {
			return rc.KeyID
		}
	}
	return ""
}

// signerText names a key and how far it is trusted: "pith-v1-2026-05
// (pinned)".
func signerText(s *session, keyID string) string {
	text := model.Printable(keyID)
	if c, ok := s.checkFor(verify.CheckKeyTrust, verify.KeySubject(keyID)); ok {
		text += " (" + model.Printable(c.Found) + ")"
	}
	return text
}

// keysText lists the signing keys and their trust.
func keysText(s *session) string {
	var parts []string
	for _, ch := range s.checks.named(verify.CheckKeyTrust) {
		parts = append(parts, model.Printable(strings.TrimPrefix(ch.Subject, "key:")+" "+ch.Found))
	}
	if len(parts) == 0 {
		return "no signing key"
	}
	return strings.Join(parts, ", ")
}
