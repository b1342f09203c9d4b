package verify

import (
	"fmt"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// EquivocationEvidence writes the evidence file for one fork of a bundle.
func EquivocationEvidence(b *model.Bundle, f model.Fork) ([]byte, error) {
	return model.EvidenceJSON(b, f)
}

// VerifyEvidence checks an evidence file on its own: each event's digest,
// id and signature, the key, and whether the events prove a fork (same
// signer, subject, target and prev_event; different ids; all validly
// signed). A proven fork is an equivocation check that fails: the signer
// misbehaved.
func VerifyEvidence(ev *model.Evidence, opts Options) *Report {
	if opts.Trust == nil {
		opts.Trust = NewTrustStore()
	}
	pseudo := &model.Bundle{PithNumber: ev.PithNumber}
	if ev.Key != nil {
		pseudo.PublicKeys = []model.PublicKey{*ev.Key}
	}
	var signing []string
	for _, e := range ev.Events {
		signing = append(signing, e.Signer.KeyID)
	}
	keys := newKeyring(pseudo.PublicKeys, opts.Trust, signing)
	r := &Report{PithNumber: ev.PithNumber, EventSHA256: make([]string, len(ev.Events))}
	var checks []Check
	checks = append(checks, keyFingerprintChecks(pseudo)...)
	checks = append(checks, keys.keyTrustChecks()...)
	canon := make([]*model.CanonObject, len(ev.Events))
	for i := range ev.Events {
		canon[i] = model.CanonicalOf(ev.Events[i].Value)
	}
	valid := true
	duplicateOf := duplicates(ev.Events)
	for i := range ev.Events {
		res := checkEvent(&ev.Events[i], canon[i], ev.PithNumber, keys, duplicateOf[i])
		r.EventSHA256[i] = res.digest
		checks = append(checks, res.checks...)
		valid = valid && res.invalidReason == ""
	}
	checks = append(checks, forkProof(ev, valid))
	r.Keys = keys.keys()
	r.Checks = sortChecks(checks)
	return r
}

// forkProof decides whether the evidence proves an equivocation.
func forkProof(ev *model.Evidence, allValid bool) Check {
	c := bundleCheck(CheckEquivocation)
	c.Subject = "evidence"
	why := ""
	ids := map[string]bool{}
	for _, e := range ev.Events {
		ids[e.EventID] = true
	}
	switch {
	case len(ev.Events) < 2:
		why = fmt.Sprintf("it holds %d event(s), a fork needs two", len(ev.Events))
	case !allValid:
		why = "not every event's digest, id and signature check out"
	case len(ids) != len(ev.Events):
		why = "two of its events have the same id"
	}
	first := ev.Events
	for _, e := range first {
		if why != "" {
			break
		}
		f := first[0]
		switch {
		case e.Signer.KeyID != f.Signer.KeyID:
			why = "its events have different signer keys"
		case e.SubjectPithNumber != f.SubjectPithNumber:
			why = "its events are about different pith numbers"
		case e.Target != f.Target:
			why = "its events have different targets"
		case e.PrevEvent != f.PrevEvent:
			why = "its events follow different prev_events"
		}
	}
	if why != "" {
		c.Status, c.Detail = Unknown, "the evidence does not prove a fork: "+why
		return c
	}
	e := ev.Events[0]
	prev := e.PrevEvent
	if prev == "" {
		prev = "null"
	}
	var list []string
	for _, x := range ev.Events {
		list = append(list, x.EventID)
	}
	c.Status = Fail
	c.Detail = fmt.Sprintf("fork proven: signer %s signed %d different events for %s target %q after prev_event %s: %s",
		e.Signer.KeyID, len(ev.Events), e.SubjectPithNumber, e.Target, prev, strings.Join(list, ", "))
	return c
}
