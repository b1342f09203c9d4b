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

// DataJSON shows a value as data: numbers canonical, member order kept,
// strings as JSON writes them, and no more than it was asked for.
func TestDataJSON(t *testing.T) {
	doc, err := ParseDoc([]byte(`{ "count" : 12.0000e-99999, "n":[2.0, -0, 1e21],"s":"a&b\u00e9\n","z":{"t":true,"f":null} }`))
	if err != nil {
		t.Fatal(err)
	}
	got, cut := DataJSON(doc.Root(), 0)
	want := `{"count":0,"n":[2,0,1e+21],"s":"a&bé\n","z":{"t":true,"f":null}}`
	if got != want || cut {
		t.Errorf("DataJSON\n got  %s (cut %v)\n want %s", got, cut, want)
	}
	short, cut := DataJSON(doc.Root(), 12)
	if !cut || len(short) > 24 || short[:10] != `{"count":0` {
		t.Errorf("limit 12: %q cut=%v, want a cut prefix", short, cut)
	}
}

// A difference report shows numbers as every digest reads them.
func TestDiffShowsCanonicalNumbers(t *testing.T) {
	l := parseDocRoot(t, `{"a":{"count":12.000e-99999,"k":1}}`)
	d := DiffJSON(l, parseDocRoot(t, `{"a":{"count":0.0,"k":2}}`), 5)
	if len(d) != 1 || d[0].Path != "$.a.k" {
		t.Fatalf("differences %+v, want only $.a.k", d)
	}
	d = DiffJSON(l, parseDocRoot(t, `{"a":[1]}`), 5)
	if len(d) != 1 || d[0].Left != `{"count":0,"k":1}` {
		t.Errorf("a differing object reads %q, want its numbers canonical", d[0].Left)
	}
}

func parseDocRoot(t *testing.T, s string) Value {
	t.Helper()
	d, err := ParseDoc([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d.Root()
}
