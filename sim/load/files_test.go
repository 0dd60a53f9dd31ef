package load

import (
	"routecheck/reports"

	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

func sampleReport() *Report {
	rep := &Report{Command: "load", Seed: 42, Rerun: "routecheck load --seed 42", Started: time.Date(2026, 12, 1, 2, 3, 4, 0, time.UTC),
		DurationS: 12.5, Customers: 10, Agents: 2, Capacity: 5,
		KPIs:       wb.KPIs{ServiceRequests: 10, PickedUp: 10, PickupRate: 1, FirstResponseS: 0.25},
		Histograms: map[string][]Bucket{"assign": {{UpToMS: 1, Count: 7}, {UpToMS: 2, Count: 300}, {UpToMS: 4, Count: 0}}, "deliver": {{UpToMS: 1, Count: 5}}},
	}
	rep.Messages.Sent = 20
	rep.Messages.Delivered = 20
	rep.judge(false)
	return rep
}

// report.html: histograms have a y axis of counts and each bar its count;
// rates are percentages as everywhere (接起率 100.0%, not 1.000).
func TestReportHTMLCountsAndPercents(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`class="ytick">300<`, `class="ytick">150<`, `class="ytick">0<`, `class="count">7<`, `class="count">300<`,
		`>count<`, "latency, ms", "接起率 pickup rate 100.0%", `href="#rule-R-KPI-1"`, `<dt id="rule-R-KPI-1">`} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(html, "1.000") {
		t.Error("a rate is shown as a fraction")
	}
	if strings.Contains(html, `class="count">0<`) {
		t.Error("an empty bucket is labelled 0")
	}
}

// junit.xml repeats the run (seed and rerun as properties), times the
// suite and its cases, and a failed property has a message and a text.
func TestReportJUnitPropertiesTimesFailures(t *testing.T) {
	rep := sampleReport()
	rep.Messages.Lost = 3
	rep.LostSample = []string{"c7 customer→agent #4"}
	rep.judge(false)
	var b bytes.Buffer
	if err := reports.WriteSuites(&b, "routecheck load", rep.Suite()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Name       string `xml:"name,attr"`
			Time       string `xml:"time,attr"`
			Timestamp  string `xml:"timestamp,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Time    string `xml:"time,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil || len(doc.Suites) != 1 {
		t.Fatalf("junit.xml: %v\n%s", err, b.String())
	}
	s := doc.Suites[0]
	props := map[string]string{}
	for _, p := range s.Properties {
		props[p.Name] = p.Value
	}
	if props["seed"] != "42" || props["rerun"] != rep.Rerun || s.Time != "12.500" || s.Timestamp != "2026-12-01T02:03:04" {
		t.Errorf("suite time %q at %q, properties %v", s.Time, s.Timestamp, props)
	}
	lost := false
	for _, c := range s.Cases {
		if c.Time == "" {
			t.Errorf("case %s has no time", c.Name)
		}
		if c.Name == "messages.lost" {
			lost = true
			if c.Failure == nil || !strings.HasPrefix(c.Failure.Message, "messages.lost: 3 of 20") ||
				!strings.Contains(c.Failure.Text, "c7 customer→agent #4") || !strings.Contains(c.Failure.Text, "repeat with: "+rep.Rerun) {
				t.Errorf("messages.lost failure = %+v", c.Failure)
			}
		} else if c.Failure != nil {
			t.Errorf("%s failed: %+v", c.Name, c.Failure)
		}
	}
	if !lost {
		t.Error("no messages.lost case")
	}
}
