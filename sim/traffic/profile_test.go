package traffic

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
)

// issueYAML is the pure queueing case exactly as the issue writes it.
const issueYAML = `arrivals: {per_hour: 300}
transfer_share: 1.0
patience: {dist: exponential, mean: 2m}
chat_duration: {dist: exponential, mean: 6m}
first_reply: {dist: fixed, value: 5s}
customer_reply: {dist: fixed, value: 20s}
`

func TestPureQueueingProfileAsWritten(t *testing.T) {
	p, err := ParseProfile("issue.yaml", []byte(issueYAML))
	if err != nil {
		t.Fatal(err)
	}
	for h, r := range p.PerHour {
		if r != 300 {
			t.Fatalf("hour %d: %g per hour, want 300", h, r)
		}
	}
	if p.TransferShare != 1 || p.Patience.Kind != "exponential" || p.Patience.Mean != 2*time.Minute || p.ChatDuration.Kind != "exponential" ||
		p.ChatDuration.Mean != 6*time.Minute || p.FirstReply.Kind != "fixed" || p.FirstReply.Value != 5*time.Second ||
		p.CustomerReply.Kind != "fixed" || p.CustomerReply.Value != 20*time.Second {
		t.Errorf("decoded %+v", p)
	}
	data, err := os.ReadFile("../../fixtures/traffic/pure-queueing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), issueYAML) {
		t.Error("fixtures/traffic/pure-queueing.yaml no longer holds the issue's YAML as written")
	}
}

func TestSampleProfilesLoad(t *testing.T) {
	for _, f := range []string{"demo.yaml", "demo-shifts.yaml", "pure-queueing.yaml"} {
		p, err := LoadProfile("../../fixtures/traffic/" + f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if f == "demo-shifts.yaml" {
			if len(p.Shifts) != 4 || p.FirstReply.Kind != "empirical" || len(p.FirstReply.Samples) != 14 || p.Shifts[0].BreakEvery != 2*time.Hour {
				t.Errorf("demo-shifts: %+v", p)
			}
			duty := p.OnDuty()
			if duty[9] != 3+0 || duty[20] != 4 || duty[5*24+10] != 4 || duty[3] != 1 {
				t.Errorf("on duty Mon 09:00=%d Mon 20:00=%d Sat 10:00=%d Mon 03:00=%d", duty[9], duty[20], duty[5*24+10], duty[3])
			}
		}
		if f == "demo.yaml" && (p.PerHour[0] != 18 || p.PerHour[5*24+20] != 114 || p.Satisfaction.Base != 0.92) {
			t.Errorf("demo: Mon 00:00 %g, Sat 20:00 %g, %+v", p.PerHour[0], p.PerHour[5*24+20], p.Satisfaction)
		}
	}
}

// Every mistake is reported at once, each with the file, its line and the
// field path, as for vendor fixtures.
func TestProfileErrorsNameLineAndPath(t *testing.T) {
	bad := `arrivals: {per_hour: 300, burst: 2}
transfer_share: 1.5
patience: {dist: weibull, mean: 2m}
chat_duration: {dist: exponential, mean: soon}
first_reply: {dist: fixed, value: 5s, mean: 3s}
customer_reply: {dist: lognormal, mean: 20s}
shifts:
  - {days: [mon, funday], from: "09:00", to: "25:00", agents: 0}
`
	_, err := ParseProfile("bad.yaml", []byte(bad))
	var ps fixtures.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want fixtures.Problems, got %v", err)
	}
	// The unknown field stops decoding-level checks; fix it to see the rest.
	if len(ps) != 1 || ps[0].Line != 1 || ps[0].Path != "arrivals.burst" || !strings.Contains(ps[0].Message, `unknown field "burst"`) {
		t.Fatalf("unknown field: %v", ps)
	}
	_, err = ParseProfile("bad.yaml", []byte(strings.Replace(bad, ", burst: 2", "", 1)))
	if !errors.As(err, &ps) {
		t.Fatalf("want fixtures.Problems, got %v", err)
	}
	want := map[string]int{
		"transfer_share":     2,
		"patience.dist":      3,
		"chat_duration.mean": 4,
		"first_reply.mean":   5,
		"customer_reply.sd":  6,
		"shifts[0].days[1]":  8,
		"shifts[0].to":       8,
		"shifts[0].agents":   8,
	}
	got := map[string]int{}
	for _, p := range ps {
		got[p.Path] = p.Line
		if !strings.HasPrefix(p.Error(), "bad.yaml:") {
			t.Errorf("problem does not start with the file and line: %s", p.Error())
		}
	}
	for path, line := range want {
		if got[path] != line {
			t.Errorf("no problem at %s line %d; got %v", path, line, ps)
		}
	}
	_, err = ParseProfile("empty.yaml", []byte("arrivals: {hourly: [1, 2]}\n"))
	if err == nil || !strings.Contains(err.Error(), "arrivals.hourly: 24 hourly rates") || !strings.Contains(err.Error(), "patience is required") {
		t.Errorf("short hourly list and missing distributions: %v", err)
	}
}

func TestDistributions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, d := range []Dist{Exponential(2 * time.Minute), Lognormal(7*time.Minute, 4*time.Minute), Fixed(5 * time.Second),
		Empirical([]time.Duration{time.Second, 3 * time.Second})} {
		var sum float64
		const n = 200_000
		for range n {
			x := d.Sample(r)
			if x < 0 {
				t.Fatalf("%s sampled %v", d.Kind, x)
			}
			sum += x.Seconds()
		}
		if m, want := sum/n, d.MeanOf().Seconds(); math.Abs(m/want-1) > 0.01 {
			t.Errorf("%s: sample mean %.2fs, want %.2fs", d.Kind, m, want)
		}
	}
}

func TestSatisfactionModel(t *testing.T) {
	s := DefaultSatisfaction()
	if p := s.P(0, 0, true); p != s.Base {
		t.Errorf("served at once: %g, want the base %g", p, s.Base)
	}
	if a, b := s.P(time.Minute, 10*time.Second, true), s.P(3*time.Minute, 10*time.Second, true); !(b < a) {
		t.Errorf("a longer wait must lower satisfaction: %g then %g", a, b)
	}
	if a, b := s.P(0, 10*time.Second, true), s.P(0, 50*time.Second, true); !(b < a) {
		t.Errorf("a slower first reply must lower satisfaction: %g then %g", a, b)
	}
	if p := s.P(time.Hour, time.Hour, true); p != s.Floor {
		t.Errorf("floor: %g", p)
	}
	if p := s.P(0, 0, false); p != s.Floor {
		t.Errorf("a chat never replied to gets the floor, got %g", p)
	}
}

// FuzzParseProfile: any input gives a profile or problems, never a panic,
// and every problem names the file.
func FuzzParseProfile(f *testing.F) {
	for _, name := range []string{"demo.yaml", "demo-shifts.yaml", "pure-queueing.yaml", "busy-month.yaml"} {
		data, err := os.ReadFile("../../fixtures/traffic/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(issueYAML))
	f.Add([]byte("arrivals: {weekly: {mon: [1]}}\nshifts: [{days: [周一], from: '9:00', to: '24:00', agents: 1, breaks: {every: 1h, length: 2h}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile("fuzz.yaml", data)
		if err == nil {
			if p == nil {
				t.Fatal("no profile and no error")
			}
			return
		}
		var ps fixtures.Problems
		if errors.As(err, &ps) {
			for _, pr := range ps {
				if pr.File != "fuzz.yaml" {
					t.Fatalf("problem without the file: %+v", pr)
				}
			}
		}
	})
}
