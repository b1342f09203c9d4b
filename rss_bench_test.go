package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/verify/verifytest"
)

// TestVerifyFileAsProcess is not a test on its own: BenchmarkVerifyPeakRSS
// runs this test binary as a process that behaves as `pithscope verify`
// with the arguments it is given, and reads the process's peak RSS.
func TestVerifyFileAsProcess(t *testing.T) {
	file := os.Getenv("PITHSCOPE_VERIFY_FILE")
	if file == "" {
		t.Skip("run by BenchmarkVerifyPeakRSS")
	}
	code := run([]string{"verify", "--json", "--trust-key", os.Getenv("PITHSCOPE_TRUST_KEY"), file}, nil, io.Discard, os.Stderr)
	// The process's own peak resident memory since it started (its
	// parent's getrusage counts the pages shared before exec).
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Fprintln(os.Stdout, line)
		}
	}
	os.Exit(code)
}

// BenchmarkVerifyPeakRSS runs `pithscope verify --json` on a bundle of each
// generator shape (verifytest.Shapes) as a whole process and reports its
// time (ns/op) and peak resident memory (VmHWM: heap, runtime and binary
// together) against the file's size. Target: at most 4x on every shape.
func BenchmarkVerifyPeakRSS(b *testing.B) {
	dir := b.TempDir()
	key := filepath.Join(dir, "key.json")
	if err := os.WriteFile(key, verifytest.New().Signer.KeyFile(), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, shape := range verifytest.Shapes {
		b.Run(shape.Name, func(b *testing.B) {
			data := shape.Build()
			file := filepath.Join(dir, shape.Name+".json")
			if err := os.WriteFile(file, data, 0o644); err != nil {
				b.Fatal(err)
			}
			var peak int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyFileAsProcess$")
				cmd.Env = append(os.Environ(), "PITHSCOPE_VERIFY_FILE="+file, "PITHSCOPE_TRUST_KEY="+key)
				out, err := cmd.CombinedOutput()
				want := exitOK
				if shape.Refused {
					want = exitFailed
				}
				if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != want {
					b.Fatalf("%s: exit %v, want %d:\n%.2000s", shape.Name, err, want, out)
				}
				var kib int64
				if _, err := fmt.Sscanf(string(out[bytes.Index(out, []byte("VmHWM:")):]), "VmHWM: %d kB", &kib); err != nil {
					b.Fatalf("no peak RSS in %q", out)
				}
				peak = max(peak, kib<<10)
			}
			b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MiB")
			b.ReportMetric(float64(peak)/float64(len(data)), "x-rss-of-file")
		})
	}
}
