package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// unsignedBundle is a bundle of n events without signatures (what the
// merge reads), event i's fields filled in by event(i).
func unsignedBundle(n int, event func(i int) string) []byte {
	var s strings.Builder
	s.WriteString(`{"pith_number":"pith:2021:X","events":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteString(event(i))
	}
	s.WriteString(`],"state":{}}`)
	return []byte(s.String())
}

func mustParse(b *testing.B, data []byte) *model.Bundle {
	bd, err := model.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	return bd
}

func valid(*model.Event) string { return "" }

// BenchmarkGrowth shows how each per-bundle step grows with its input:
// reading a bundle, finding duplicate keys (an object's keys out of
// order), writing canonical JSON, naming differences, grouping forks and
// following supersedes chains in the merge. Each reports ns at N and 2N
// and their ratio (verifytest.BenchGrowth).
func BenchmarkGrowth(b *testing.B) {
	b.Run("parse/events=20000", func(b *testing.B) {
		verifytest.BenchGrowth(b, 20000, func(n int) func() {
			data := unsignedBundle(n, func(i int) string {
				return fmt.Sprintf(`{"event_type":"graph_snapshot","event_id":"e%d","target":"graph","created_at":"2026-01-01T00:00:00Z","signer":{"key_id":"k"},"payload":{"n":%d},"supersedes":[]}`, i, i)
			})
			return func() { mustParse(b, data) }
		})
	})
	b.Run("duplicate-keys/keys=100000", func(b *testing.B) {
		verifytest.BenchGrowth(b, 100000, func(n int) func() {
			var s strings.Builder
			s.WriteString(`{"payload":{`)
			for i := n; i > 0; i-- { // out of order: every key is looked for among the others
				if i < n {
					s.WriteByte(',')
				}
				fmt.Fprintf(&s, `"k%07d":%d`, i, i)
			}
			s.WriteString(`}}`)
			data := []byte(s.String())
			return func() {
				if _, err := model.ParseDoc(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("canonicalization/members=100000", func(b *testing.B) {
		verifytest.BenchGrowth(b, 100000, func(n int) func() {
			var s strings.Builder
			s.WriteString(`{"a":{"deep":[`)
			for i := 0; i < n; i++ {
				if i > 0 {
					s.WriteByte(',')
				}
				// Members out of order, escapes, numbers JCS respells.
				fmt.Fprintf(&s, `{"z":%d.0,"y":"caf\u00e9 %d","x":[1e2,true]}`, i, i)
			}
			s.WriteString(`]}}`)
			doc, err := model.ParseDoc([]byte(s.String()))
			if err != nil {
				b.Fatal(err)
			}
			return func() {
				if _, err := model.CanonicalJSON(doc.Root()); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("diff/keys=80000", func(b *testing.B) {
		verifytest.BenchGrowth(b, 80000, func(n int) func() {
			l, r := wideObjects(b, n)
			return func() {
				if d := model.DiffJSON(l, r, 10); len(d) != 1 {
					b.Fatalf("%d differences", len(d))
				}
			}
		})
	})
	b.Run("forks/events=20000", func(b *testing.B) {
		verifytest.BenchGrowth(b, 20000, func(n int) func() {
			// Pairs of events for one place in one chain: n/2 forks.
			bd := mustParse(b, unsignedBundle(n, func(i int) string {
				return fmt.Sprintf(`{"event_type":"graph_snapshot","event_id":"e%d","target":"t%d","created_at":"2026-01-01T00:00:00Z","signer":{"key_id":"k"},"prev_event":null}`, i, i/2)
			}))
			return func() {
				if m := model.RecomputeState(bd, "pith:2021:X", valid, func(e *model.Event) string { return e.Signer.KeyID }); len(m.Forks) != n/2 {
					b.Fatalf("%d forks", len(m.Forks))
				}
			}
		})
	})
	b.Run("supersedes-chain/events=20000", func(b *testing.B) {
		verifytest.BenchGrowth(b, 20000, func(n int) func() {
			// Each event supersedes every one of the 8 before it.
			bd := mustParse(b, unsignedBundle(n, func(i int) string {
				var sup []string
				for j := max(0, i-8); j < i; j++ {
					sup = append(sup, fmt.Sprintf(`"e%d"`, j))
				}
				return fmt.Sprintf(`{"event_type":"graph_snapshot","event_id":"e%d","target":"graph","created_at":"2026-01-01T%02d:%02d:%02dZ","signer":{"key_id":"k"},"prev_event":"e%d","supersedes":[%s]}`, i, i/3600, i/60%60, i%60, i-1, strings.Join(sup, ","))
			}))
			return func() {
				if m := model.RecomputeState(bd, "pith:2021:X", valid, func(e *model.Event) string { return e.Signer.KeyID }); len(m.Applied) != 1 {
					b.Fatalf("%d applied", len(m.Applied))
				}
			}
		})
	})
}
