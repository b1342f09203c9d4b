package model

import (
	"reflect"
	"testing"
)

// ParsePath reads what PathKey and ParseError write, whatever the keys hold.
func TestParsePath(t *testing.T) {
	odd := "a.b[\"c\"]\u202e"
	path := "$.events[12]" + PathKey("payload") + PathKey(odd) + "[0]" + PathKey("x_1")
	got, err := ParsePath(path)
	want := []PathStep{{Key: "events"}, {Index: 12, IsIndex: true}, {Key: "payload"}, {Key: odd}, {Index: 0, IsIndex: true}, {Key: "x_1"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParsePath(%q) = %+v, %v; want %+v", path, got, err, want)
	}
	if steps, err := ParsePath("$"); err != nil || len(steps) != 0 {
		t.Errorf("ParsePath($) = %v, %v", steps, err)
	}
	for _, bad := range []string{"", "events", "$.", "$..a", "$[", "$[x]", "$[-1]", `$["a`, `$["a"`, "$a"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%q) accepted", bad)
		}
	}
}

// FormatPath is ParsePath's inverse.
func TestFormatPath(t *testing.T) {
	for _, path := range []string{"$", "$.events[3].payload", `$["a b"][0]["\u202e"].x`} {
		steps, err := ParsePath(path)
		if err != nil || FormatPath(steps) != path {
			t.Errorf("FormatPath(ParsePath(%q)) = %q, %v", path, FormatPath(steps), err)
		}
	}
}
