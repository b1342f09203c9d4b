package model

import "testing"

// Every spelling of one double reads as its one canonical form.
func TestNumberTextIsCanonical(t *testing.T) {
	cases := []struct {
		src, want string
		respelled bool
	}{
		{`0`, "0", false},
		{`12.000000000000e-99999`, "0", true},
		{`-0`, "0", true},
		{`2.0`, "2", true},
		{`1e20`, "100000000000000000000", true},
		{`1e21`, "1e+21", true},
		{`0.5`, "0.5", false},
	}
	for _, c := range cases {
		doc, err := ParseDoc([]byte(`[` + c.src + `]`))
		if err != nil {
			t.Fatal(err)
		}
		got, respelled := doc.Root().Elems()[0].NumberText()
		if got != c.want || respelled != c.respelled {
			t.Errorf("%s: got %q respelled=%v, want %q respelled=%v", c.src, got, respelled, c.want, c.respelled)
		}
	}
	if _, err := CanonicalNumber([]byte("1e400")); err == nil {
		t.Error("1e400 is outside a double and has no canonical form, want an error")
	}
}
