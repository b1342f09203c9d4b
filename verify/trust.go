package verify

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/pithscope/pithscope/model"
)

// The Pith registry key, pinned in the program (FORMAT.md). A key that
// arrives inside a bundle proves nothing: whoever serves the bundle can swap
// key and signatures together.
const (
	PinnedKeyID          = "pith-v1-2026-05"
	pinnedKeyHex         = "b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3"
	PinnedKeyFingerprint = "8d4b5ee74e4693bcd1df2446408b0d54"
)

// Trust levels of a key.
type Trust string

const (
	TrustPinned     Trust = "pinned"
	TrustUser       Trust = "user-trusted"
	TrustBundleOnly Trust = "bundle-only"
	TrustNone       Trust = "unknown" // no key with that id at all
)

// TrustedKey is a key the user relies on.
type TrustedKey struct {
	KeyID          string
	Key            ed25519.PublicKey
	FingerprintHex string
	Trust          Trust
	Origin         string // "built in" or the --trust-key file
}

// TrustStore holds the pinned key and any the user added.
type TrustStore struct {
	keys map[string]TrustedKey
}

// NewTrustStore returns a store holding the pinned Pith key.
func NewTrustStore() *TrustStore {
	raw, _ := hex.DecodeString(pinnedKeyHex)
	t := &TrustStore{keys: map[string]TrustedKey{}}
	fp, _ := model.KeyFingerprints(raw)
	t.keys[PinnedKeyID] = TrustedKey{KeyID: PinnedKeyID, Key: raw, FingerprintHex: fp, Trust: TrustPinned, Origin: "built in"}
	return t
}

// Lookup returns the trusted key with this id.
func (t *TrustStore) Lookup(keyID string) (TrustedKey, bool) {
	if t == nil {
		return TrustedKey{}, false
	}
	k, ok := t.keys[keyID]
	return k, ok
}

// lookupKey returns the trusted key with these bytes, whatever its id.
func (t *TrustStore) lookupKey(raw ed25519.PublicKey) (TrustedKey, bool) {
	for _, k := range t.keys {
		if bytes.Equal(k.Key, raw) {
			return k, true
		}
	}
	return TrustedKey{}, false
}

// AddFile trusts the keys in a --trust-key file: one object shaped like a
// public_keys entry, or a list of them. Every key's bytes must decode to 32
// bytes and agree with any fingerprint the entry states.
func (t *TrustStore) AddFile(data []byte, origin string) error {
	doc, err := model.ParseDoc(data)
	if err != nil {
		return fmt.Errorf("%s: %w", origin, err)
	}
	entries := []model.Value{doc.Root()}
	if doc.Root().Kind() == model.KindArray {
		entries = doc.Root().Elems()
	}
	for i, v := range entries {
		path := "$"
		if doc.Root().Kind() == model.KindArray {
			path = "$[" + strconv.Itoa(i) + "]"
		}
		pk, err := model.ParsePublicKey(v, path)
		if err != nil {
			return fmt.Errorf("%s: %w", origin, err)
		}
		raw, problem := decodeKeyBytes(pk)
		if problem != "" {
			return fmt.Errorf("%s: %s: %s", origin, path, problem)
		}
		if pk.KeyID == "" {
			return fmt.Errorf("%s: %s: key_id is missing", origin, path)
		}
		fp, fpB32 := model.KeyFingerprints(raw)
		if pk.FingerprintHex != "" && pk.FingerprintHex != fp {
			return fmt.Errorf("%s: %s: fingerprint_sha256_hex is %s but the key hashes to %s", origin, path, pk.FingerprintHex, fp)
		}
		if pk.FingerprintB32 != "" && pk.FingerprintB32 != fpB32 {
			return fmt.Errorf("%s: %s: fingerprint_sha256_b32_first128bits is %s but the key hashes to %s", origin, path, pk.FingerprintB32, fpB32)
		}
		if old, ok := t.keys[pk.KeyID]; ok && !bytes.Equal(old.Key, raw) {
			return fmt.Errorf("%s: %s: key_id %s is already trusted (%s) with different bytes", origin, path, pk.KeyID, old.Origin)
		}
		// A signer is its key, not its id: one key trusted under two ids
		// would read as two signers, and a fork across them as none.
		if old, ok := t.lookupKey(raw); ok && old.KeyID != pk.KeyID {
			return fmt.Errorf("%s: %s: key_id %s is the same key as %s, already trusted (%s); trust one key under one id", origin, path, pk.KeyID, old.KeyID, old.Origin)
		}
		if _, ok := t.keys[pk.KeyID]; !ok {
			t.keys[pk.KeyID] = TrustedKey{KeyID: pk.KeyID, Key: raw, FingerprintHex: fp, Trust: TrustUser, Origin: origin}
		}
	}
	return nil
}

// decodeKeyBytes reads a public key entry's raw key: public_key_hex and
// public_key_b64 must each be 32 bytes, strictly encoded, and equal when
// both are present. It returns the key or what is wrong with it.
func decodeKeyBytes(pk model.PublicKey) (ed25519.PublicKey, string) {
	if pk.Algorithm != "" && pk.Algorithm != "ed25519" {
		return nil, fmt.Sprintf("algorithm is %s, only ed25519 is known", model.Quote(pk.Algorithm))
	}
	var fromHex, fromB64 []byte
	if pk.PublicKeyHex != "" {
		b, err := hex.DecodeString(pk.PublicKeyHex)
		if err != nil {
			return nil, "public_key_hex is not hex"
		}
		if len(b) != ed25519.PublicKeySize {
			return nil, fmt.Sprintf("public_key_hex is %d bytes, want %d", len(b), ed25519.PublicKeySize)
		}
		fromHex = b
	}
	if pk.PublicKeyB64 != "" {
		b, err := base64.StdEncoding.Strict().DecodeString(pk.PublicKeyB64)
		if err != nil || base64.StdEncoding.EncodeToString(b) != pk.PublicKeyB64 {
			return nil, "public_key_b64 is not canonical base64"
		}
		if len(b) != ed25519.PublicKeySize {
			return nil, fmt.Sprintf("public_key_b64 is %d bytes, want %d", len(b), ed25519.PublicKeySize)
		}
		fromB64 = b
	}
	switch {
	case fromHex == nil && fromB64 == nil:
		return nil, "no public_key_hex or public_key_b64"
	case fromHex != nil && fromB64 != nil && !bytes.Equal(fromHex, fromB64):
		return nil, "public_key_hex and public_key_b64 are different keys"
	case fromHex != nil:
		return fromHex, ""
	default:
		return fromB64, ""
	}
}

// decodeSignature reads signature_b64: canonical base64 of 64 bytes.
func decodeSignature(b64 string) ([]byte, string) {
	if b64 == "" {
		return nil, "no signature_b64"
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || base64.StdEncoding.EncodeToString(sig) != b64 {
		return nil, "signature_b64 is not canonical base64"
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Sprintf("signature is %d bytes, want %d", len(sig), ed25519.SignatureSize)
	}
	return sig, ""
}
