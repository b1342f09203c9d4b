package verify_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// BenchmarkGrowthAliases verifies a bundle listing N source aliases (every
// one of them a pith_short_N alias to compare with the record, and asked
// for by the last one) at N and 2N: the alias checks grow linearly.
func BenchmarkGrowthAliases(b *testing.B) {
	base := verifytest.New().WithRecord()
	data := base.Build()
	body := verifytest.Decode(data)["short_pith_number"].(string)[len("pith:"):]
	verifytest.BenchGrowth(b, 50000, func(n int) func() {
		bundle := mustParse(b, verifytest.Edit(data, func(m map[string]any) {
			aliases := m["source_aliases"].([]any)
			for i := 0; i < n; i++ {
				aliases = append(aliases, map[string]any{"alias_kind": "pith_short_8", "alias_value": body, "created_at": fmt.Sprint(i)})
			}
			aliases = append(aliases, map[string]any{"alias_kind": "doi", "alias_value": "10.1/last", "created_at": "x"})
			m["source_aliases"] = aliases
		}))
		opts := verify.Options{Trust: base.Signer.Trust(), Requested: verify.Request{Text: "10.1/last", Alias: "10.1/last"}}
		return func() {
			r := verify.Run(context.Background(), bundle, opts, nil)
			if c, _ := r.Find(verify.CheckRequestedID, verify.SubjectBundle); c.Status != verify.OK {
				b.Fatalf("requested_id: %+v", c)
			}
		}
	})
}
