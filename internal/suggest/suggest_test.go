package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"seed", "seed", 0}, {"seeed", "seed", 1}, {"timout", "timeout", 1}, {"rnu", "run", 2}, {"客服小王", "客服小李", 1}, {"", "abc", 3}} {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"demo", "at-capacity", "broken/wrong-tenant", "broken/never-replies"}
	if got := Closest("broken/wrong-tenent", names, 3); got != "broken/wrong-tenant" {
		t.Errorf("got %q", got)
	}
	if got := Closest("nope", names, 2); got != "" {
		t.Errorf("nothing within 2 edits, got %q", got)
	}
}
