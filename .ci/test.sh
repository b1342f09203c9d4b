#!/usr/bin/env bash
# The project's whole test: formatting, vet, every test with the race
# detector, and a few seconds of each fuzz target. The README names this
# script; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" $unformatted
  exit 1
fi
go vet ./...
go test -race -count=1 ./...

# Fuzz smoke: a short run of every fuzz target (FUZZTIME overrides).
fuzztime=${FUZZTIME:-3s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $target ($fuzztime)"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >/dev/null
  done
done
echo "fuzz smoke: ok"
