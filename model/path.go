package model

import (
	"fmt"
	"strconv"
	"strings"
)

// PathStep is one step of a JSON path: an object key, or an array index
// when IsIndex.
type PathStep struct {
	Key     string
	Index   int
	IsIndex bool
}

// ParsePath reads a JSON path as PathKey and ParseError write it: "$",
// then .name, ["any key"] (Go-quoted) or [N] steps.
func ParsePath(path string) ([]PathStep, error) {
	rest, ok := strings.CutPrefix(path, "$")
	if !ok {
		return nil, fmt.Errorf("path %q does not start with $", path)
	}
	var steps []PathStep
	for rest != "" {
		switch {
		case rest[0] == '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			if end == 0 {
				return nil, fmt.Errorf("path %q has an empty key", path)
			}
			steps = append(steps, PathStep{Key: rest[1 : 1+end]})
			rest = rest[1+end:]
		case strings.HasPrefix(rest, `["`):
			quoted, err := strconv.QuotedPrefix(rest[1:])
			if err != nil || !strings.HasPrefix(rest[1+len(quoted):], "]") {
				return nil, fmt.Errorf("path %q has an unterminated [\"key\"]", path)
			}
			key, _ := strconv.Unquote(quoted)
			steps = append(steps, PathStep{Key: key})
			rest = rest[1+len(quoted)+1:]
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			n, err := strconv.Atoi(rest[1:max(end, 1)])
			if end < 0 || err != nil || n < 0 {
				return nil, fmt.Errorf("path %q has a bad [index]", path)
			}
			steps = append(steps, PathStep{Index: n, IsIndex: true})
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("path %q: unexpected %q", path, rest[:1])
		}
	}
	return steps, nil
}

// FormatPath writes steps as a JSON path, the inverse of ParsePath.
func FormatPath(steps []PathStep) string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range steps {
		if s.IsIndex {
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		} else {
			b.WriteString(PathKey(s.Key))
		}
	}
	return b.String()
}
