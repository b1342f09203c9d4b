package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gowebpki/jcs"
)

// CanonicalNumber is the RFC 8785 form of a JSON number as received: the
// text every digest sees, so the only text to show, copy, compare or diff.
// "12.000e-99999", "0.0" and "-0" are all "0" to a digest and must be "0"
// on screen. raw must be a number the strict reader accepted; a number
// outside the range of a double has no canonical form (err).
func CanonicalNumber(raw []byte) (string, error) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return "", fmt.Errorf("number %.40s is outside the range of a double, so it has no RFC 8785 form", raw)
	}
	return jcs.NumberToJSON(f)
}

// NumberText is a number value's canonical text and whether it was received
// spelled otherwise. A number with no canonical form reads as its received
// text, marked respelled so that it is never shown as if verified.
func (v Value) NumberText() (canonical string, respelled bool) {
	if v.Kind() != KindNumber {
		return "", false
	}
	raw := v.Raw()
	c, err := CanonicalNumber(raw)
	if err != nil {
		return string(raw), true
	}
	return c, c != string(raw)
}

// DataJSON writes a value as compact JSON text for people to read and copy:
// members in the order received, strings as JSON writes them, and every
// number in its RFC 8785 form, so that what is shown is what every digest
// saw ({"count":12.000e-99999} reads {"count":0}). It stops after about
// limit bytes (limit <= 0: never), reporting cut, so that a large value
// costs what is shown.
func DataJSON(v Value, limit int) (text string, cut bool) {
	w := dataWriter{limit: limit}
	w.value(v)
	return string(w.out), w.cut
}

// dataWriter is DataJSON's state: the text so far, and whether it was cut.
type dataWriter struct {
	out   []byte
	limit int
	cut   bool
}

func (w *dataWriter) full() bool {
	if w.limit > 0 && len(w.out) >= w.limit {
		w.cut = true
	}
	return w.cut
}

func (w *dataWriter) value(v Value) {
	if w.full() {
		return
	}
	switch v.Kind() {
	case KindObject:
		w.out = append(w.out, '{')
		for i, m := range v.Members() {
			if w.full() {
				return
			}
			if i > 0 {
				w.out = append(w.out, ',')
			}
			w.out = appendJSONString(w.out, m.Key)
			w.out = append(w.out, ':')
			w.value(m.Value)
		}
		w.out = append(w.out, '}')
	case KindArray:
		w.out = append(w.out, '[')
		for i, e := range v.Elems() {
			if w.full() {
				return
			}
			if i > 0 {
				w.out = append(w.out, ',')
			}
			w.value(e)
		}
		w.out = append(w.out, ']')
	case KindString:
		w.out = appendJSONString(w.out, v.Str())
	case KindNumber:
		n, _ := v.NumberText()
		w.out = append(w.out, n...)
	case KindInvalid:
	default: // true, false, null
		w.out = append(w.out, v.Raw()...)
	}
}

// appendJSONString appends s as a JSON string, without the HTML escaping
// of encoding/json (a URL's & stays &).
func appendJSONString(out []byte, s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a Go string always encodes
	return append(out, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}
