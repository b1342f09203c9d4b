package main

import (
	"regexp"
	"strings"
	"testing"
)

// singleDashFlag is a flag of more than one letter written with one dash
// ("-resolver"), where every --help writes "--resolver".
var singleDashFlag = regexp.MustCompile(`(^|[\s\[(,])-[a-z][a-z-]+`)

// TestEveryHelpWritesFlagsOneWay: pithscope --help, each command's --help
// and the explorer's usage write every flag the same way: "--name VALUE",
// or "-o FILE" for a one-letter flag.
func TestEveryHelpWritesFlagsOneWay(t *testing.T) {
	for _, c := range []struct {
		args  []string
		flags []string
	}{
		{[]string{"--help"}, []string{"--resolver URL", "--offline", "--cache-dir DIR", "--trust-key FILE", "--watch DURATION", "--theme THEME", "--json"}},
		{[]string{"--no-such-flag"}, []string{"--resolver URL", "--watch DURATION", "--prompt", "--theme THEME", "--trust-key FILE"}},
		{[]string{"verify", "--help"}, []string{"--json", "--dir DIR", "--jobs N", "--deadline DURATION", "--trust-key FILE"}},
		{[]string{"fetch", "--help"}, []string{"--resolver URL", "-o FILE", "-v "}},
		{[]string{"serve", "--help"}, []string{"--addr HOST:PORT", "--allow-remote", "--cache-dir DIR"}},
	} {
		_, out, errOut := runCLI(t, nil, c.args...)
		help := out + errOut
		for _, l := range strings.Split(help, "\n") {
			if strings.HasPrefix(l, "flag provided but not defined") {
				continue // the flag package's own words for a bad flag
			}
			if m := singleDashFlag.FindString(l); m != "" {
				t.Errorf("%v: a flag written with one dash, %q, in %q", c.args, strings.TrimSpace(m), l)
			}
		}
		for _, f := range c.flags {
			if !strings.Contains(help, f) {
				t.Errorf("%v: the help does not write %q", c.args, f)
			}
		}
	}
}
