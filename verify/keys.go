package verify

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"sort"

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

	verified string // the detail of a signature this key verifies, made once
}

// keyring resolves signers to keys: a trusted key wins over a bundle key of
// the same id, and a bundle key is used only with trust "bundle-only".
type keyring struct {
	trust  *TrustStore
	bundle map[string]ed25519.PublicKey // usable bundle keys by id (first entry wins)
	// entries holds, per id, the bytes of every public_keys entry with that
	// id (nil for an entry whose bytes do not decode): any one of them that
	// is not the trusted key with that id is a mismatch.
	entries map[string][]ed25519.PublicKey
	infos   map[string]*KeyInfo
}

func newKeyring(b *model.Bundle, trust *TrustStore) *keyring {
	k := &keyring{trust: trust, bundle: map[string]ed25519.PublicKey{}, entries: map[string][]ed25519.PublicKey{}, infos: map[string]*KeyInfo{}}
	for _, pk := range b.PublicKeys {
		raw, problem := decodeKeyBytes(pk)
		k.entries[pk.KeyID] = append(k.entries[pk.KeyID], raw)
		if problem != "" {
			continue
		}
		if _, dup := k.bundle[pk.KeyID]; !dup {
			k.bundle[pk.KeyID] = raw
		}
	}
	return k
}

// resolve finds the key a signature names. A fingerprint that disagrees with
// the key is a failure; no key at all is unknown.
func (k *keyring) resolve(keyID, fingerprint string) (ed25519.PublicKey, Status, string) {
	info := k.info(keyID)
	if info.Key == nil {
		return nil, Unknown, fmt.Sprintf("no key %s in the trust store or the bundle", model.Quote(keyID))
	}
	if fingerprint != info.FingerprintHex {
		return nil, Fail, fmt.Sprintf("signer names fingerprint %s but key %s has %s", model.Quote(fingerprint), keyID, info.FingerprintHex)
	}
	return info.Key, OK, ""
}

func (k *keyring) info(keyID string) *KeyInfo {
	if info, ok := k.infos[keyID]; ok {
		return info
	}
	info := &KeyInfo{KeyID: keyID, Trust: TrustNone}
	bundleKey, inBundle := k.bundle[keyID]
	info.InBundle = len(k.entries[keyID]) > 0
	if tk, ok := k.trust.Lookup(keyID); ok {
		info.Key, info.Trust, info.Origin = tk.Key, tk.Trust, tk.Origin
		for _, raw := range k.entries[keyID] {
			if !bytes.Equal(raw, tk.Key) {
				info.BundleMismatch = true
			}
		}
	} else if inBundle {
		info.Key, info.Trust, info.Origin = bundleKey, TrustBundleOnly, "bundle"
		// A signer is its key: a trusted key under another id is trusted.
		if tk, ok := k.trust.lookupKey(bundleKey); ok {
			info.Trust, info.Origin = tk.Trust, "the key of "+tk.KeyID+", "+tk.Origin
		}
	}
	if info.Key != nil {
		info.FingerprintHex, info.FingerprintB32 = model.KeyFingerprints(info.Key)
	}
	info.verified = fmt.Sprintf("Ed25519 signature verifies with key %s (%s)", keyID, info.Trust)
	k.infos[keyID] = info
	return info
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
func (k *keyring) keyTrustChecks(b *model.Bundle) []Check {
	ids := map[string]bool{}
	for id := range k.infos {
		ids[id] = true
	}
	for _, pk := range b.PublicKeys {
		if _, trusted := k.trust.Lookup(pk.KeyID); trusted {
			ids[pk.KeyID] = true
		}
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	var out []Check
	for _, id := range sorted {
		info := k.info(id)
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
