package model_test

import (
	"sync"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify/verifytest"
)

var generated2k = sync.OnceValue(func() []byte { return verifytest.Generate(2000) })

// BenchmarkEventDigests hashes every event of a generated bundle minus its
// signature members, as the verifier does.
func BenchmarkEventDigests(b *testing.B) {
	bd, err := model.Parse(generated2k())
	if err != nil {
		b.Fatal(err)
	}
	cb := model.NewCanonicalBundle(bd)
	size := 0
	for _, e := range bd.Events {
		size += len(e.Value.Raw())
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, e := range cb.Events {
			if _, err := e.SHA256Without("signature", "content_sha256", "event_id"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

var generated10k = sync.OnceValue(func() []byte { return verifytest.Generate(10000) })

// BenchmarkParseBundle reads a generated 10,000-event bundle: the strict
// reader and the typed bundle on top.
func BenchmarkParseBundle(b *testing.B) {
	data := generated10k()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := model.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
