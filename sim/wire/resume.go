package wire

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// FormatResume writes an agent socket's resume= list, "c1:5,c2:9": each
// chat with the last cseq seen, sorted, at most MaxResume of them (an
// agent holds at most its capacity, 20).
func FormatResume(last map[string]int64) string {
	ids := make([]string, 0, len(last))
	for id := range last {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ids = ids[:min(len(ids), MaxResume)]
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id + ":" + strconv.FormatInt(last[id], 10)
	}
	return strings.Join(parts, ",")
}

// ParseResume reads a resume= list: the last cseq seen per chat.
func ParseResume(q string) (map[string]int64, error) {
	out := map[string]int64{}
	if q == "" {
		return out, nil
	}
	parts := strings.Split(q, ",")
	if len(parts) > MaxResume {
		return nil, fmt.Errorf("resume lists at most %d chats, got %d", MaxResume, len(parts))
	}
	for _, p := range parts {
		id, n, ok := strings.Cut(p, ":")
		v, err := strconv.ParseInt(n, 10, 64)
		if !ok || id == "" || err != nil || v < 0 {
			return nil, fmt.Errorf("resume %q: want conv:cseq pairs separated by commas, e.g. c1:5,c2:9", p)
		}
		out[id] = v
	}
	return out, nil
}
