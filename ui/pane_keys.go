package ui

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
)

const paneKeys paneID = "keys"

// keysPane lists every key: those the bundle delivers and those a
// signature names without the bundle having them. Trust says whether the
// user relies on the key (pinned, --trust-key) or only has the bundle's
// word for it.
type keysPane struct {
	*listDetail
	ids []string
	// bundleKey maps an id to its first public_keys entry, or -1.
	bundleKey map[string]int
}

func newKeysPane(e *env) pane {
	p := &keysPane{}
	p.listDetail = newListDetail(e, paneKeys, "key", p)
	return p
}

func (p *keysPane) reset() {
	p.collect()
	p.listDetail.reset()
}

// refresh picks up keys that only the report knows (named by a signature,
// absent from the bundle), once verification is done.
func (p *keysPane) refresh() {
	p.collect()
	p.listDetail.refresh()
}

func (p *keysPane) collect() {
	p.ids, p.bundleKey = nil, map[string]int{}
	s := p.env.sess
	if s == nil {
		return
	}
	for i, k := range s.bundle.PublicKeys {
		if _, dup := p.bundleKey[k.KeyID]; !dup {
			p.bundleKey[k.KeyID] = i
			p.ids = append(p.ids, k.KeyID)
		}
	}
	extra := map[string]bool{}
	for id := range s.keyEvents {
		if _, ok := p.bundleKey[id]; !ok && id != "" {
			extra[id] = true
		}
	}
	if id := s.bundle.BundleSignature.KeyID; id != "" {
		if _, ok := p.bundleKey[id]; !ok {
			extra[id] = true
		}
	}
	p.ids = append(p.ids, slices.Sorted(maps.Keys(extra))...)
}

func (p *keysPane) rowCount() int { return len(p.ids) }

func (p *keysPane) columns() []column {
	return []column{
		{title: "key_id", min: 16, max: 28},
		{title: "trust", min: 12},
		{title: "fp", min: 2},
		{title: "fingerprint", min: 32, drop: 2},
		{title: "signed", min: 6, right: true, drop: 1},
	}
}

// trust is what the key_trust check found for a key ("" until known).
func (p *keysPane) trust(id string) (string, state) {
	s := p.env.sess
	if c, ok := s.checkFor(verify.CheckKeyTrust, verify.KeySubject(id)); ok {
		return c.Found, stateOf(c.Status)
	}
	if s.checks.done {
		return "not used", stateNone
	}
	return "…", statePending
}

func (p *keysPane) cells(i int) []cell {
	s := p.env.sess
	st := p.env.styles
	id := p.ids[i]
	trust, ts := p.trust(id)
	trustPaint := st.OK
	switch ts {
	case stateFail:
		trustPaint = st.Fail
	case statePending, stateNone:
		trustPaint = st.Muted
	case stateUnknown:
		trustPaint = st.Unknown
	}
	fp := ""
	if k, ok := p.bundleKey[id]; ok {
		fp = s.bundle.PublicKeys[k].FingerprintHex
	}
	return []cell{
		{text: model.Printable(id), paint: st.Bold},
		{text: model.Printable(trust), paint: trustPaint},
		markCell(st, p.fingerprintState(id)),
		{text: model.Printable(fp), paint: st.Muted},
		{text: strconv.Itoa(len(s.keyEvents[id]))},
	}
}

func (p *keysPane) fingerprintState(id string) state {
	if _, ok := p.bundleKey[id]; !ok {
		return stateNone
	}
	return p.env.sess.checks.subjectState(verify.KeySubject(id), verify.CheckKeyFingerprint)
}

func (p *keysPane) marker(int) string { return "" }

// failing: the key is not trusted, or its fingerprints are wrong.
func (p *keysPane) failing(i int) bool {
	_, trust := p.trust(p.ids[i])
	return failed(trust) || failed(p.fingerprintState(p.ids[i]))
}

func (p *keysPane) match(i int, q string) bool {
	id := p.ids[i]
	trust, _ := p.trust(id)
	fp := ""
	if k, ok := p.bundleKey[id]; ok {
		fp = p.env.sess.bundle.PublicKeys[k].FingerprintHex
	}
	return matchAny(q, id, trust, fp)
}

func (p *keysPane) rowName(i int) string { return "key " + model.Printable(p.ids[i]) }

func (p *keysPane) jsonPath(i int) string {
	if k, ok := p.bundleKey[p.ids[i]]; ok {
		return "$.public_keys[" + strconv.Itoa(k) + "]"
	}
	return ""
}

func (p *keysPane) copyRow(i int) (string, string) {
	id := p.ids[i]
	if k, ok := p.bundleKey[id]; ok {
		return "public key of " + id, p.env.sess.bundle.PublicKeys[k].PublicKeyHex
	}
	return "key id", id
}

func (p *keysPane) show(t target) bool {
	if i := slices.Index(p.ids, t.keyID); t.keyID != "" && i >= 0 {
		t.row = i
	}
	return p.listDetail.show(t)
}

