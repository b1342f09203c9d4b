package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// generated10k is built once: a 10,000-event bundle takes seconds to sign.
var generated10k = sync.OnceValue(func() []byte { return verifytest.Generate(10000) })

// BenchmarkView measures one frame (View) of each pane for the real
// 2-event bundle and a generated 10,000-event one, at 200x50, in colour
// (the painted path, as a terminal sees it). The target: at most 1 ms a
// frame, and the 10,000-event frame at most twice the 2-event one, because
// only visible rows are drawn.
func BenchmarkView(b *testing.B) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	bundles := []struct {
		name string
		data func() []byte
	}{
		{"real", func() []byte { return verifytest.RealBundle(b) }},
		{"10k", generated10k},
	}
	panes := []struct {
		name string
		keys []string
	}{
		{"overview", nil},
		{"events", []string{"2", "G"}},
		{"state", []string{"6", "G"}},
		{"raw", []string{"8", "j", "j", "j", "j", "j", "j", "j", "j", "enter", "G"}},
	}
	for _, bd := range bundles {
		data := bd.data()
		for _, p := range panes {
			b.Run(bd.name+"/"+p.name, func(b *testing.B) {
				m := openModel(b, testConfig(b, data, "bench.json", nil), 200, 50)
				press(b, m, p.keys...)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkScroll measures a key press and the frame after it, paging
// down the Events list (every frame brings a page of rows not drawn
// before): the cost of scrolling a 10,000-event bundle against the real
// 2-event one.
func BenchmarkScroll(b *testing.B) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, bd := range []struct {
		name string
		data func() []byte
	}{{"real", func() []byte { return verifytest.RealBundle(b) }}, {"10k", generated10k}} {
		b.Run(bd.name, func(b *testing.B) {
			m := openModel(b, testConfig(b, bd.data(), "bench.json", nil), 200, 50)
			press(b, m, "2")
			down, top := keyMsg("pgdown"), keyMsg("g")
			events := m.panes[paneEvents].(*eventsPane)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if events.l.cursor == events.l.count()-1 {
					m.Update(top)
				}
				m.Update(down)
				_ = m.View()
			}
		})
	}
}

// BenchmarkFailingOnly measures `!` on and off again, with the frame
// after each, over the Events of a 10,000-event bundle: the filter walks
// every row's checks once per press, never per frame.
func BenchmarkFailingOnly(b *testing.B) {
	m := openModel(b, testConfig(b, generated10k(), "bench.json", nil), 200, 50)
	press(b, m, "2")
	toggle := keyMsg("!")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(toggle)
		_ = m.View()
	}
}

// BenchmarkExplorerVerdict opens a generated 10,000-event bundle in the
// explorer until its verdict is in (read, parse, index the session, every
// check streamed to the model in batches, the report) and, in the same
// run, verifies it as `pithscope verify` does (parse, verify.Run). The
// target: the explorer's verdict within 1.2x of the command's.
func BenchmarkExplorerVerdict(b *testing.B) {
	data := generated10k()
	trust := verifytest.New().Signer.Trust()
	var command, explorer time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		bd, err := model.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if r := verify.Run(context.Background(), bd, verify.Options{Trust: trust}, nil); !r.OK() {
			b.Fatal("the generated bundle does not verify")
		}
		command += time.Since(start)

		start = time.Now()
		m := openModel(b, testConfig(b, data, "bench.json", trust), 200, 50)
		explorer += time.Since(start)
		if r := m.env.sess.report; r == nil || !r.OK() {
			b.Fatal("the explorer's verdict is not VERIFIED")
		}
	}
	b.ReportMetric(command.Seconds()/float64(b.N), "verify-s")
	b.ReportMetric(explorer.Seconds()/float64(b.N), "explorer-s")
	b.ReportMetric(explorer.Seconds()/command.Seconds(), "x-of-verify")
}
