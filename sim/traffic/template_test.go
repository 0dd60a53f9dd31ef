package traffic

import (
	"strings"
	"testing"
	"time"

	bundled "routecheck/fixtures/traffic"
)

// The profile `routecheck init --traffic` writes is valid as written, and
// the defaults it (and the README's table) states are the ones the parser
// applies when a key is left out.
func TestTrafficTemplate(t *testing.T) {
	tmpl := string(bundled.Template())
	p, err := ParseProfile("template.yaml", []byte(tmpl))
	if err != nil {
		t.Fatalf("the template does not parse: %v", err)
	}
	if p.PerHour[HoursPerWeek-1] == 0 || p.TransferShare != 0.5 {
		t.Errorf("template: %+v", p)
	}
	minimal := `arrivals: {per_hour: 10}
patience: {dist: exponential, mean: 2m}
first_reply: {dist: fixed, value: 7s}
customer_reply: {dist: exponential, mean: 45s}
chat_duration: {dist: exponential, mean: 6m}
`
	q, err := ParseProfile("minimal.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		says string // in the template
		ok   bool
	}{
		{"Default 1.0 (everyone asks).", q.TransferShare == 1},
		{"bot page before asking for a human (or leaving). Default 0.", q.BotTime.MeanOf() == 0},
		{"Default: as first_reply.", q.AgentReply.Kind == "fixed" && q.AgentReply.Value == 7*time.Second},
		{"Default (no shifts): the vendor's agent accounts", len(q.Shifts) == 0},
		{"rating_share of the chats an agent served are rated. Defaults as below.", q.Satisfaction == DefaultSatisfaction() &&
			p.Satisfaction == DefaultSatisfaction()},
	} {
		if !strings.Contains(strings.Join(strings.Fields(tmpl), " "), c.says) {
			t.Errorf("the template no longer says %q", c.says)
		}
		if !c.ok {
			t.Errorf("the template says %q; the parser disagrees: %+v", c.says, q)
		}
	}
	for _, name := range bundled.Names() {
		if name == "template" {
			t.Error("the template is listed as a bundled profile")
		}
		if _, err := OpenProfile(name); err != nil {
			t.Errorf("bundled %s: %v", name, err)
		}
	}
}
