package verify

import (
	"fmt"

	"github.com/pithscope/pithscope/model"
)

// Members that an event's digest does not cover.
var eventUnsigned = []string{"signature", "content_sha256", "event_id"}

type eventResult struct {
	digest        string
	invalidReason string // why the merge must leave the event out, or ""
	checks        []Check
}

// checkEvent checks one event's digest (composed from its canonical
// members), id, signature and subject. It only reads the keyring.
func checkEvent(e *model.Event, canon *model.CanonObject, bundleNumber string, keys *keyring) eventResult {
	subject := EventSubject(e.Index, e.EventID)
	mk := func(name string) Check { return Check{Name: name, Subject: subject, Event: e.Index} }
	var res eventResult
	digestCheck, idCheck := mk(CheckEventDigest), mk(CheckEventID)
	sigCheck, subjCheck := mk(CheckEventSignature), mk(CheckEventSubject)

	digest, err := canon.SHA256Without(eventUnsigned...)
	if err != nil {
		digestCheck.Status, digestCheck.Detail = Fail, "cannot canonicalize the event: "+err.Error()
		idCheck.Status, idCheck.Detail = Unknown, "no digest to derive the id from"
		sigCheck.Status, sigCheck.Detail = Unknown, "no digest to check the signature against"
	} else {
		res.digest = digest
		digestCheck = compare(digestCheck, "sha256(JCS(event minus signature, content_sha256, event_id))", digest, e.ContentSHA256)
		idCheck = compare(idCheck, "event id", "sha256:"+digest, e.EventID)
		sigCheck.Status, sigCheck.Detail = verifyEventSignature(e, digest, keys)
	}
	subjCheck = compare(subjCheck, "subject_pith_number", bundleNumber, e.SubjectPithNumber)
	res.checks = []Check{digestCheck, idCheck, sigCheck, subjCheck}

	// The merge counts an event valid only when it can be attributed to a
	// signer key and matches its claims; trust is a separate question.
	for _, c := range res.checks {
		if c.Status != OK {
			res.invalidReason = c.Name + ": " + c.Detail
			break
		}
	}
	return res
}

// verifyEventSignature checks the signature block against the signer it
// claims and the digest computed from the received event.
func verifyEventSignature(e *model.Event, digest string, keys *keyring) (Status, string) {
	if e.Signature.KeyID != e.Signer.KeyID || e.Signature.Fingerprint != e.Signer.Fingerprint {
		return Fail, fmt.Sprintf("signature names key %s/%s but signer is %s/%s",
			e.Signature.KeyID, e.Signature.Fingerprint, e.Signer.KeyID, e.Signer.Fingerprint)
	}
	return verifySignature(keys, e.Signature, digest, "open_graph_event_sha256_bytes")
}
