package ui

import "slices"

// paneSpec is what the root knows of a pane: the tab bar, the number
// keys, the help screen and the hints all read it from here.
type paneSpec struct {
	id    paneID
	title string // the pane's one name, at every width
	about string // what the pane shows, for the help screen
	new   func(*env) pane
}

// paneTable is the only list of panes; its order is the tab order and
// the number keys' order. A new pane is its own file (pane_x.go, which
// declares its paneID) plus one row here.
var paneTable = []paneSpec{
	{paneOverview, "Overview", "the paper, one verification row per area of checks, the record's completeness", newOverviewPane},
	{paneEvents, "Events", "every event with its digest and signature badges, links and JSON", newEventsPane},
	{paneAliases, "Aliases", "the source aliases; the pith_short ones checked against the number", newAliasesPane},
	{paneGraph, "Graph", "the graph snapshot, section by section", newGraphPane},
	{paneKeys, "Keys", "every signing key: fingerprints, trust, what it signed", newKeysPane},
	{paneState, "State", "the served state against the one recomputed from the events", newStatePane},
	{paneForks, "Forks", "signers that signed two events for one place in their chain (equivocations)", newForksPane},
	{paneRaw, "Raw", "the whole bundle as a foldable JSON tree", newRawPane},
	{paneSources, "Sources", "what every source serves for this record, each copy verified, compared: agree, behind, split view", newSourcesPane},
}

// paneNumberKeys go straight to a pane: the first ten panes have one;
// the others are a tab away.
const paneNumberKeys = "1234567890"

// paneKey is the number key of the pane at position i in the table, or "".
func paneKey(i int) string {
	if i < len(paneNumberKeys) {
		return paneNumberKeys[i : i+1]
	}
	return ""
}

// paneIndex is a pane's position in the table, or -1.
func paneIndex(id paneID) int {
	return slices.IndexFunc(paneTable, func(s paneSpec) bool { return s.id == id })
}

// paneAt is the pane whose number key is k, or "".
func paneAt(k string) paneID {
	for i, s := range paneTable {
		if k != "" && paneKey(i) == k {
			return s.id
		}
	}
	return ""
}
