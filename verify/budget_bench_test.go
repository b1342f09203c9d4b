package verify_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

var (
	budgetOnce   sync.Once
	budgetBundle []byte
)

// bundle10k is a generated 10,000-event bundle, built once per test binary.
func bundle10k() []byte {
	budgetOnce.Do(func() { budgetBundle = verifytest.Generate(10000) })
	return budgetBundle
}

// BenchmarkVerifyBudget measures, in one run, verifying a 10,000-event
// bundle from its bytes (parse + every check) on one core and on all
// cores, against its unavoidable parts: the bare ed25519.Verify calls for
// its signatures and one jcs.Transform over every byte of the bundle.
// The targets: one-core time <= 1.3x (ed25519 + jcs), all cores
// >= 1.6x faster than one core, peak heap <= 4x the file size.
func BenchmarkVerifyBudget(b *testing.B) {
	data := bundle10k()
	trust := verifytest.New().Signer.Trust()
	parsed, err := model.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	type sig struct{ msg, sig []byte }
	key := verifytest.New().Signer.Public()
	var sigs []sig
	for _, e := range parsed.Events {
		m, _ := hex.DecodeString(e.ContentSHA256)
		s, _ := base64.StdEncoding.DecodeString(e.Signature.SignatureB64)
		sigs = append(sigs, sig{m, s})
	}
	if rc, ok := parsed.Events[0].Receipt(); ok {
		m, _ := hex.DecodeString(rc.Digest)
		s, _ := base64.StdEncoding.DecodeString(rc.SignatureB64)
		sigs = append(sigs, sig{m, s})
	}
	m, _ := hex.DecodeString(parsed.BundleSignature.Digest)
	s, _ := base64.StdEncoding.DecodeString(parsed.BundleSignature.SignatureB64)
	sigs = append(sigs, sig{m, s})
	parsed = nil

	verifyOnce := func(workers int) time.Duration {
		start := time.Now()
		bd, err := model.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		r := verify.Run(context.Background(), bd, verify.Options{Trust: trust, Workers: workers}, nil)
		if !r.OK() {
			b.Fatalf("generated bundle does not verify: %+v", r.Summary())
		}
		return time.Since(start)
	}

	var oneCore, allCores, bareSigs, jcsOnce time.Duration
	var peak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		prev := runtime.GOMAXPROCS(1)
		oneCore += verifyOnce(1)
		runtime.GOMAXPROCS(prev)

		allCores += verifyOnce(0)

		// Peak heap in a run of its own: the sampler takes CPU, which
		// would slow the timed runs.
		stop := verifytest.SamplePeakHeap(&peak)
		verifyOnce(0)
		stop()

		start := time.Now()
		for _, s := range sigs {
			if !ed25519.Verify(key, s.msg, s.sig) {
				b.Fatal("bare signature does not verify")
			}
		}
		bareSigs += time.Since(start)

		start = time.Now()
		if _, err := jcs.Transform(data); err != nil {
			b.Fatal(err)
		}
		jcsOnce += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(oneCore.Seconds()/n, "verify-1core-s")
	b.ReportMetric(allCores.Seconds()/n, "verify-allcores-s")
	b.ReportMetric(bareSigs.Seconds()/n, "ed25519-s")
	b.ReportMetric(jcsOnce.Seconds()/n, "jcs-once-s")
	b.ReportMetric(oneCore.Seconds()/(bareSigs+jcsOnce).Seconds(), "x-of-unavoidable")
	b.ReportMetric(oneCore.Seconds()/allCores.Seconds(), "x-speedup-allcores")
	b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
	b.ReportMetric(float64(peak)/float64(len(data)), "x-peak-heap-of-file")
	b.ReportMetric(10000*n/oneCore.Seconds(), "events/s-1core")
}
