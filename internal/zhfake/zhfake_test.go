package zhfake

import (
	"testing"
	"unicode"

	"github.com/brianvoe/gofakeit/v6"
)

// Same seed, same data; different seeds spread over the lists; names are
// Chinese characters only; items read as Chinese listings.
func TestSeededChineseData(t *testing.T) {
	names, things := map[string]bool{}, map[string]bool{}
	for seed := int64(1); seed <= 200; seed++ {
		n, i := Name(gofakeit.New(seed)), Item(gofakeit.New(seed))
		if n != Name(gofakeit.New(seed)) || i != Item(gofakeit.New(seed)) {
			t.Fatalf("seed %d gives different data twice", seed)
		}
		r := []rune(n)
		if len(r) < 2 || len(r) > 4 {
			t.Errorf("name %q: want 2 to 4 characters", n)
		}
		for _, c := range r {
			if !unicode.Is(unicode.Han, c) {
				t.Errorf("name %q has %q, not a Chinese character", n, c)
			}
		}
		han := 0
		for _, c := range i {
			if unicode.Is(unicode.Han, c) {
				han++
			}
		}
		if han == 0 {
			t.Errorf("item %q has no Chinese", i)
		}
		names[n], things[i] = true, true
	}
	if len(names) < 150 || len(things) < 80 {
		t.Errorf("200 seeds gave %d names and %d items: the data does not follow the seed", len(names), len(things))
	}
}
