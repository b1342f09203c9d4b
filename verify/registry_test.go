package verify

import "testing"

// Every check needs an area, a label and help text, once.
func TestRegistryEntriesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Registry {
		if s.Name == "" || s.Area == "" || s.Label == "" || s.Help == "" {
			t.Errorf("registry entry %+v lacks a name, area, label or help text", s)
		}
		if seen[s.Name] {
			t.Errorf("check %s is listed twice", s.Name)
		}
		seen[s.Name] = true
	}
}
