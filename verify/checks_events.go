package verify

import (
	"fmt"

	"github.com/pithscope/pithscope/model"
)

// Members that an event's digest does not cover.
var eventUnsigned = []string{"signature", "content_sha256", "event_id"}

// The details of an event's checks that pass: fixed texts, since the values
// are in the check's expected and found (and in its subject), and 10,000
// events would otherwise carry 20,000 copies of them.
const (
	eventDigestOK  = "sha256(JCS(event minus signature, content_sha256, event_id)) equals content_sha256"
	eventIDOK      = `event_id is "sha256:" + that digest`
	eventSubjectOK = "subject_pith_number is the pith number the record hashes to"
)

type eventResult struct {
	digest        string
	invalidReason string // why the merge must leave the event out, or ""
	checks        []Check
}

// checkEvent checks one event's digest (composed from its canonical
// members), id, signature and subject. duplicateOf is the index of an
// earlier event with the same id, or -1. It only reads the keyring.
func checkEvent(e *model.Event, canon *model.CanonObject, bundleNumber string, keys *keyring, duplicateOf int) eventResult {
	subject := eventCheckSubject(e, duplicateOf)
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
		if digest == e.ContentSHA256 {
			digest = e.ContentSHA256 // keep the bundle's copy, not a second one
		}
		res.digest = digest
		digestCheck = compareOr(digestCheck, "sha256(JCS(event minus signature, content_sha256, event_id))", digest, e.ContentSHA256, eventDigestOK)
		idCheck = compareOr(idCheck, "event id", "sha256:"+digest, e.EventID, eventIDOK)
		if duplicateOf >= 0 && idCheck.Status == OK {
			idCheck.Status = Fail
			idCheck.Detail = fmt.Sprintf("events[%d] is the same event: a bundle lists each event once, so this copy is not merged", duplicateOf)
		}
		sigCheck.Status, sigCheck.Detail = verifyEventSignature(e, digest, keys)
	}
	subjCheck = compareOr(subjCheck, "subject_pith_number", bundleNumber, e.SubjectPithNumber, eventSubjectOK)
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

// eventCheckSubject is the subject of an event's checks: its id, or its
// position when an earlier event (duplicateOf, or -1) has that id already.
func eventCheckSubject(e *model.Event, duplicateOf int) string {
	if duplicateOf >= 0 {
		return EventSubject(e.Index, "")
	}
	return EventSubject(e.Index, e.EventID)
}

// duplicates maps each event to the index of an earlier event with the
// same claimed id, or -1.
func duplicates(events []model.Event) []int {
	first := make(map[string]int, len(events))
	out := make([]int, len(events))
	for i := range events {
		out[i] = -1
		id := events[i].EventID
		if j, seen := first[id]; seen && id != "" {
			out[i] = j
		} else {
			first[id] = i
		}
	}
	return out
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
