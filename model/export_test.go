package model

// CanonStringForTest exposes canonString to the external tests.
func CanonStringForTest(s string) string { return string(canonString(s)) }

// NodesForTest is how many nodes the index of d holds.
func NodesForTest(d *Doc) int { return len(d.nodes) }
