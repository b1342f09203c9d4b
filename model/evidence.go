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
	// Sources are the signed bundles the events came from (split-view
	// evidence, from a comparison of sources); none in fork evidence made
	// from one bundle.
	Sources []EvidenceSource
}

// EvidenceSource is one signed bundle in an evidence file's
// source_bundles: where it was read from, which of the file's events it
// holds, and the bundle as received.
type EvidenceSource struct {
	Source   string // a URL or a cache entry (raw: escape before printing)
	EventIDs []string
	Bundle   Value
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
	for i, v := range r.arr(root, "source_bundles", "$") {
		p := "$.source_bundles[" + strconv.Itoa(i) + "]"
		r.mustObj(v, p)
		src := EvidenceSource{Source: r.str(v, "source", p), EventIDs: r.strList(v, "event_ids", p), Bundle: r.obj(v, "bundle", p)}
		if !src.Bundle.Exists() && r.err == nil {
			r.err = &ParseError{Path: p + PathKey("bundle"), Offset: -1, Msg: "missing: a source bundle entry holds the bundle"}
		}
		ev.Sources = append(ev.Sources, src)
	}
	return ev, r.err
}

// EvidenceJSON writes the evidence for one fork from the bundle's received
// bytes: the events exactly as signed, and the signer's key entry.
func EvidenceJSON(b *Bundle, f Fork) ([]byte, error) {
	if len(f.Events) < 2 {
		return nil, fmt.Errorf("a fork needs at least two events, this one has %d", len(f.Events))
	}
	events := make([]Value, len(f.Events))
	for n, i := range f.Events {
		if i < 0 || i >= len(b.Events) {
			return nil, fmt.Errorf("fork names event %d, the bundle has %d", i, len(b.Events))
		}
		events[n] = b.Events[i].Value
	}
	var keys []Value
	for _, id := range f.KeyIDs {
		if k, ok := b.PublicKey(id); ok {
			keys = append(keys, k.Value)
		}
	}
	return writeEvidence(b.PithNumber, &f, events, keys, nil), nil
}

// SourcesEvidenceJSON writes split-view evidence: events exactly as signed,
// the public_keys entries that name their signers, and each signed bundle
// (as received) the events came from, in source_bundles. fork, when not
// nil, is the fork the events show.
func SourcesEvidenceJSON(pithNumber string, fork *Fork, events, keys []Value, sources []EvidenceSource) []byte {
	return writeEvidence(pithNumber, fork, events, keys, sources)
}

// writeEvidence writes an evidence file: the fork (when the events show
// one), the events, the keys and the source bundles, each as received.
func writeEvidence(pithNumber string, f *Fork, events, keys []Value, sources []EvidenceSource) []byte {
	var w bytes.Buffer
	w.WriteString("{\"evidence_type\":" + JSONString(EvidenceType) + ",\"evidence_version\":\"1\"")
	w.WriteString(",\"pith_number\":" + JSONString(pithNumber))
	if f != nil {
		w.WriteString(",\"fork\":{\"signer_key_id\":" + JSONString(f.SignerKeyID) + ",\"target\":" + JSONString(f.Target) + ",\"prev_event\":")
		if f.PrevEvent == "" {
			w.WriteString("null")
		} else {
			w.WriteString(JSONString(f.PrevEvent))
		}
		w.WriteString("}")
	}
	w.WriteString(",\"events\":[\n")
	for n, e := range events {
		if n > 0 {
			w.WriteString(",\n")
		}
		w.Write(e.Raw())
	}
	w.WriteString("\n],\"public_keys\":[")
	for n, k := range keys {
		if n > 0 {
			w.WriteString(",")
		}
		w.Write(k.Raw())
	}
	w.WriteString("]")
	if len(sources) > 0 {
		w.WriteString(",\"source_bundles\":[")
		for n, s := range sources {
			if n > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n{\"source\":" + JSONString(s.Source) + ",\"event_ids\":[")
			for k, id := range s.EventIDs {
				if k > 0 {
					w.WriteString(",")
				}
				w.WriteString(JSONString(id))
			}
			w.WriteString("],\"bundle\":")
			w.Write(s.Bundle.Raw())
			w.WriteString("}")
		}
		w.WriteString("\n]")
	}
	w.WriteString("}\n")
	return w.Bytes()
}

// PublicKey is the bundle's first public_keys entry with this key id.
func (b *Bundle) PublicKey(id string) (PublicKey, bool) {
	for _, k := range b.PublicKeys {
		if k.KeyID == id {
			return k, true
		}
	}
	return PublicKey{}, false
}
