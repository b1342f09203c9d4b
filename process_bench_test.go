package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestVerifyAsProcess is not a test on its own: the benchmark below runs
// this test binary as a separate process that behaves as `pithscope verify`.
func TestVerifyAsProcess(t *testing.T) {
	if os.Getenv("PITHSCOPE_AS_PROCESS") != "1" {
		t.Skip("run by BenchmarkVerifyEmbeddedProcess")
	}
	os.Exit(run([]string{"verify"}, os.Stdin, os.Stdout, os.Stderr))
}

// BenchmarkVerifyEmbeddedProcess times `pithscope verify` of the embedded
// bundle as a whole process: start, verify, print, exit (target < 100 ms).
func BenchmarkVerifyEmbeddedProcess(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyAsProcess$")
		cmd.Env = append(os.Environ(), "PITHSCOPE_AS_PROCESS=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}
