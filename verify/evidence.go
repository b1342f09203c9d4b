package verify

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// EquivocationEvidence writes the evidence file for one fork of a bundle.
func EquivocationEvidence(b *model.Bundle, f model.Fork) ([]byte, error) {
	return model.EvidenceJSON(b, f)
}

// ForkProof is what an evidence file proves: whether its events show one
// signer (one public key, whatever ids name it) signing several events
// for the same place in its chain, with every signature verifying with a
// key the user trusts.
type ForkProof struct {
	Proven bool `json:"proven"`
	// Kind is "fork", or "split view" for evidence whose source bundles
	// show two signed copies each holding an event the other lacks.
	Kind      string   `json:"kind,omitempty"`
	KeyIDs    []string `json:"key_ids,omitempty"` // the ids the events name the signer's key by
	Trust     Trust    `json:"trust,omitempty"`   // the most trusted of them
	Events    int      `json:"events"`
	Subject   string   `json:"subject,omitempty"` // the pith number the events are about
	Target    string   `json:"target,omitempty"`
	PrevEvent string   `json:"prev_event,omitempty"` // "" for null
	EventIDs  []string `json:"event_ids,omitempty"`
	Why       string   `json:"why,omitempty"` // when not proven: what is missing
	// Sources name where the source bundles came from (split-view
	// evidence only).
	Sources []string `json:"sources,omitempty"`
}

// Title is the verdict's first words: FORK PROVEN, FORK NOT PROVEN,
// SPLIT VIEW PROVEN or SPLIT VIEW NOT PROVEN.
func (p *ForkProof) Title() string {
	title := "FORK"
	if p.Kind == proofSplit {
		title = "SPLIT VIEW"
	}
	if !p.Proven {
		return title + " NOT PROVEN"
	}
	return title + " PROVEN"
}

// verdict is the report's verdict line for an evidence file.
func (p *ForkProof) verdict() string {
	key := Voucher{KeyIDs: p.KeyIDs, Trust: p.Trust}.Name()
	switch {
	case !p.Proven:
		return p.Title() + ": " + p.Why
	case p.Kind == proofSplit:
		return fmt.Sprintf("%s: %s and %s serve copies of %s signed by %s, each holding an event the other lacks (%s, %s)",
			p.Title(), p.Sources[0], p.Sources[1], p.Subject, key, p.EventIDs[0], p.EventIDs[1])
	}
	prev := p.PrevEvent
	if prev == "" {
		prev = "null"
	}
	from := ""
	if len(p.Sources) > 0 {
		from = fmt.Sprintf(", from %d sources: %s", len(p.Sources), strings.Join(p.Sources, ", "))
	}
	return fmt.Sprintf("%s: %s signed %d events for %s after %s%s", p.Title(), key, p.Events, p.Target, prev, from)
}

// VerifyEvidence checks an evidence file on its own: each event's digest,
// id and signature, the key, and whether the events prove a fork (same
// signer key, subject, target and prev_event; different ids; all validly
// signed). A proven fork is an equivocation check that fails (the signer
// misbehaved); the report's Evidence says whether the file proves it,
// which needs every other check to pass, the key's trust included.
func VerifyEvidence(ev *model.Evidence, opts Options) *Report {
	if opts.Trust == nil {
		opts.Trust = NewTrustStore()
	}
	pseudo := &model.Bundle{PithNumber: ev.PithNumber, PublicKeys: ev.Keys}
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
	proof, fork := forkProof(ev, valid, keys)
	if len(ev.Sources) > 0 {
		var sourceChecks []Check
		proof, fork, sourceChecks = sourcesProof(ev, opts, valid, proof, fork)
		checks = append(checks, sourceChecks...)
	}
	checks = append(checks, fork)
	r.Keys = keys.keys()
	r.Checks = sortChecks(checks)
	r.Vouchers = vouchers(ev.Events, nil, r.Checks, r.Keys)
	if proof.Proven {
		for _, c := range r.Checks {
			if c.Status != OK && c.Name != CheckEquivocation && c.Name != CheckSplitView {
				proof.Proven, proof.Why = false, c.Name+" "+c.Subject+": "+c.Detail
				break
			}
		}
	}
	if proof.Proven && proof.Kind != proofSplit && len(r.Vouchers) == 1 { // one key signed every event
		proof.Trust = r.Vouchers[0].Trust
	}
	r.Evidence = proof
	return r
}

