package server_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// How TestProtocolDocExamples compares a documented example with what was
// recorded.

var digits = regexp.MustCompile(`[0-9]+`)

// match says why got does not have the shape and values of doc ("" if it
// has), naming the path of the first difference.
func match(doc, got any, path string) string {
	switch d := doc.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: documented an object, sent %s", path, kind(got))
		}
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "…" {
				continue
			}
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s: documented, not sent", path, k)
			}
			if why := match(d[k], gv, path+"."+k); why != "" {
				return why
			}
		}
		if _, open := d["…"]; !open {
			for k := range g {
				if _, ok := d[k]; !ok {
					return fmt.Sprintf("%s.%s: sent, not documented (add it, or … if it is left out on purpose)", path, k)
				}
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: documented an array, sent %s", path, kind(got))
		}
		open := false
		var want []any
		for _, e := range d {
			if e == "…" {
				open = true
			} else {
				want = append(want, e)
			}
		}
		if !open {
			if len(g) != len(want) {
				return fmt.Sprintf("%s: documented %d elements, sent %d", path, len(want), len(g))
			}
			for i := range want {
				if why := match(want[i], g[i], fmt.Sprintf("%s[%d]", path, i)); why != "" {
					return why
				}
			}
			return ""
		}
		for i, w := range want {
			first := ""
			found := false
			for _, e := range g {
				why := match(w, e, fmt.Sprintf("%s[%d]", path, i))
				if why == "" {
					found = true
					break
				}
				if first == "" {
					first = why
				}
			}
			if !found {
				if first == "" {
					first = fmt.Sprintf("%s[%d]: documented, but the array sent is empty", path, i)
				}
				return first
			}
		}
		return ""
	case string:
		g, ok := got.(string)
		if !ok {
			return fmt.Sprintf("%s: documented a string, sent %s", path, kind(got))
		}
		if strings.Contains(d, "…") || digits.ReplaceAllString(d, "#") == digits.ReplaceAllString(g, "#") {
			return ""
		}
		return fmt.Sprintf("%s: documented %q, sent %q", path, d, g)
	case float64:
		if _, ok := got.(float64); !ok {
			return fmt.Sprintf("%s: documented a number, sent %s", path, kind(got))
		}
		return ""
	case bool:
		if got != d {
			return fmt.Sprintf("%s: documented %v, sent %v", path, d, got)
		}
		return ""
	case nil:
		if got != nil {
			return fmt.Sprintf("%s: documented null, sent %s", path, kind(got))
		}
		return ""
	}
	return fmt.Sprintf("%s: cannot compare %T", path, doc)
}

func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// matchFrame: some recorded frame of the same direction matches.
func matchFrame(ex example, wires []wire) string {
	nearest := ""
	for _, w := range wires {
		if w.dir != ex.dir {
			continue
		}
		var got any
		if json.Unmarshal(w.data, &got) != nil {
			continue
		}
		why := match(ex.frame, got, "")
		if why == "" {
			return ""
		}
		if sameType(ex.frame, got) && (nearest == "" || structural(why) && !structural(nearest)) {
			nearest = why
		}
	}
	who := map[string]string{"→": "no frame a client sent", "←": "no frame the server sent"}[ex.dir]
	if nearest == "" {
		return who + " has this type"
	}
	return who + " matches; the first of its type differs at " + nearest
}

// structural: a difference of fields or kinds, not of a value; the
// likelier reason when some frame of the type differs.
func structural(why string) bool { return !strings.Contains(why, ": documented \"") }

func sameType(doc, got any) bool {
	d, _ := doc.(map[string]any)
	g, _ := got.(map[string]any)
	return d != nil && g != nil && d["type"] == g["type"]
}

// routeOf is a path without its query, its numbers as #, so c1 and c12
// are the same route.
func routeOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	return digits.ReplaceAllString(path, "#")
}

// matchHTTP: some recorded exchange of the same method, route and status
// has the documented body and answer.
func matchHTTP(ex example, https []exchange) string {
	nearest := ""
	seen := false
	for _, h := range https {
		if h.method != ex.method || routeOf(h.path) != routeOf(ex.path) || fmt.Sprint(h.status) != ex.status {
			continue
		}
		seen = true
		why := ""
		if ex.body != nil {
			var got any
			if json.Unmarshal([]byte(h.body), &got) != nil {
				why = "the request body sent was not JSON"
			} else if w := match(ex.body, got, "body"); w != "" {
				why = w
			}
		}
		if why == "" && ex.answer != nil {
			var got any
			if json.Unmarshal(h.answer, &got) != nil {
				why = "the answer was not JSON"
			} else if w := match(ex.answer, got, "answer"); w != "" {
				why = w
			}
		}
		if why == "" {
			return ""
		}
		if nearest == "" || structural(why) && !structural(nearest) {
			nearest = why
		}
	}
	if !seen {
		return fmt.Sprintf("the capture made no %s %s answered %s", ex.method, routeOf(ex.path), ex.status)
	}
	return "no recorded exchange matches; the first differs at " + nearest
}
