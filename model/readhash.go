package model

import (
	"crypto/sha256"
	"encoding/hex"
)

// Hashing while reading. A bundle's digest covers all of it but its
// signature, and the strict reader is the one stage of verifying that
// uses one core. So, for a large bundle, the reader hands the bytes it has
// read to a goroutine that hashes them on the other core, speculating
// that the bundle is canonical as received (compact, keys in order,
// numbers spelled as jcs.NumberToJSON spells them, strings without
// escapes): then the canonical form minus the signature is exactly those
// bytes minus the signature's. At the first byte that is not canonical the
// speculation is dropped and the digest is computed the ordinary way.

// hashWhileReadingMin is the input size from which it is worth a
// goroutine.
var hashWhileReadingMin = 1 << 20

// readHash is the speculation for one input.
type readHash struct {
	src      []byte
	exclude  string // the top-level member left out
	from     int    // start of the bytes not yet handed to the hasher
	skipping bool   // inside the member left out
	spoiled  bool
	closed   bool // segments is closed: the hasher is done or finishing
	segments chan [2]int
	digest   chan string
	// numbers remembers the spellings already found canonical.
	numbers map[string]bool
}

func newReadHash(src []byte, exclude string) *readHash {
	h := &readHash{src: src, exclude: exclude, segments: make(chan [2]int, 64), digest: make(chan string, 1), numbers: map[string]bool{}}
	go func() {
		sum := sha256.New()
		for seg := range h.segments {
			sum.Write(src[seg[0]:seg[1]])
		}
		h.digest <- hex.EncodeToString(sum.Sum(nil))
	}()
	return h
}

// spoil drops the speculation: the input is not canonical as received.
func (h *readHash) spoil() {
	h.spoiled = true
	h.close()
}

func (h *readHash) close() {
	if !h.closed {
		h.closed = true
		close(h.segments)
	}
}

// commit hands the bytes up to offset to to the hasher.
func (h *readHash) commit(to int) {
	if !h.spoiled && !h.skipping && to > h.from {
		h.segments <- [2]int{h.from, to}
		h.from = to
	}
}

// number keeps the speculation only for a number spelled canonically.
func (h *readHash) number(raw []byte) {
	if h.spoiled || h.numbers[string(raw)] {
		return
	}
	if c, err := CanonicalNumber(raw); err != nil || c != string(raw) {
		h.spoil()
		return
	}
	h.numbers[string(raw)] = true
}

// member notes a top-level member whose key spans [keyStart, keyEnd), the
// first when first; it returns whether it is the member left out.
func (h *readHash) member(keyStart, keyEnd int, first bool) bool {
	if h.spoiled || !keyIs(h.src[keyStart:keyEnd], h.exclude) {
		return false
	}
	if first {
		h.commit(keyStart)
	} else {
		h.commit(keyStart - 1) // before its comma (nothing else: compact)
	}
	h.skipping = true
	return true
}

// memberEnd resumes hashing after the member left out, whose value ends
// at end: past the comma after it when it was first.
func (h *readHash) memberEnd(end int, first bool) {
	h.skipping = false
	h.from = end
	if first && end < len(h.src) && h.src[end] == ',' {
		h.from = end + 1
	}
}

// result hashes the rest up to end and returns the digest, or "" when the
// speculation was dropped.
func (h *readHash) result(end int) string {
	h.commit(end)
	if h.spoiled {
		return ""
	}
	h.close()
	return <-h.digest
}

// parseBundleDoc reads a bundle's document, hashing it without its
// signature while it reads when it is large.
func parseBundleDoc(src []byte) (*Doc, string, error) {
	if len(src) > MaxBundleBytes {
		_, err := ParseDoc(src) // the error for an input over the limit
		return nil, "", err
	}
	return scan(src, "bundle_signature")
}
