package model

import (
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
