package model

import (
	"bytes"
	"fmt"
	"strconv"
)

// EvidenceType marks an equivocation evidence file: the two (or more)
// conflicting signed events of one fork and the signer's key, as received,
// so that anyone can check the fork without the bundle.
const EvidenceType = "pith_equivocation_evidence"

// Evidence is a parsed evidence file.
type Evidence struct {
	Doc        *Doc
	PithNumber string
	Events     []Event
	Keys       []PublicKey // the signer's key entries as the bundle delivered them (one per id it went by)
}

// IsEvidence reports whether a parsed document is an evidence file rather
// than a bundle.
func IsEvidence(root Value) bool {
	return root.Get("evidence_type").Str() == EvidenceType
}

// evidenceFromDoc reads a document IsEvidence has recognised (ParseDocument).
func evidenceFromDoc(doc *Doc) (*Evidence, error) {
	root := doc.Root()
	r := &reader{}
	ev := &Evidence{Doc: doc, PithNumber: r.str(root, "pith_number", "$")}
	for i, v := range r.arr(root, "events", "$") {
		ev.Events = append(ev.Events, r.event(i, v))
	}
	// public_keys lists the signer's key under each id its events name;
	// files written before held one public_key.
	keys := r.arr(root, "public_keys", "$")
	path := "$.public_keys"
	if k := root.Get("public_key"); k.Kind() == KindObject {
		keys, path = []Value{k}, "$.public_key"
	}
	for i, k := range keys {
		p := path
		if path == "$.public_keys" {
			p += "[" + strconv.Itoa(i) + "]"
		}
		key, err := ParsePublicKey(k, p)
		if err != nil {
			return nil, err
		}
		ev.Keys = append(ev.Keys, key)
	}
	return ev, r.err
}

// EvidenceJSON writes the evidence for one fork from the bundle's received
// bytes: the events exactly as signed, and the signer's key entry.
func EvidenceJSON(b *Bundle, f Fork) ([]byte, error) {
	if len(f.Events) < 2 {
		return nil, fmt.Errorf("a fork needs at least two events, this one has %d", len(f.Events))
	}
	var w bytes.Buffer
	w.WriteString("{\"evidence_type\":" + JSONString(EvidenceType) + ",\"evidence_version\":\"1\"")
	w.WriteString(",\"pith_number\":" + JSONString(b.PithNumber))
	w.WriteString(",\"fork\":{\"signer_key_id\":" + JSONString(f.SignerKeyID) + ",\"target\":" + JSONString(f.Target) + ",\"prev_event\":")
	if f.PrevEvent == "" {
		w.WriteString("null")
	} else {
		w.WriteString(JSONString(f.PrevEvent))
	}
	w.WriteString("},\"events\":[\n")
	for n, i := range f.Events {
		if i < 0 || i >= len(b.Events) {
			return nil, fmt.Errorf("fork names event %d, the bundle has %d", i, len(b.Events))
		}
		if n > 0 {
			w.WriteString(",\n")
		}
		w.Write(b.Events[i].Value.Raw())
	}
	w.WriteString("\n],\"public_keys\":[")
	n := 0
	for _, id := range f.KeyIDs {
		for _, k := range b.PublicKeys {
			if k.KeyID == id {
				if n > 0 {
					w.WriteString(",")
				}
				w.Write(k.Value.Raw())
				n++
				break
			}
		}
	}
	w.WriteString("]}\n")
	return w.Bytes(), nil
}
