package model_test

import (
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify/verifytest"
)

func TestGraphSnapshotOfTheRealBundle(t *testing.T) {
	b, err := model.Parse(verifytest.RealBundle(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Events[0].GraphSnapshot(); ok {
		t.Error("record_created event read as a graph snapshot")
	}
	g, ok := b.Events[1].GraphSnapshot()
	if !ok {
		t.Fatal("graph_snapshot event has no snapshot")
	}
	if g.Paper.Title != "Three Factors Influencing Minima in SGD" || g.Paper.PrimaryCat != "cs.LG" ||
		strings.Join(g.Paper.CrossCats, ",") != "cs.AI,cs.CV,stat.ML" || !strings.HasPrefix(g.Paper.AuthorsText, "Amos Storkey, ") ||
		!strings.HasPrefix(g.Paper.AbstractExcerpt, "We investigate the dynamical") {
		t.Errorf("paper = %+v", g.Paper)
	}
	empty := "258153158e38e3291e3d48162225fcdb2d5a3ed65a07baac614ab91432fd4f57"
	for name, s := range map[string]model.SnapshotSection{"claims": g.Claims, "references": g.References, "formal_canon": g.FormalCanon, "author_claims": g.AuthorClaims} {
		if s.Count != 0 || s.SnapshotSHA256 != empty || !s.Value.Exists() {
			t.Errorf("%s = %+v", name, s)
		}
	}
	if g.BuilderVersion != "pith-number-builder-2026-05-17-v1" {
		t.Errorf("builder_version = %q", g.BuilderVersion)
	}
	m := b.Metadata()
	if m.SubmittedAt != "2017-11-13T15:11:56Z" || m.PrimaryCat != "cs.LG" || len(m.CrossCatsSorted) != 3 ||
		m.TitleCanonSHA256 != "8374a5494e65f1b9671443e920c94106ccb3751de54b7b0fb22be87c2beb9e16" {
		t.Errorf("metadata = %+v", m)
	}
}
