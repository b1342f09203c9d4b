package verify_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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
// bundle from its file (read, parse, every check) against the floor no
// verifier can go under: reading the file, SHA-256 over every byte of it
// once, and ed25519.Verify of every signature it holds, spread over the
// same cores. Targets: on all cores, at most 1.5x the floor; peak heap at
// most 4x the file. One core and its speed-up, and the CPU time of the
// verification against the floor's, are reported beside them.
func BenchmarkVerifyBudget(b *testing.B) {
	data := bundle10k()
	path := filepath.Join(b.TempDir(), "bundle.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	trust := verifytest.New().Signer.Trust()
	sigs := budgetSignatures(b, data)

	verifyOnce := func(workers int) time.Duration {
		start := time.Now()
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		bd, err := model.Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		r := verify.Run(context.Background(), bd, verify.Options{Trust: trust, Workers: workers}, nil)
		if !r.OK() {
			b.Fatalf("generated bundle does not verify: %+v", r.Summary())
		}
		return time.Since(start)
	}
	floorOnce := func() time.Duration {
		start := time.Now()
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); sha256.Sum256(raw) }()
		var next atomic.Int64
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < len(sigs); i = int(next.Add(1)) - 1 {
					if !ed25519.Verify(sigs[i].key, sigs[i].msg, sigs[i].sig) {
						panic("a signature of the generated bundle does not verify")
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}

	var oneCore, allCores, floor, floorCPU, verifyCPU time.Duration
	var peak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// The floor and the verification alternate, so a machine that
		// gets busier mid-run slows both alike. Their CPU time (every
		// thread of the process) is less moved by other work on the
		// machine than their wall time.
		cpu := processCPU()
		floor += floorOnce()
		floorCPU += processCPU() - cpu
		cpu = processCPU()
		allCores += verifyOnce(0)
		verifyCPU += processCPU() - cpu

		prev := runtime.GOMAXPROCS(1)
		oneCore += verifyOnce(1)
		runtime.GOMAXPROCS(prev)

		// Peak heap in a run of its own: the sampler takes CPU.
		stop := verifytest.SamplePeakHeap(&peak)
		verifyOnce(0)
		stop()
	}
	n := float64(b.N)
	b.ReportMetric(allCores.Seconds()/n, "verify-s")
	b.ReportMetric(floor.Seconds()/n, "floor-s")
	b.ReportMetric(allCores.Seconds()/floor.Seconds(), "x-of-floor")
	b.ReportMetric(verifyCPU.Seconds()/floorCPU.Seconds(), "cpu-x-of-floor")
	b.ReportMetric(oneCore.Seconds()/n, "verify-1core-s")
	b.ReportMetric(oneCore.Seconds()/allCores.Seconds(), "x-speedup-allcores")
	b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
	b.ReportMetric(float64(peak)/float64(len(data)), "x-peak-heap-of-file")
	b.ReportMetric(10000*n/allCores.Seconds(), "events/s")
}

// processCPU is the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		panic(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// budgetSignatures is every signature in the bundle with its key and
// message: the events', the receipt's and the bundle's.
func budgetSignatures(b *testing.B, data []byte) []signature {
	parsed, err := model.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	key := verifytest.New().Signer.Public()
	one := func(s model.Signature, digestHex string) signature {
		m, _ := hex.DecodeString(digestHex)
		sig, _ := base64.StdEncoding.DecodeString(s.SignatureB64)
		return signature{key, m, sig}
	}
	var sigs []signature
	for _, e := range parsed.Events {
		sigs = append(sigs, one(e.Signature, e.ContentSHA256))
		if rc, ok := e.Receipt(); ok {
			sigs = append(sigs, one(rc, rc.Digest))
		}
	}
	return append(sigs, one(parsed.BundleSignature, parsed.BundleSignature.Digest))
}
