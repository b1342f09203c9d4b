package verify

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"fmt"
	"maps"
	"slices"

	"filippo.io/edwards25519"
	"github.com/pithscope/pithscope/model"
)

// KeyInfo is what the report knows of one key id.
type KeyInfo struct {
	KeyID          string
	Key            ed25519.PublicKey // the key signatures were checked with; nil when none
	Trust          Trust
	Origin         string // where the key used came from: "built in", a file, or "bundle"
	InBundle       bool
	BundleMismatch bool // the bundle has this id with other bytes than the trusted key
	FingerprintHex string
	FingerprintB32 string

	verified string              // the detail of a signature this key verifies, made once
	minusA   *edwards25519.Point // -Key as a curve point, decoded once; nil when Key is not a point
}

// verify checks an Ed25519 signature exactly as crypto/ed25519.Verify
// does (RFC 8032, cofactorless: [S]B = R + [k]A, with S canonical), but
// with the key's point decoded when the key was resolved rather than for
// every one of the thousands of signatures it checks.
func (info *KeyInfo) verify(message, sig []byte) bool {
	if info.minusA == nil || len(sig) != ed25519.SignatureSize || sig[63]&224 != 0 {
		return false
	}
	h := sha512.New()
	h.Write(sig[:32])
	h.Write(info.Key)
	h.Write(message)
	var digest [sha512.Size]byte
	k, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(digest[:0]))
	if err != nil {
		return false // cannot happen: the digest is 64 bytes
	}
	S, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
	if err != nil {
		return false
	}
	// [S]B = R + [k]A  <=>  [k](-A) + [S]B = R
	R := new(edwards25519.Point).VarTimeDoubleScalarBaseMult(k, info.minusA, S)
	return bytes.Equal(sig[:32], R.Bytes())
}

// keyring resolves signers to keys: a trusted key wins over a bundle key of
// the same id, and a bundle key is used only with trust "bundle-only".
// Every id is resolved when the keyring is made; after that it is only
// read, so the event workers share it without a lock.
type keyring struct {
	infos map[string]*KeyInfo
}

// newKeyring resolves the ids that signatures name (the empty id too: it
// is an id like any other) and every public_keys id that a trusted key
// also has, so that the key_trust checks cover them.
func newKeyring(publicKeys []model.PublicKey, trust *TrustStore, signing []string) *keyring {
	// bundle holds the usable bundle keys by id (first entry wins);
	// entries, per id, the bytes of every entry with that id (nil for one
	// whose bytes do not decode): any that is not the trusted key with that
	// id is a mismatch. Each key is decoded once, here.
	bundle := map[string]ed25519.PublicKey{}
	entries := map[string][]ed25519.PublicKey{}
	for _, pk := range publicKeys {
		raw, problem := decodeKeyBytes(pk)
		entries[pk.KeyID] = append(entries[pk.KeyID], raw)
		if _, dup := bundle[pk.KeyID]; problem == "" && !dup {
			bundle[pk.KeyID] = raw
		}
	}
	k := &keyring{infos: make(map[string]*KeyInfo, len(signing))}
	resolve := func(keyID string) {
		if _, done := k.infos[keyID]; !done {
			k.infos[keyID] = resolveKey(keyID, trust, bundle, entries[keyID])
		}
	}
	for _, id := range signing {
		resolve(id)
	}
	for _, pk := range publicKeys {
		if _, trusted := trust.Lookup(pk.KeyID); trusted {
			resolve(pk.KeyID)
		}
	}
	return k
}

// resolveKey decides which key signatures naming keyID are checked with.
func resolveKey(keyID string, trust *TrustStore, bundle map[string]ed25519.PublicKey, entries []ed25519.PublicKey) *KeyInfo {
	info := &KeyInfo{KeyID: keyID, Trust: TrustNone, InBundle: len(entries) > 0}
	if tk, ok := trust.Lookup(keyID); ok {
		info.Key, info.Trust, info.Origin = tk.Key, tk.Trust, tk.Origin
		for _, raw := range entries {
			if !bytes.Equal(raw, tk.Key) {
				info.BundleMismatch = true
			}
		}
	} else if key, ok := bundle[keyID]; ok {
		info.Key, info.Trust, info.Origin = key, TrustBundleOnly, "bundle"
		// A signer is its key: a trusted key under another id is trusted.
		if tk, ok := trust.lookupKey(key); ok {
			info.Trust, info.Origin = tk.Trust, "the key of "+tk.KeyID+", "+tk.Origin
		}
	}
	if info.Key != nil {
		info.FingerprintHex, info.FingerprintB32 = model.KeyFingerprints(info.Key)
		if a, err := new(edwards25519.Point).SetBytes(info.Key); err == nil {
			info.minusA = a.Negate(a)
		}
	}
	info.verified = fmt.Sprintf("Ed25519 signature verifies with key %s (%s)", keyID, info.Trust)
	return info
}

