// Package idmap is a map from string ids to pointers with a small
// direct-mapped cache in front, for the per-event lookups of the
// workbench, its KPI stream and the invariant checker (conversation ids,
// agent logins). Ids of one kind differ mostly in their last characters
// and a run has a few hundred live ones, so a cache slot picked from the
// last three bytes nearly always holds the id asked for (or knows it is
// absent), and a hit costs a string comparison instead of hashing the id
// and probing the map.
package idmap

import "iter"

const (
	cacheBits = 10
	cacheSize = 1 << cacheBits
)

// Map is a map[string]*V. The zero value is not ready: use New. It is not
// safe for concurrent use.
type Map[V any] struct {
	m     map[string]*V
	cache [cacheSize]entry[V]
}

// entry caches one id: its value, or nil when the map does not hold it.
// Every Set and Delete of an id rewrites its slot, so no entry goes stale.
type entry[V any] struct {
	id  string
	v   *V
	set bool
}

// New returns an empty map.
func New[V any]() *Map[V] { return &Map[V]{m: map[string]*V{}} }

// slot mixes the length and the last three bytes of id.
func slot(id string) int {
	n := len(id)
	h := uint(n)
	if n >= 3 {
		h = h*131 + uint(id[n-3])*100 + uint(id[n-2])*10 + uint(id[n-1])
	} else if n > 0 {
		h = h*131 + uint(id[n-1])
	}
	return int(h & (cacheSize - 1))
}

// Get returns the value stored under id, or nil.
func (m *Map[V]) Get(id string) *V {
	e := &m.cache[slot(id)]
	if e.set && e.id == id {
		return e.v
	}
	v := m.m[id]
	*e = entry[V]{id, v, true}
	return v
}

// Lookup is Get with a map's comma-ok form.
func (m *Map[V]) Lookup(id string) (*V, bool) {
	v := m.Get(id)
	return v, v != nil
}

// Set stores v (not nil) under id.
func (m *Map[V]) Set(id string, v *V) {
	m.m[id] = v
	m.cache[slot(id)] = entry[V]{id, v, true}
}

// Delete removes id.
func (m *Map[V]) Delete(id string) {
	delete(m.m, id)
	m.cache[slot(id)] = entry[V]{id, nil, true}
}

// Len is the number of ids stored.
func (m *Map[V]) Len() int { return len(m.m) }

// All ranges over every id and value, in no particular order. Deleting
// during the range is allowed, as in a map.
func (m *Map[V]) All() iter.Seq2[string, *V] {
	return func(yield func(string, *V) bool) {
		for id, v := range m.m {
			if !yield(id, v) {
				return
			}
		}
	}
}
