package verify

import (
	"crypto/ed25519"
	"crypto/sha256"
	"testing"
)

// FuzzSignatureCheckMatchesCryptoEd25519: the signature check with a key
// decoded once accepts exactly what crypto/ed25519.Verify accepts, for
// genuine signatures and for every corruption of key, message or signature.
func FuzzSignatureCheckMatchesCryptoEd25519(f *testing.F) {
	f.Add([]byte("seed"), []byte("message"), uint16(0), byte(0), byte(0))
	f.Add([]byte("seed"), []byte(""), uint16(70), byte(1), byte(0))
	f.Add([]byte("other"), []byte("m"), uint16(63), byte(0xe0), byte(1))
	f.Add([]byte("k"), []byte("m"), uint16(40), byte(0xff), byte(2))
	f.Fuzz(func(t *testing.T, seed, message []byte, at uint16, flip byte, what byte) {
		s := sha256.Sum256(seed)
		priv := ed25519.NewKeyFromSeed(s[:])
		pub := priv.Public().(ed25519.PublicKey)
		sig := ed25519.Sign(priv, message)
		switch what % 4 { // corrupt one thing, or nothing when flip is 0
		case 0:
			sig[int(at)%len(sig)] ^= flip
		case 1:
			pub = append(ed25519.PublicKey(nil), pub...)
			pub[int(at)%len(pub)] ^= flip
		case 2:
			if len(message) > 0 {
				message[int(at)%len(message)] ^= flip
			}
		case 3: // S + l: the same point, not canonical
			sig = addOrder(sig)
		}
		info := resolveKey("k", NewTrustStore(), map[string]ed25519.PublicKey{"k": pub}, nil)
		if got, want := info.verify(message, sig), ed25519.Verify(pub, message, sig); got != want {
			t.Fatalf("decoded-once check says %v, crypto/ed25519 says %v", got, want)
		}
	})
}

// addOrder adds the group order l to S (little-endian), which only a
// non-canonical check would accept.
func addOrder(sig []byte) []byte {
	l := [32]byte{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 31: 0x10}
	out := append([]byte(nil), sig...)
	carry := 0
	for i := 0; i < 32; i++ {
		v := int(out[32+i]) + int(l[i]) + carry
		out[32+i], carry = byte(v), v>>8
	}
	return out
}
