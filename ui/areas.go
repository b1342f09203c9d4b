package ui

import (
	"strings"

	"github.com/pithscope/pithscope/verify"
)

// areaRow is how the overview shows one verify.Area: a row with the
// combined badge of the area's checks (verify.Registry says which they
// are) and what a pass means. With a pane, Enter goes there; without,
// Enter unfolds the row into its checks with expected and found values.
type areaRow struct {
	area  verify.Area
	label string
	pane  paneID                     // "" unfolds instead
	row   func(*overviewPane) int    // the row of pane to select; nil for none
	ok    func(*overviewPane) string // what a pass means, for this bundle
	// optional rows show only once one of their checks has run: a
	// bundle fetched by id, a bundle seen before.
	optional bool
	// problem words a failed check for the row, when its detail is too
	// long to read there; nil uses the detail.
	problem func(verify.Check) string
	// after adds lines under the row (the record's digest).
	after func(*overviewPane, *doc)
}

// overviewAreas is the only list of the verification areas the explorer
// shows, in the overview's order. A new check in an existing area needs
// nothing here: its area's row reads verify.Registry. A new area is one
// row.
var overviewAreas = []areaRow{
	{area: verify.AreaRequest, label: "Requested", optional: true, ok: says("the bundle is the one asked for")},
	{area: verify.AreaRecord, label: "Record", ok: says("the record hashes to this pith number"), after: (*overviewPane).recordDigest},
	{area: verify.AreaReceipt, label: "Receipt", pane: paneEvents, row: (*overviewPane).receiptEvent, ok: (*overviewPane).receiptText},
	{area: verify.AreaAliases, label: "Aliases", pane: paneAliases, ok: (*overviewPane).aliasesText},
	{area: verify.AreaKeys, label: "Keys", pane: paneKeys, ok: (*overviewPane).keysText},
	{area: verify.AreaEvents, label: "Events", pane: paneEvents, ok: (*overviewPane).eventsText},
	{area: verify.AreaForks, label: "Forks", pane: paneForks, ok: says("no signer forked its chain"), problem: forkProblem},
	{area: verify.AreaState, label: "State", pane: paneState, ok: says("the served state is the one the events give")},
	{area: verify.AreaBundle, label: "Bundle", ok: (*overviewPane).bundleText},
	{area: verify.AreaRollback, label: "Rollback", optional: true, ok: says("no event seen before has gone")},
}

// says is an ok text that does not depend on the bundle.
func says(text string) func(*overviewPane) string {
	return func(*overviewPane) string { return text }
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

// forkProblem says what a failed equivocation check means without its
// detail, which lists every event id (the Forks pane shows them).
func forkProblem(c verify.Check) string {
	return c.Subject + ": one signer signed several events for one place in its chain"
}
