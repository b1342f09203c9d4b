package verify_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// benchSizes are the generated bundles the benchmarks verify.
var benchSizes = []int{1000, 10000}

var (
	generatedMu sync.Mutex
	generated   = map[int][]byte{}
)

// generatedBundle builds a bundle of n events once per test binary, so
// sub-benchmarks (and their repeated runs) share it.
func generatedBundle(b *testing.B, n int) []byte {
	b.Helper()
	generatedMu.Lock()
	defer generatedMu.Unlock()
	if data, ok := generated[n]; ok {
		return data
	}
	data := verifytest.Generate(n)
	generated[n] = data
	return data
}

// signature is one Ed25519 verification a bundle needs.
type signature struct {
	key      ed25519.PublicKey
	msg, sig []byte
}

// signaturesOf lists every signature verify checks in a bundle: each
// event's, each record_created receipt's, and the bundle's, with the keys
// the trust store gives for them.
func signaturesOf(b *testing.B, bundle *model.Bundle, trust *verify.TrustStore) []signature {
	b.Helper()
	one := func(s model.Signature, digestHex string) signature {
		k, ok := trust.Lookup(s.KeyID)
		if !ok {
			b.Fatalf("no trusted key %s", s.KeyID)
		}
		msg, err1 := hex.DecodeString(digestHex)
		sig, err2 := base64.StdEncoding.DecodeString(s.SignatureB64)
		if err1 != nil || err2 != nil {
			b.Fatal(err1, err2)
		}
		return signature{k.Key, msg, sig}
	}
	var out []signature
	for i := range bundle.Events {
		e := &bundle.Events[i]
		out = append(out, one(e.Signature, e.ContentSHA256))
		if rc, ok := e.Receipt(); ok {
			out = append(out, one(rc, rc.Digest))
		}
	}
	return append(out, one(bundle.BundleSignature, bundle.BundleSignature.Digest))
}

func verifyBare(b *testing.B, sigs []signature) {
	for _, s := range sigs {
		if !ed25519.Verify(s.key, s.msg, s.sig) {
			b.Fatal("a signature of the generated bundle does not verify")
		}
	}
}

// BenchmarkVerify verifies generated bundles from their bytes (parse and
// every check), on one core and on all, and reports events/s. Beside it,
// ed25519-ms is the time the same bundle's bare ed25519.Verify calls take
// on one core, and (on one core) x-of-ed25519 how many times that the whole
// verification costs.
func BenchmarkVerify(b *testing.B) {
	for _, n := range benchSizes {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("events=%d/workers=%d", n, workers), func(b *testing.B) {
				data := generatedBundle(b, n)
				trust := verifytest.New().Signer.Trust()
				parsed, err := model.Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				if r := verify.Verify(parsed, verify.Options{Trust: trust}); !r.OK() {
					b.Fatalf("the generated bundle does not verify:\n%s", dump(r))
				}
				sigs := signaturesOf(b, parsed, trust)
				start := time.Now()
				verifyBare(b, sigs)
				bare := time.Since(start)

				b.SetBytes(int64(len(data)))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					bundle, err := model.Parse(data)
					if err != nil {
						b.Fatal(err)
					}
					verify.Verify(bundle, verify.Options{Trust: trust, Workers: workers})
				}
				elapsed := b.Elapsed()
				b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "events/s")
				b.ReportMetric(float64(bare.Microseconds())/1000, "ed25519-ms")
				if workers == 1 { // on more cores, wall time is not CPU time
					b.ReportMetric(elapsed.Seconds()/float64(b.N)/bare.Seconds(), "x-of-ed25519")
				}
			})
		}
	}
}

// BenchmarkBareEd25519 is only the ed25519.Verify calls a verification of
// the same bundles makes (every event, the receipt, the bundle), on one
// core: the floor BenchmarkVerify's events/s is measured against.
func BenchmarkBareEd25519(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			data := generatedBundle(b, n)
			trust := verifytest.New().Signer.Trust()
			parsed, err := model.Parse(data)
			if err != nil {
				b.Fatal(err)
			}
			sigs := signaturesOf(b, parsed, trust)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				verifyBare(b, sigs)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(len(sigs)), "signatures/op")
		})
	}
}
