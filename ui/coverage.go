package ui

import (
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

// How the explorer says what proves a value it shows: one wording, from
// verify.Report.Coverage, for every place (the overview's paper fields,
// the Raw tree, an event's signature block, the timestamp proofs).

// notProvenNote follows a tree value no passed check proves.
const notProvenNote = "  ? not verified"

// unverifiedText says that no passed check proves a value, and why, in a
// few words: "not verified (outside every digest and signature)".
func unverifiedText(c verify.Coverage) string {
	why := c.Reason
	if c.Unchecked != "" {
		why = "what it claims is never checked"
	}
	return "not verified (" + model.Printable(why) + ")"
}

// proofText says what proves a value: "signed by pith-v1-2026-05",
// "record_match: the record confirms it", or why nothing does.
func proofText(c verify.Coverage) string {
	switch {
	case !c.Verified():
		return unverifiedText(c)
	case c.KeyID != "":
		return signedText(c) + " (" + c.Check + ")"
	}
	return model.Printable(c.String())
}

// signedText is who signed a value the coverage names a signature for:
// "signed by pith-v1-2026-05", "signed by your key test-key-1".
func signedText(c verify.Coverage) string {
	return "signed by " + keyName(c.KeyID, c.Trust)
}

// keyName names a key as the verdict does: its id when pinned, "your key
// ID" when you trust it, "bundle-only key ID" otherwise.
func keyName(keyID string, trust verify.Trust) string {
	return model.Printable(verify.Voucher{KeyIDs: []string{keyID}, Trust: trust}.Name())
}

// bundleTree is a foldable tree of the part of the bundle at path base
// whose rows say when no passed check proves their value, and whose
// strings naming another bundle are links.
func (e *env) bundleTree(v model.Value, base string) *jsonTree {
	t := newTree(v)
	t.base = base
	t.session = func() *session { return e.sess }
	t.links = e.link
	return t
}

// withProof is text followed by what proves the value at path, once
// verification is done: "… · signed by pith-v1-2026-05 (bundle_signature)",
// "… · not verified (…)".
func withProof(s *session, text, path string) string {
	if c, ok := s.coverage(path); ok {
		return text + " · " + proofText(c)
	}
	return text
}
