package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pithscope/pithscope/model"
)

// SplitEvidence is the evidence file of proof n (1-based) of a comparison:
// its signed events as received, the key entries naming their signers, and
// each signed bundle (as received) the events came from, in
// source_bundles. Anyone holding the keys can check it offline
// (VerifyEvidence).
func SplitEvidence(c *Comparison, n int) ([]byte, error) {
	if n < 1 || n > len(c.Proofs) {
		return nil, fmt.Errorf("no split view %d to write evidence for (the comparison found %d)", n, len(c.Proofs))
	}
	p := c.Proofs[n-1]
	var events, keys []model.Value
	var sources []model.EvidenceSource
	keyIDs := map[string]bool{}
	sourceAt := map[int]int{} // comparison source → its entry in sources
	for _, se := range p.Events {
		s := &c.Sources[se.Source]
		b := s.Report.Bundle()
		e := &b.Events[se.Event]
		events = append(events, e.Value)
		for _, id := range []string{e.Signer.KeyID, e.Signature.KeyID} {
			if k, ok := b.PublicKey(id); ok && !keyIDs[id] {
				keyIDs[id] = true
				keys = append(keys, k.Value)
			}
		}
		at, ok := sourceAt[se.Source]
		if !ok {
			at = len(sources)
			sourceAt[se.Source] = at
			sources = append(sources, model.EvidenceSource{Source: s.Name, Bundle: b.Root})
		}
		sources[at].EventIDs = append(sources[at].EventIDs, e.EventID)
	}
	var fork *model.Fork
	if p.Fork != nil {
		fork = &p.Fork.Fork
	}
	data := model.SourcesEvidenceJSON(c.PithNumber, fork, events, keys, sources)
	if len(data) > model.MaxBundleBytes {
		return nil, fmt.Errorf("the evidence would be %d bytes, over the %d bytes pithscope reads back", len(data), model.MaxBundleBytes)
	}
	return data, nil
}

// WriteSplitEvidenceFile writes the evidence file of proof n (1-based) of
// a comparison into dir and returns its path. Like WriteEvidenceFile, the
// name comes only from the verified pith number (that of the first
// verified copy, whose pith_number check passed):
// pith-evidence-BODY-splitN.json, created new, -2, -3 … when taken.
func WriteSplitEvidenceFile(dir string, c *Comparison, n int) (string, error) {
	data, err := SplitEvidence(c, n)
	if err != nil {
		return "", err
	}
	return createEvidenceFile(dir, c.PithNumber, fmt.Sprintf("split%d", n), data)
}

// sourceBundle is a source bundle of an evidence file, verified.
type sourceBundle struct {
	name   string
	named  []string // the evidence's events it holds, as its entry names them
	report *Report
	valid  map[string]int
}

// sourcesProof checks the source bundles of split-view evidence: each is
// verified on its own (signed throughout by trusted keys, a copy of the
// evidence's pith number) and must hold, as a valid event, every event it
// names, each one of the evidence's. A fork the events prove stays the
// proof (the bundles say where its branches came from); otherwise the
// bundles must show a split view: two of them each holding a named event
// the other lacks. It returns the proof, its check (equivocation or
// split_view) and one bundle_signature check per source bundle
// (subject source:N).
func sourcesProof(ev *model.Evidence, opts Options, eventsValid bool, fork *ForkProof, forkCheck Check) (*ForkProof, Check, []Check) {
	inEvidence := map[string]bool{}
	for _, e := range ev.Events {
		inEvidence[e.EventID] = true
	}
	named := map[string]bool{}
	bundles := make([]*sourceBundle, len(ev.Sources))
	var checks []Check
	for n, src := range ev.Sources {
		c := Check{Name: CheckBundleSignature, Subject: fmt.Sprintf("source:%d", n+1), Event: -1, Status: Fail}
		sb, why := checkSourceBundle(src, ev.PithNumber, opts.Trust, inEvidence)
		if why != "" {
			c.Detail = src.Source + ": " + why
		} else {
			c.Status = OK
			c.Detail = fmt.Sprintf("%s: a copy of %s signed throughout by trusted keys (the bundle by %s), holding %s",
				src.Source, ev.PithNumber, bundleSigner(sb.report), strings.Join(src.EventIDs, ", "))
			bundles[n] = sb
		}
		for _, id := range src.EventIDs {
			named[id] = true
		}
		checks = append(checks, c)
	}
	for _, e := range ev.Events {
		if !named[e.EventID] {
			checks = append(checks, Check{Name: CheckBundleSignature, Subject: "source:none", Event: -1, Status: Fail,
				Detail: "no source bundle holds event " + e.EventID})
		}
	}
	names := make([]string, len(ev.Sources))
	for n, src := range ev.Sources {
		names[n] = src.Source
	}
	if fork.Proven {
		fork.Kind, fork.Sources = proofFork, names
		return fork, forkCheck, checks
	}
	proof, c := splitProof(ev, eventsValid, bundles)
	if !proof.Proven {
		proof.Sources = names
	}
	return proof, c, checks
}

