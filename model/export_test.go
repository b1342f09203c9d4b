package model

// CanonStringForTest exposes canonString to the external tests.
func CanonStringForTest(s string) string { return string(canonString(s)) }

// NodesForTest is how many nodes the index of d holds.
func NodesForTest(d *Doc) int { return len(d.nodes) }

// HashWhileReadingForTest hashes while reading inputs of any size until
// the returned function is called.
func HashWhileReadingForTest() (restore func()) {
	old := hashWhileReadingMin
	hashWhileReadingMin = 0
	return func() { hashWhileReadingMin = old }
}

// DigestReadForTest is the digest hashed while b was read, or "".
func DigestReadForTest(b *Bundle) string { return b.digestRead }
