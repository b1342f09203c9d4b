package model

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
)

// PithBodyLen is the length of a pith number's base32 body.
const PithBodyLen = 26

// ShortLens are the short forms a pith number is known by (pith_short_N aliases).
var ShortLens = []int{8, 12, 16}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Base32Prefix encodes the whole of raw in RFC 4648 base32 (upper case, no
// padding) and keeps the first n characters. Encoding a truncated digest
// would change the last character, so the whole value is always encoded.
func Base32Prefix(raw []byte, n int) string {
	s := b32.EncodeToString(raw)
	if len(s) > n {
		s = s[:n]
	}
	return s
}

// PithBody derives the 26-character body from canonical_sha256 (hex).
func PithBody(canonicalSHA256 string) (string, error) {
	raw, err := hex.DecodeString(canonicalSHA256)
	if err != nil || len(raw) != sha256.Size {
		return "", fmt.Errorf("canonical_sha256 %s is not 64 hex digits", Quote(canonicalSHA256))
	}
	return Base32Prefix(raw, PithBodyLen), nil
}

// PithNumber derives "pith:YYYY:BODY" from canonical_sha256 and the record's
// submitted_at (whose first four characters are the year).
func PithNumber(canonicalSHA256, submittedAt string) (string, error) {
	body, err := PithBody(canonicalSHA256)
	if err != nil {
		return "", err
	}
	if len(submittedAt) < 4 || strings.Trim(submittedAt[:4], "0123456789") != "" {
		return "", fmt.Errorf("canonical_record.metadata.submitted_at %s does not start with a year", Quote(submittedAt))
	}
	return "pith:" + submittedAt[:4] + ":" + body, nil
}

// ShortPithNumber is "pith:" and the first 8 characters of the body.
func ShortPithNumber(body string) string {
	if len(body) > 8 {
		body = body[:8]
	}
	return "pith:" + body
}

// BodyOf returns the 26-character body of "pith:YYYY:BODY", or "".
func BodyOf(pithNumber string) string {
	parts := strings.Split(pithNumber, ":")
	if len(parts) != 3 || parts[0] != "pith" || len(parts[2]) != PithBodyLen {
		return ""
	}
	return parts[2]
}

// KeyFingerprints computes both fingerprints of a raw public key: the first
// 32 hex digits of its SHA-256, and the first 26 base32 characters of it.
func KeyFingerprints(raw []byte) (hexFP, b32FP string) {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:32], Base32Prefix(sum[:], 26)
}
