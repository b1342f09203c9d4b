package main

import (
	"fmt"
	"io"
)

// runExplore opens the terminal explorer. (The explorer lands with the ui
// package; until then it says so instead of pretending.)
func runExplore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "pithscope: the explorer is not built yet; try `pithscope verify`")
	return exitBadInput
}