func (p *keysPane) detail(i int, d *doc) {
	s := p.env.sess
	st := p.env.styles
	id := p.ids[i]
	d.title = "key " + model.Printable(id)
	d.field("key_id", model.Printable(id), id)
	k, inBundle := p.bundleKey[id]
	if inBundle {
		pk := s.bundle.PublicKeys[k]
		d.field("algorithm", orDash(model.Printable(pk.Algorithm)), pk.Algorithm)
		d.field("public key", orDash(model.Printable(pk.PublicKeyHex)), pk.PublicKeyHex)
		d.field("base64", orDash(model.Printable(pk.PublicKeyB64)), pk.PublicKeyB64)
		d.heading("Fingerprint")
		c, ok := s.checkFor(verify.CheckKeyFingerprint, verify.KeySubject(id))
		checkField(d, st, "fingerprint", c, p.fingerprintState(id), "both fingerprints are the key's sha256")
		d.field("hex", orDash(model.Printable(pk.FingerprintHex)), pk.FingerprintHex)
		d.field("base32", orDash(model.Printable(pk.FingerprintB32)), pk.FingerprintB32)
		if ok && c.Expected != "" {
			d.field("computed", model.Printable(c.Expected), c.Expected)
		}
		// what the bundle says of the key: proven, if at all, by the
		// bundle signature
		at := "$.public_keys[" + strconv.Itoa(k) + "]"
		d.field("rotates_at", withProof(s, orDash(model.Printable(pk.RotatesAt)), at+".rotates_at"), pk.RotatesAt)
		if pk.URL != "" {
			d.field("url", withProof(s, model.Printable(pk.URL), at+".url"), pk.URL)
		}
		if pk.Notes != "" {
			d.field("notes", withProof(s, model.Printable(pk.Notes), at+".notes"), pk.Notes)
		}
	} else {
		d.text("The bundle does not include this key: only a trusted key can verify what it signed.")
	}

	d.heading("Trust")
	trust, ts := p.trust(id)
	c, ok := s.checkFor(verify.CheckKeyTrust, verify.KeySubject(id))
	text := "no signature names this key"
	if ok {
		text = model.Printable(c.Detail)
	} else if ts == statePending {
		text = "being decided"
	}
	d.badgeField("key_trust", st.badge(ts), text)
	d.field("trust", model.Printable(trust), "")
	if s.report != nil {
		if info, ok := s.report.Keys[id]; ok {
			d.field("origin", orDash(model.Printable(info.Origin)), "")
			if info.BundleMismatch {
				d.badgeField("bundle key", st.badge(stateFail), "the bundle's key with this id has other bytes than the trusted one; signatures were checked with the trusted key")
			}
		}
	}
	d.text(trustMeaning(trust))
	p.vouches(d, id)

	d.heading("Signed")
	if s.bundle.BundleSignature.KeyID == id {
		d.badgeField("bundle", st.badge(s.checks.subjectState(verify.SubjectBundle, verify.CheckBundleSignature)), "the bundle signature")
	}
	events := s.keyEvents[id]
	const shown = 20
	for n, e := range events {
		if n == shown {
			d.field("events", "and "+strconv.Itoa(len(events)-shown)+" more (filter the Events pane by this key id)", "")
			break
		}
		badge := st.mark(s.checks.eventState(e, verify.CheckEventSignature))
		d.items = append(d.items, docItem{kind: itemLink, label: "event", prefix: badge, text: eventLabel(s, e), jump: &target{pane: paneEvents, row: e}, copy: s.bundle.Events[e].EventID})
		if rc, ok := s.bundle.Events[e].Receipt(); ok && rc.KeyID == id {
			d.badgeField("receipt", st.mark(s.checks.eventState(e, verify.CheckReceiptSignature)), "receipt in event #"+strconv.Itoa(e))
		}
	}
	if len(events) == 0 && s.bundle.BundleSignature.KeyID != id {
		d.text("No event or bundle signature names this key.")
	}
}

// vouches says what the signatures that verified with this key signed,
// and the other ids the same key goes by (verify.Report.Vouchers: a key
// is its bytes, so its ids are one signer).
func (p *keysPane) vouches(d *doc, id string) {
	s := p.env.sess
	if s.report == nil {
		return
	}
	for _, v := range s.report.Vouchers {
		if !slices.Contains(v.KeyIDs, id) {
			continue
		}
		d.field("vouches for", v.Signed(), "")
		if len(v.KeyIDs) > 1 {
			d.field("same key as", model.Printable(strings.Join(slices.DeleteFunc(slices.Clone(v.KeyIDs), func(k string) bool { return k == id }), ", ")), "")
			d.text("One key under several ids is one signer: a fork across its ids is a fork.")
		}
		return
	}
	d.field("vouches for", "nothing: no signature verified with this key", "")
}

// trustMeaning explains a trust level in one sentence.
func trustMeaning(trust string) string {
	switch verify.Trust(trust) {
	case verify.TrustPinned:
		return "Pinned in pithscope: a signature by this key means the Pith registry signed it."
	case verify.TrustUser:
		return "Trusted because you passed it with --trust-key."
	case verify.TrustBundleOnly:
		return "Only the bundle vouches for this key: whoever served the bundle could have replaced key and signatures together. Pass --trust-key FILE to trust it."
	case verify.TrustNone:
		return "No key with this id is trusted or in the bundle: its signatures cannot be checked."
	}
	return ""
}
