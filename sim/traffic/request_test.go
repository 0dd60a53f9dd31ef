package traffic

import (
	"strings"
	"testing"
	"time"
)

// Each bound of a simulation request is refused naming its flag; a valid
// one passes and spans a week unless told otherwise.
func TestRequestCheckNamesTheFlag(t *testing.T) {
	ok := Request{Replications: 5, MaxRuns: 10}
	if err := ok.Check(); err != nil || ok.Duration() != 7*24*time.Hour {
		t.Fatalf("default request: %v, %s", err, ok.Duration())
	}
	for flag, r := range map[string]Request{
		"--days or --hours":      {Days: 1, Hours: 2, Replications: 5, MaxRuns: 1},
		"--days is":              {Days: 4000, Replications: 5, MaxRuns: 1},
		"--agents":               {Agents: 5001, Replications: 5, MaxRuns: 1},
		"--capacity must":        {Capacity: 21, Replications: 5, MaxRuns: 1},
		"--find-staffing staffs": {Capacity: 7, FindStaffing: true, Replications: 5, MaxRuns: 1},
		"--replications is":      {Replications: 0, MaxRuns: 1},
		"--find-staffing needs":  {FindStaffing: true, Replications: 1, MaxRuns: 1},
		"--max-simulations":      {Replications: 5},
		"--warmup":               {Replications: 5, MaxRuns: 1, Warmup: -time.Hour},
	} {
		if err := r.Check(); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("%+v: %v, want an error naming %s", r, err, flag)
		}
	}
	if d := (Request{Hours: 36}).Duration(); d != 36*time.Hour {
		t.Errorf("--hours 36 spans %s", d)
	}
}
