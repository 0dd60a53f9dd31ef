package traffic

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"

	wb "routecheck/sim/workbench"
)

// The charts as a person reads them: percentages on a % axis, a tick at
// every day boundary, closed hours shaded and never plotted (a gap, not
// 0), hours with nothing measured left out, time in queue on a log scale,
// the page's own font, no legend over the data.
func TestChartsAsPeopleReadThem(t *testing.T) {
	p, err := OpenProfile("demo")
	if err != nil {
		t.Fatal(err)
	}
	v := queueVendor()
	v.WorkHours = wb.WorkHours{Location: zone(t, "Asia/Shanghai"), Days: []time.Weekday{1, 2, 3, 4, 5}, From: 9 * time.Hour, To: 21 * time.Hour}
	cfg := Config{Vendor: v, Profile: p, Duration: 7 * 24 * time.Hour, Agents: 3, Capacity: 3, Seed: 7}
	rs, err := RunReplications(cfg, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarise(cfg, rs, wb.Assessed(), time.Second)
	pickup := func(p *Period) (float64, bool) { return p.PickupInHours.Mean, p.PickupInHours.Measured }
	segs := weekSeries(s, pickup, 100)
	if len(segs) != 5 {
		t.Errorf("pickup by hour: %d line segments, want one per open day (5)", len(segs))
	}
	for _, seg := range segs {
		for _, pt := range seg {
			h := int(pt.X)
			if d, hr := h/24, h%24; d > 4 || hr < 9 || hr >= 21 || pt.Y <= 0 || pt.Y > 100 {
				t.Errorf("point %v: closed hour or not a percentage", pt)
			}
		}
	}
	if spans := closedSpans(s); len(spans) != 6 || spans[0] != [2]float64{0, 9} || spans[5] != [2]float64{4*24 + 21, HoursPerWeek} {
		t.Errorf("closed spans %v", spans)
	}
	wc, err := weekChart(s, "pickup", pickup, 0.9, true)
	if err != nil {
		t.Fatal(err)
	}
	labels := tickLabels(wc.Y.Tick.Marker, wc.Y.Min, wc.Y.Max)
	if !strings.Contains(labels, "100%") || !strings.Contains(labels, "0%") || wc.Y.Max != 100 {
		t.Errorf("pickup axis: %q up to %v", labels, wc.Y.Max)
	}
	if days := tickLabels(wc.X.Tick.Marker, 0, HoursPerWeek); days != "周一 周二 周三 周四 周五 周六 周日" {
		t.Errorf("week axis labels %q", days)
	}
	for _, tk := range wc.X.Tick.Marker.Ticks(0, HoursPerWeek) {
		if tk.Label != "" && int(tk.Value)%24 != 0 {
			t.Errorf("a labelled tick at hour %v, not a day boundary", tk.Value)
		}
	}
	wait, err := waitChart(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := wait.Y.Scale.(plot.LogScale); !ok {
		t.Errorf("time in queue on a %T scale", wait.Y.Scale)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, s, "营业时间", "demo"); err != nil {
		t.Fatal(err)
	}
	page := html.String()
	for _, want := range []string{"svg text{font-family:system-ui", "fill:#E1E1E1", "closed: "} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html has no %q", want)
		}
	}
	svgs := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(page, -1)
	if len(svgs) != 6 {
		t.Errorf("%d charts", len(svgs))
	}
	for _, svg := range svgs {
		if strings.Contains(svg, ">largest<") || strings.Contains(svg, ">threshold<") || strings.Contains(svg, ">mean<") {
			t.Error("a legend drawn inside a chart")
		}
	}
}

func tickLabels(tk plot.Ticker, min, max float64) string {
	var out []string
	for _, t := range tk.Ticks(min, max) {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return strings.Join(out, " ")
}