// checkSourceBundle verifies one source bundle on its own with trust; why
// is "" when it is a copy of pithNumber signed throughout by trusted keys
// that holds, valid, every event it names, each one of the evidence's.
func checkSourceBundle(src model.EvidenceSource, pithNumber string, trust *TrustStore, inEvidence map[string]bool) (*sourceBundle, string) {
	b, err := model.Parse(src.Bundle.Raw())
	if err != nil {
		return nil, "not a bundle: " + err.Error()
	}
	r := Run(context.Background(), b, Options{Trust: trust}, nil)
	if why := r.NotSignedByTrustedKeys(); why != "" {
		return nil, why
	}
	if r.PithNumber != pithNumber {
		return nil, "a copy of another record, " + r.PithNumber
	}
	if len(src.EventIDs) == 0 {
		return nil, "it names none of the evidence's events"
	}
	sb := &sourceBundle{name: src.Source, named: src.EventIDs, report: r, valid: validEvents(r)}
	for _, id := range src.EventIDs {
		if !inEvidence[id] {
			return nil, "it names " + id + ", which is not one of the evidence's events"
		}
		if _, ok := sb.valid[id]; !ok {
			return nil, "it does not hold " + id + " as a valid event"
		}
	}
	return sb, ""
}

// bundleSigner names the key of a report's bundle signature.
func bundleSigner(r *Report) string {
	for _, v := range r.Vouchers {
		if v.Bundle {
			return v.Name()
		}
	}
	return "no key"
}

// Kinds of proof an evidence file makes.
const (
	proofFork  = "fork"
	proofSplit = "split view"
)

// splitProof decides whether verified source bundles show a split view:
// two of them, each holding a named event the other lacks.
func splitProof(ev *model.Evidence, eventsValid bool, bundles []*sourceBundle) (*ForkProof, Check) {
	c := bundleCheck(CheckSplitView)
	c.Subject = "evidence"
	notProven := func(why string) (*ForkProof, Check) {
		c.Status, c.Detail = Unknown, "the evidence does not prove a split view: "+why
		return &ForkProof{Kind: proofSplit, Events: len(ev.Events), Why: why}, c
	}
	switch {
	case len(bundles) < 2:
		return notProven(fmt.Sprintf("it holds %d source bundle(s), a split view needs two", len(bundles)))
	case !eventsValid:
		return notProven("not every event's digest, id and signature check out")
	case slices.Contains(bundles, nil):
		return notProven(fmt.Sprintf("source bundle %d does not check out (its bundle_signature check says why)", slices.Index(bundles, nil)+1))
	}
	for i, a := range bundles {
		for _, b := range bundles[i+1:] {
			onlyA, onlyB := lacking(a, b), lacking(b, a)
			if onlyA == "" || onlyB == "" {
				continue
			}
			p := &ForkProof{Proven: true, Kind: proofSplit, Events: len(ev.Events), Subject: ev.PithNumber,
				EventIDs: []string{onlyA, onlyB}, Sources: []string{a.name, b.name}}
			for _, r := range []*Report{a.report, b.report} {
				for _, v := range r.Vouchers {
					if v.Bundle {
						p.KeyIDs = append(p.KeyIDs, v.KeyIDs...)
						if p.Trust == "" || trustRank[v.Trust] > trustRank[p.Trust] {
							p.Trust = v.Trust // the least trusted of the two signers
						}
					}
				}
			}
			p.KeyIDs = slices.Compact(p.KeyIDs)
			c.Status = Fail
			c.Detail = fmt.Sprintf("split view proven: %s serves a copy of %s holding %s, which the copy %s serves lacks, and lacks %s, which that copy holds; both copies are signed throughout by trusted keys (the bundles by %s and %s)",
				a.name, ev.PithNumber, onlyA, b.name, onlyB, bundleSigner(a.report), bundleSigner(b.report))
			return p, c
		}
	}
	return notProven("no two of its source bundles each hold an event the other lacks")
}

// lacking is the first event a names that b does not hold as valid, or "".
func lacking(a, b *sourceBundle) string {
	for _, id := range a.named {
		if _, held := b.valid[id]; !held {
			return id
		}
	}
	return ""
}
