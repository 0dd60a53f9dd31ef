// Package suggest finds what a person most likely meant when they mistyped
// a name (a flag, a bundled vendor): the "did you mean" of the CLI.
package suggest

// Distance is the Levenshtein distance between a and b, in runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest is the name nearest to typed within maxEdits, the first one on a
// tie, or "" when none is that close.
func Closest(typed string, names []string, maxEdits int) string {
	best, bestD := "", maxEdits+1
	for _, n := range names {
		if d := Distance(typed, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}
