#!/usr/bin/env bash
# Every figure of the README's Performance table, in one run (about ten
# minutes on 2 cores). Each ratio is measured inside one benchmark, so both
# of its sides see the same machine; still, run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

run() { echo "\$ $*"; "$@" 2>&1 | grep -E '^(Benchmark|--- |ok|FAIL)' ; }

# Verifying a 10,000-event bundle against the floor (read, SHA-256 once,
# ed25519.Verify of every signature, on all cores); peak heap.
run go test ./verify -run XXX -bench 'VerifyBudget$' -benchtime 3x -count 3
# Whole-process peak RSS of `pithscope verify --json` on each generator shape.
run go test . -run XXX -bench VerifyPeakRSS -benchtime 1x
# The explorer's verdict against `pithscope verify`'s.
run go test ./ui -run XXX -bench ExplorerVerdict -benchtime 3x -count 3
# How each per-bundle step grows from N to 2N.
run go test ./model -run XXX -bench Growth -benchtime 5x
run go test ./verify -run XXX -bench GrowthAliases -benchtime 5x
# Throughput, the explorer's frames, the embedded bundle, batches.
run go test ./verify -run XXX -bench 'Verify$|BareEd25519' -benchtime 3x
run go test ./ui -run XXX -bench 'View|Scroll' -benchtime 200x
run go test . -run XXX -bench VerifyEmbeddedProcess -benchtime 30x
run go test . -run TestVerifyDirMemoryIsFlat -v