// resolve finds the key a signature names. A fingerprint that disagrees with
// the key is a failure; no key at all is unknown.
func (k *keyring) resolve(keyID, fingerprint string) (*KeyInfo, Status, string) {
	info := k.info(keyID)
	if info.Key == nil {
		return nil, Unknown, fmt.Sprintf("no key %s in the trust store or the bundle", model.Quote(keyID))
	}
	if fingerprint != info.FingerprintHex {
		return nil, Fail, fmt.Sprintf("signer names fingerprint %s but key %s has %s", model.Quote(fingerprint), keyID, info.FingerprintHex)
	}
	return info, OK, ""
}

// info is what the keyring resolved for keyID. It only reads: an id that
// no signature named when the keyring was made has no key, and the event
// workers share the keyring without a lock.
func (k *keyring) info(keyID string) *KeyInfo {
	if info, ok := k.infos[keyID]; ok {
		return info
	}
	return &KeyInfo{KeyID: keyID, Trust: TrustNone}
}

// keyFingerprintChecks recomputes both fingerprints of every bundle key.
func keyFingerprintChecks(b *model.Bundle) []Check {
	var out []Check
	for _, pk := range b.PublicKeys {
		c := Check{Name: CheckKeyFingerprint, Subject: KeySubject(pk.KeyID), Event: -1}
		raw, problem := decodeKeyBytes(pk)
		switch {
		case problem != "":
			c.Status, c.Detail = Fail, problem
		default:
			fp, fpB32 := model.KeyFingerprints(raw)
			c.Expected, c.Found = fp+" "+fpB32, pk.FingerprintHex+" "+pk.FingerprintB32
			switch {
			case pk.FingerprintHex != fp:
				c.Status, c.Detail = Fail, fmt.Sprintf("fingerprint_sha256_hex: expected %s, found %s", fp, model.Quote(pk.FingerprintHex))
			case pk.FingerprintB32 != fpB32:
				c.Status, c.Detail = Fail, fmt.Sprintf("fingerprint_sha256_b32_first128bits: expected %s, found %s", fpB32, model.Quote(pk.FingerprintB32))
			default:
				c.Status, c.Detail = OK, "sha256 of the key gives "+fp+" / "+fpB32
			}
		}
		out = append(out, c)
	}
	return out
}

// keyTrustChecks reports, for each key a signature named (and each bundle
// key that reuses a trusted id), whether the user trusts it.
func (k *keyring) keyTrustChecks() []Check {
	var out []Check
	for _, id := range slices.Sorted(maps.Keys(k.infos)) {
		info := k.infos[id]
		c := Check{Name: CheckKeyTrust, Subject: KeySubject(id), Event: -1, Found: string(info.Trust)}
		switch {
		case info.BundleMismatch:
			c.Status, c.Detail = Fail, fmt.Sprintf("the bundle's key %s differs from the %s key with that id; signatures were checked with the %s key", id, info.Trust, info.Trust)
		case info.Trust == TrustPinned || info.Trust == TrustUser:
			c.Status, c.Detail = OK, fmt.Sprintf("%s (%s), fingerprint %s", info.Trust, info.Origin, info.FingerprintHex)
		case info.Trust == TrustBundleOnly:
			c.Status, c.Detail = Fail, fmt.Sprintf("key not pinned: %s (fingerprint %s) came only from the bundle; pass --trust-key FILE to trust it", id, info.FingerprintHex)
		default:
			c.Status, c.Detail = Unknown, fmt.Sprintf("no key %s in the trust store or the bundle", model.Quote(id))
		}
		out = append(out, c)
	}
	return out
}

// Keys returns what the keyring learned, for the report.
func (k *keyring) keys() map[string]KeyInfo {
	out := make(map[string]KeyInfo, len(k.infos))
	for id, info := range k.infos {
		out[id] = *info
	}
	return out
}
