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
		if v.Kind() != KindArray || v.Len() != len(x) {
			return false, nil
		}
		for i, e := range v.Elems() {
			if same, err := equalCanonical(x[i], e, nil); !same || err != nil {
				return false, err
			}
		}
		return true, nil
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
// member, in canonical key order.
func (o *CanonObject) equalMembers(v Value, exclude []string) (bool, error) {
	if v.Kind() != KindObject {
		return false, nil
	}
	received := slices.DeleteFunc(v.Members(), func(m Member) bool { return slices.Contains(exclude, m.Key) })
	if len(received) != len(o.members) {
		return false, nil
	}
	slices.SortFunc(received, func(a, b Member) int {
		if lessUTF16(a.Key, b.Key) {
			return -1
		}
		return 1 // keys are distinct: the strict reader refuses duplicates
	})
	for i, m := range o.members {
		if received[i].Key != m.key {
			return false, nil
		}
		if same, err := equalCanonical(m.value, received[i].Value, nil); !same || err != nil {
			return false, err
		}
	}
	return true, nil
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
