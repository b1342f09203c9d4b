package verifytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Shape is a kind of bundle the verifier must stay lean on: its name and a
// generator (signed, with a state that verifies, unless Refused).
type Shape struct {
	Name  string
	Build func() []byte
	// Refused is a bundle that must not verify, and must be refused as
	// cheaply as the others are verified.
	Refused bool
}

// Shapes are the bundles the memory benchmark runs over: many small
// events, few events with wide payloads, long strings, many keys, the
// project's own 10,000-event bundle, a 16 MB one of 10,000 small events
// with a short title each, that one as another producer would write it
// (members out of key order, indented), and one whose canonical form would
// be five times its size.
var Shapes = []Shape{
	{Name: "small-events", Build: func() []byte { return chain(24000, func(i int) map[string]any { return map[string]any{"n": i} }) }},
	{Name: "wide-payloads", Build: func() []byte {
		return chain(4, func(i int) map[string]any {
			items := make([]any, 40000)
			for j := range items {
				items[j] = map[string]any{"id": j, "label": fmt.Sprintf("item %d of %d", j, i), "weight": json.Number("0.5")}
			}
			return map[string]any{"items": items}
		})
	}},
	{Name: "long-strings", Build: func() []byte {
		return chain(24, func(i int) map[string]any {
			return map[string]any{"text": strings.Repeat(fmt.Sprintf("line %d: café, naïve \"quoted\" \\ tab\t ", i), 8000)}
		})
	}},
	{Name: "many-keys", Build: func() []byte {
		return chain(3, func(i int) map[string]any {
			m := make(map[string]any, 150000)
			for j := 0; j < 150000; j++ {
				m[fmt.Sprintf("key-%d-%d", i, j)] = j
			}
			return map[string]any{"table": m}
		})
	}},
	{Name: "generated-10k", Build: func() []byte { return Generate(10000) }},
	{Name: "titles-10k", Build: titled},
	{Name: "titles-10k-foreign", Build: func() []byte { return Foreign(titled()) }},
	// 30 MB: six million 1e20 in the record, each five times longer in
	// canonical form (100000000000000000000).
	{Name: "short-spelled-numbers", Refused: true, Build: func() []byte {
		return []byte(strings.Replace(string(New().WithRecord().Build()), `"canonical_record":{`,
			`"canonical_record":{"x":[`+strings.Repeat("1e20,", 6000000)+`1],`, 1))
	}},
}

// titled is 10,000 small events, a short title in every snapshot: 16 MB.
// The title is the record's (record_match), the rest only the signer's.
func titled() []byte {
	return chain(10000, func(i int) map[string]any {
		return map[string]any{"graph_snapshot": map[string]any{"paper": map[string]any{
			"title": "Paper", "authors_text": fmt.Sprintf("Author %d", i), "headline": "cs.LG", "note": "CC-BY-4.0 2017-11-13T15:11:56Z"}}}
	})
}

// chain builds a record and n-1 graph snapshots in one chain, event i
// carrying payload(i).
func chain(n int, payload func(i int) map[string]any) []byte {
	b := New().WithRecord()
	prev := ""
	for i := 1; i < n; i++ {
		prev = b.Add(Event{Type: "graph_snapshot", Target: "graph", PrevEvent: prev,
			CreatedAt: fmt.Sprintf("2026-01-01T%02d:%02d:%02dZ", i/3600%24, i/60%60, i%60), Payload: payload(i)})
	}
	return b.Build()
}

// Foreign writes a bundle again as another producer might: every object's
// members in reverse key order, indented. The data is the same, so every
// digest and signature still holds; only the received bytes differ.
func Foreign(data []byte) []byte {
	var buf bytes.Buffer
	writeForeign(&buf, Decode(data), "\n")
	return buf.Bytes()
}

func writeForeign(w *bytes.Buffer, v any, indent string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		slices.Reverse(keys)
		w.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString(indent + "  " + string(marshal(k)) + ": ")
			writeForeign(w, x[k], indent+"  ")
		}
		w.WriteString(indent + "}")
	case []any:
		w.WriteString("[")
		for i, e := range x {
			if i > 0 {
				w.WriteString(", ")
			}
			writeForeign(w, e, indent+"  ")
		}
		w.WriteString("]")
	default:
		w.Write(marshal(x))
	}
}
