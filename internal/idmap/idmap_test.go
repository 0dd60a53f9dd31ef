package idmap

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// A long random mix of sets, gets and deletes on ids that collide in the
// cache answers exactly like a plain map.
func TestMatchesPlainMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := New[int]()
	ref := map[string]*int{}
	ids := make([]string, 5000)
	for i := range ids {
		switch i % 3 {
		case 0:
			ids[i] = fmt.Sprintf("c%d", i)
		case 1:
			ids[i] = fmt.Sprintf("c%d", i+cacheSize) // same last digits, other id
		default:
			ids[i] = fmt.Sprint(i % 7) // short ids
		}
	}
	for range 200000 {
		id := ids[rng.IntN(len(ids))]
		switch rng.IntN(3) {
		case 0:
			v := new(int)
			*v = rng.Int()
			m.Set(id, v)
			ref[id] = v
		case 1:
			m.Delete(id)
			delete(ref, id)
		default:
			if got, want := m.Get(id), ref[id]; got != want {
				t.Fatalf("Get(%q) = %p, want %p", id, got, want)
			}
		}
		if m.Len() != len(ref) {
			t.Fatalf("Len %d, want %d", m.Len(), len(ref))
		}
	}
	n := 0
	for id, v := range m.All() {
		if ref[id] != v {
			t.Fatalf("All gave %q = %p, want %p", id, v, ref[id])
		}
		m.Delete(id)
		n++
	}
	if n != len(ref) || m.Len() != 0 {
		t.Fatalf("All gave %d of %d ids, %d left", n, len(ref), m.Len())
	}
	for id := range ref {
		if m.Get(id) != nil {
			t.Fatalf("%q still found after every id was deleted", id)
		}
	}
}

func TestGetAllocatesNothing(t *testing.T) {
	m := New[int]()
	v := 1
	m.Set("c1", &v)
	if a := testing.AllocsPerRun(100, func() { m.Get("c1"); m.Get("c2") }); a != 0 {
		t.Fatalf("%v allocations per Get", a)
	}
}
