package model

import (
	"bytes"
	"slices"
)

// EqualTo reports whether the received object v, minus the members named
// in exclude, holds the same JSON data as o: whether their canonical forms
// are the same bytes. It walks o's composition beside v and compares
// received bytes first: a served state copies its events' members as they
// were received, so almost every part is decided by comparing bytes, and
// only parts received differently are canonicalized (and hashed, so a
// large one costs no memory). An error means some part has no canonical
// form.
func (o *CanonObject) EqualTo(v Value, exclude ...string) (bool, error) {
	return equalCanonical(o, v, exclude)
}

func equalCanonical(c canonValue, v Value, exclude []string) (bool, error) {
	switch x := c.(type) {
	case canonReceived:
		if bytes.Equal(x.v.Raw(), v.Raw()) {
			return true, nil
		}
	case canonBytes:
		if bytes.Equal(x, v.Raw()) {
			return true, nil
		}
	case canonArray:
		if v.Kind() != KindArray {
			return false, nil
		}
		n, same, err := 0, true, error(nil)
		v.eachChild(func(_ []byte, _ int32, e Value) bool {
			if n < len(x) {
				same, err = equalCanonical(x[n], e, nil)
			}
			n++
			return same && err == nil && n <= len(x)
		})
		return same && err == nil && n == len(x), err
	case *CanonObject:
		if !x.source.Exists() {
			return x.equalMembers(v, exclude)
		}
		if len(exclude) == 0 && bytes.Equal(x.source.Raw(), v.Raw()) {
			return true, nil
		}
	}
	return sameCanonicalForm(c, CanonicalOf(v), exclude)
}

// equalMembers compares a composed object with a received one member by
// member. Keys are distinct on both sides (the strict reader refuses
// duplicates), so the same number of members, each received key found
// among the composed ones, means the same keys.
func (o *CanonObject) equalMembers(v Value, exclude []string) (bool, error) {
	if v.Kind() != KindObject {
		return false, nil
	}
	n, same, err := 0, true, error(nil)
	v.eachChild(func(key []byte, _ int32, child Value) bool {
		if slices.ContainsFunc(exclude, func(x string) bool { return keyIs(key, x) }) {
			return true
		}
		n++
		i := slices.IndexFunc(o.members, func(m canonMember) bool { return keyIs(key, m.key) })
		if i < 0 {
			same = false
		} else {
			same, err = equalCanonical(o.members[i].value, child, nil)
		}
		return same && err == nil && n <= len(o.members)
	})
	return same && err == nil && n == len(o.members), err
}

// sameCanonicalForm compares two canonical forms by their digests.
func sameCanonicalForm(c canonValue, v *CanonObject, exclude []string) (bool, error) {
	want, err := hashCanonical(c.writeCanonical)
	if err != nil {
		return false, err
	}
	got, err := hashCanonical(func(w *canonWriter) {
		if v.source.Kind() == KindObject {
			v.write(w, exclude)
		} else {
			w.received(v.source)
		}
	})
	if err != nil {
		return false, err
	}
	return want == got, nil
}
