package reports

import "fmt"

// Plural is a count with its noun, singular for one: "1 event",
// "2 events", "0 service requests". Nouns here all take a plain "s".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