// forkProof decides whether the evidence's events show a fork. Its events'
// signer is the key their signatures verified with, whatever ids they
// name it by.
func forkProof(ev *model.Evidence, allValid bool, keys *keyring) (*ForkProof, Check) {
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
	for _, e := range ev.Events {
		if why != "" {
			break
		}
		f := ev.Events[0]
		switch {
		case !bytes.Equal(keys.info(e.Signer.KeyID).Key, keys.info(f.Signer.KeyID).Key):
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
		return &ForkProof{Why: "the events do not show a fork: " + why, Events: len(ev.Events)}, c
	}
	e := ev.Events[0]
	p := &ForkProof{Proven: true, Events: len(ev.Events), Subject: e.SubjectPithNumber, Target: e.Target, PrevEvent: e.PrevEvent}
	for _, x := range ev.Events {
		p.EventIDs = append(p.EventIDs, x.EventID)
		if !slices.Contains(p.KeyIDs, x.Signer.KeyID) {
			p.KeyIDs = append(p.KeyIDs, x.Signer.KeyID)
		}
	}
	prev := e.PrevEvent
	if prev == "" {
		prev = "null"
	}
	c.Status = Fail
	c.Detail = fmt.Sprintf("fork proven: signer %s signed %d different events for %s target %s after prev_event %s: %s",
		strings.Join(p.KeyIDs, " = "), len(ev.Events), e.SubjectPithNumber, model.Quote(e.Target), prev, strings.Join(p.EventIDs, ", "))
	return p, c
}

// maxEvidenceSuffix bounds the -2, -3 … suffixes tried before giving up.
const maxEvidenceSuffix = 1000

// WriteEvidenceFile writes the evidence file of fork n (1-based) of a
// bundle r verified into dir, and returns its path. The name comes only
// from the verified pith number (the one the record hashes to, when the
// pith_number check passed), never from a path or string in the bundle:
// pith-evidence-BODY-forkN.json, BODY its 26 base32 characters. The file
// is created new (O_EXCL: never overwritten, never through a link); when
// the name is taken, -2, -3 … is added.
func WriteEvidenceFile(dir string, b *model.Bundle, r *Report, n int) (string, error) {
	if c, ok := r.Find(CheckPithNumber, SubjectBundle); !ok || c.Status != OK {
		return "", fmt.Errorf("no verified pith number to name the evidence file after")
	}
	if r.Merge == nil || n < 1 || n > len(r.Merge.Forks) {
		return "", fmt.Errorf("no fork %d to write evidence for", n)
	}
	data, err := EquivocationEvidence(b, r.Merge.Forks[n-1])
	if err != nil {
		return "", err
	}
	return createEvidenceFile(dir, r.PithNumber, fmt.Sprintf("fork%d", n), data)
}

// createEvidenceFile writes data to pith-evidence-BODY-KIND.json in dir,
// BODY the verified pith number's 26 base32 characters (checked again
// here: nothing else may reach a file name), created new (O_EXCL: never
// overwritten, never through a link), with -2, -3 … when the name is
// taken.
func createEvidenceFile(dir, pithNumber, kind string, data []byte) (string, error) {
	body := model.BodyOf(pithNumber)
	if len(body) != model.PithBodyLen || strings.Trim(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		return "", fmt.Errorf("no verified pith number to name the evidence file after")
	}
	base := fmt.Sprintf("pith-evidence-%s-%s", body, kind)
	for try := 1; try <= maxEvidenceSuffix; try++ {
		name := base + ".json"
		if try > 1 {
			name = fmt.Sprintf("%s-%d.json", base, try)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path) // ours: created by this call
			return "", werr
		}
		return path, nil
	}
	return "", fmt.Errorf("%s: %s.json and %d numbered copies exist already", dir, base, maxEvidenceSuffix-1)
}

// CheckEvidenceCommand is the command that checks an evidence file with the keys
// the explorer trusts: every --trust-key file, absolute, each word quoted
// for a POSIX shell where it needs it: what the explorer and
// `verify --sources --evidence-dir` print after writing one.
func CheckEvidenceCommand(trustKeys []string, path string) string {
	words := []string{"pithscope", "verify"}
	for _, k := range trustKeys {
		if abs, err := filepath.Abs(k); err == nil {
			k = abs
		}
		words = append(words, "--trust-key", shellQuote(k))
	}
	return strings.Join(append(words, shellQuote(path)), " ")
}

// shellQuote quotes s for a POSIX shell unless it is plain.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
