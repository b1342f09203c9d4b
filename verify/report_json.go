package verify

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/pithscope/pithscope/model"
)

// WriteReportJSON writes a report in the --json schema (JSONReport), and
// a newline, one check at a time: the report of a 10,000-event bundle is
// 40,000 checks, which as one buffer (grown by copying) would take more
// memory than the rest of the verification. Strings a terminal would act
// on are escaped (model.EscapeJSONForTerminal).
func WriteReportJSON(w io.Writer, r *Report, source string) error {
	head, tail := jsonReportParts(r, source)
	headJSON, err := json.Marshal(head)
	if err != nil {
		return err
	}
	tailJSON, err := json.Marshal(tail)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.Write(model.EscapeJSONForTerminal(headJSON[:len(headJSON)-1])) // without its closing brace
	bw.WriteString(`,"checks":[`)
	for i, c := range r.Checks {
		out, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(model.EscapeJSONForTerminal(out))
	}
	bw.WriteString(`],`)
	bw.Write(model.EscapeJSONForTerminal(tailJSON[1:])) // without its opening brace
	bw.WriteString("\n")
	return bw.Flush()
}
