package verify

import (
	"bufio"
	"encoding/json"
	"io"
)

// WriteReportJSON writes what MarshalReport returns, and a newline, one
// check at a time: the report of a 10,000-event bundle is 40,000 checks,
// which as one buffer (grown by copying) would take more memory than the
// rest of the verification.
func WriteReportJSON(w io.Writer, r *Report, source string) error {
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(struct {
		OK         bool   `json:"ok"`
		Source     string `json:"source,omitempty"`
		PithNumber string `json:"pith_number"`
	}{r.OK(), source, r.PithNumber})
	if err != nil {
		return err
	}
	bw.Write(EscapeJSONForTerminal(head[:len(head)-1])) // without its closing brace
	bw.WriteString(`,"checks":[`)
	for i, c := range r.Checks {
		out, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(EscapeJSONForTerminal(out))
	}
	summary, err := json.Marshal(r.Summary())
	if err != nil {
		return err
	}
	bw.WriteString(`],"summary":`)
	bw.Write(summary)
	bw.WriteString("}\n")
	return bw.Flush()
}
