package model

// CanonStringForTest exposes canonString to the external tests.
func CanonStringForTest(s string) string { return string(canonString(s)) }
