// Command pithscope explores and verifies Pith open graph bundles.
//
//	pithscope [flags] [REF]          open the terminal explorer
//	pithscope verify [flags] [REF]   verify a bundle, for people and scripts
//
// Run `pithscope --help` for everything.
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pithscope/pithscope/verify"
)

// embeddedBundle is the real bundle pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T,
// opened when no REF is given, so pithscope works with no network at all.
//
//go:embed testdata/seed-M5BNRHPU.json
var embeddedBundle []byte

// version names this build in --version and the User-Agent.
const version = "0.1.0"

// Exit codes scripts can rely on.
const (
	exitOK       = 0 // every check ok
	exitFailed   = 1 // some check failed or could not be decided
	exitBadInput = 2 // the input could not be read, fetched or parsed, or bad usage
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a command line; it is main without the process, for tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "verify":
		return runVerify(args[1:], stdin, stdout, stderr)
	case "fetch":
		return runFetch(args[1:], stdin, stdout, stderr)
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintf(stdout, usageText, checksHelp())
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "pithscope", version)
		return exitOK
	}
	return runExplore(args, stdin, stdout, stderr)
}

// usageText is pithscope --help; %s is the list of checks (checksHelp).
const usageText = `pithscope: explore and verify Pith open graph bundles

Usage:
  pithscope [flags] [REF]              open the terminal explorer (no REF: the embedded bundle)
  pithscope verify [flags] [REF]       verify a bundle and print every check
  pithscope fetch [flags] REF          write a bundle's bytes (-o FILE, -v lists requests)
  pithscope serve [flags] DIR...       serve the bundles in DIR as a local mirror
  pithscope help                       this text
  pithscope version                    the version

REF is what you have: a pith number (pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T), its
26-character body, a short form (pith:M5BNRHPU, M5BNRHPU, M5BNRHPUWGA7,
M5BNRHPUWGA7MHPF), an arXiv id (1711.04623, 1711.04623v3, arXiv:1711.04623), a
DOI (10.48550/arxiv.1711.04623), the paper's page (https://arxiv.org/abs/...,
https://doi.org/..., reads as the id it names), an http(s) URL of a bundle, a
file, or - for standard input. Text that reads as an id is that id; write a
file as a path (./NAME, dir/NAME or NAME.json). With no REF the bundle built
into the program (pith:2017:M5BNRHPUWGA7MHPFDKCQKNVN6T, arXiv 1711.04623) is
used.

Fetch flags (verify, fetch and the explorer):
  --resolver URL     where ids are fetched: URL/pith/ID/bundle.json, then
                     URL/.well-known/pith/ID/bundle.json, then the mirrors a
                     cached copy lists (default $PITH_RESOLVER, else
                     https://pith.science)
  --offline          only the cache and files; no network
  --cache-dir DIR    the cache (default $PITHSCOPE_CACHE, else the user cache
                     directory/pithscope). Every bundle that verifies with
                     trusted keys is kept there, with its aliases, so it
                     resolves offline later, and with every event seen, so a
                     version that lost events fails the rollback check; a
                     bundle that does not verify teaches it nothing. When the
                     network fails, the cached copy is used with a note that
                     it may be stale.
  --timeout 10s      time limit for one request
  --deadline 30s     time limit for every source together
  --allow-http-mirrors  also follow plain http mirror hints (only https ones
                     are, unless the resolver is on loopback)

Explorer flags:
  --trust-key FILE   as for verify, below
  --watch DURATION   refetch and re-verify every DURATION (w toggles it)
  --prompt           with no REF, start at the open prompt (o inside)
  --theme THEME      colours for a dark or light background: auto (ask the
                     terminal), dark or light (default $PITHSCOPE_THEME, else
                     auto; inside tmux and screen the terminal cannot say)
  --sources, --mirror URL   compare what every source serves as soon as the
                     bundle opens (s inside; the Sources pane)
  Inside, ? lists every key.

Verify flags:
  --json             print one JSON report: {"ok", "pith_number", "checks": [{"name",
                     "subject", "status", "detail"}], "summary": {"ok","fail","unknown"},
                     "verdict", "signers", "current_snapshot", "not_verified"}
  --dir DIR, --jobs N   verify every *.json below DIR (or several REFs) on N
                     workers, one result per bundle, then a summary
  --sources REF      fetch REF from every source known (--mirror URL adds
                     one), verify each copy, compare them: agree, behind,
                     split view (--evidence-dir DIR writes the proof)
  --compare-with URL with --dir DIR: compare each bundle with the source at URL
  --trust-key FILE   also trust the key(s) in FILE (a public_keys entry or a list
                     of them); may be repeated. The Pith key pith-v1-2026-05 is
                     pinned in the program. A signature that verifies only with a
                     key from inside the bundle is reported as key_trust: fail.

%s
Exit codes:
  0  every check ok (in a batch: every bundle)
  1  some check failed or is unknown
  2  some input could not be read, fetched or parsed, or the command line is wrong
`

// newFlagSet makes a command's flag set; on -h or a bad flag it prints the
// command's usage text, then its flags, on stderr.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		printFlags(stderr, fs)
	}
	return fs
}

// Every --help writes a flag as "--name VALUE" ("-o FILE" for a one-letter
// one), its text beside it from this column, wrapped to this width.
const (
	helpTextColumn = 21
	helpWidth      = 80
)

// printFlags lists a command's flags the way every usage text writes
// them: "--resolver URL", then what it does and its default.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		value, text := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if len(f.Name) == 1 {
			head = "  -" + f.Name // -o, -v: one letter, one dash
		}
		if value != "" {
			head += " " + strings.ToUpper(value)
		}
		switch f.DefValue {
		case "", "false", "0", "[]":
		default:
			text += " (default " + f.DefValue + ")"
		}
		fmt.Fprint(w, helpParagraph(head, text, helpTextColumn))
	})
}

// checksHelp names every check, in report order, for --help.
func checksHelp() string {
	return "Checks (each with a subject: bundle, event:ID, key:ID, alias:KIND, fork:N,\n" +
		"chain:N; and a status: ok, fail, or unknown when it cannot be decided):\n" +
		helpParagraph("", strings.Join(verify.CheckOrder, " "), 2)
}

// helpParagraph is text wrapped at helpWidth from column, after head (on
// a line of its own when head reaches the column).
func helpParagraph(head, text string, column int) string {
	indent := strings.Repeat(" ", column)
	var b strings.Builder
	line := head
	if head != "" && len(head) >= column-1 {
		b.WriteString(head + "\n")
		line = indent
	} else {
		line += strings.Repeat(" ", column-len(head))
	}
	fresh := true
	for _, word := range strings.Fields(text) {
		if !fresh && len(line)+1+len(word) > helpWidth {
			b.WriteString(line + "\n")
			line, fresh = indent, true
		}
		if !fresh {
			line += " "
		}
		line += word
		fresh = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

// parseArgs parses a command line with parseFlags. When it was a request
// for help or wrong, done is set and exit is the code to return at once.
func parseArgs(fs *flag.FlagSet, args []string) (positional []string, exit int, done bool) {
	positional, err := parseFlags(fs, args)
	switch {
	case err == flag.ErrHelp:
		return nil, exitOK, true
	case err != nil:
		return nil, exitBadInput, true
	}
	return positional, exitOK, false
}

// parseFlags parses flags that may come before or after positional
// arguments (pithscope verify REF --json), returning the positionals.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// isTerminal reports whether w is a terminal (a character device), where
// output must be made safe and progress may be drawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
