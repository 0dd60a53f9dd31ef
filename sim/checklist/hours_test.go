package checklist

import (
	"os"
	"strings"
	"testing"
	"time"

	"routecheck/fixtures"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// withHours is the demo vendor with other work hours (R-VEN-4).
func withHours(t *testing.T, zoneName, days, from, to string) *fixtures.Vendor {
	t.Helper()
	b, err := os.ReadFile("../../fixtures/vendors/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	src = strings.Replace(src, "time_zone: Asia/Shanghai", "time_zone: "+zoneName, 1)
	src = strings.Replace(src, "days: [mon, tue, wed, thu, fri, sat, sun]", "days: "+days, 1)
	src = strings.Replace(src, `from: "00:00"`, `from: "`+from+`"`, 1)
	src = strings.Replace(src, `to: "24:00"`, `to: "`+to+`"`, 1)
	v, err := fixtures.Parse("hours.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The week of work hours in both zones. The expected rows are worked out by
// hand from the zones' offsets and their clock changes, not by the code
// under test: a vendor's hours are on its own wall clock on every date, so
// they keep their local times across a clock change and move on the
// tester's clock.
func TestHoursInBothZones(t *testing.T) {
	cases := []struct {
		name             string
		vendorZone, days string
		from, to         string
		tester           string
		at               time.Time
		rows             []string // "vendor date | vendor span | tester span" for the first days
		inHours          bool
	}{
		{
			name:       "Shanghai office hours seen from Berlin across Europe's spring change",
			vendorZone: "Asia/Shanghai", days: "[mon, tue, wed, thu, fri]", from: "09:00", to: "18:00",
			tester: "Europe/Berlin", at: time.Date(2026, 3, 27, 1, 0, 0, 0, time.UTC), // Fri 09:00 Shanghai
			rows: []string{
				"2026-03-27 周五 | 09:00–18:00 | 02:00–11:00", // CET, UTC+1
				"2026-03-28 周六 | 休息 (closed) | 休息 (closed)",
				"2026-03-29 周日 | 休息 (closed) | 休息 (closed)",
				"2026-03-30 周一 | 09:00–18:00 | 03:00–12:00", // CEST from 29 March, UTC+2
			},
			inHours: true,
		},
		{
			name:       "New York evening hours past midnight, seen from Shanghai, across the US autumn change",
			vendorZone: "America/New_York", days: "[mon, tue, wed, thu, fri, sat, sun]", from: "19:00", to: "02:00",
			tester: "Asia/Shanghai", at: time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC), // Sat 08:00 EDT
			rows: []string{
				// 31 Oct 19:00 EDT = 23:00Z = 1 Nov 07:00 CST; 1 Nov 02:00 (EST after the change) = 07:00Z = 15:00 CST
				"2026-10-31 周六 | 10-31 周六 19:00 – 11-01 周日 02:00 | 11-01 周日 07:00 – 11-01 周日 15:00",
				// 1 Nov 19:00 EST = 2 Nov 00:00Z = 08:00 CST; 2 Nov 02:00 EST = 07:00Z = 15:00 CST
				"2026-11-01 周日 | 11-01 周日 19:00 – 11-02 周一 02:00 | 11-02 周一 08:00 – 11-02 周一 15:00",
			},
			inHours: false,
		},
		{
			name:       "a half-hour zone: Shanghai hours seen from Kolkata (UTC+5:30)",
			vendorZone: "Asia/Shanghai", days: "[mon, tue, wed, thu, fri, sat, sun]", from: "08:30", to: "22:00",
			tester: "Asia/Kolkata", at: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC), // 10:00 Shanghai
			rows:    []string{"2026-11-27 周五 | 08:30–22:00 | 06:00–19:30"},
			inHours: true,
		},
		{
			name:       "round-the-clock hours seen from Los Angeles on the US spring change",
			vendorZone: "Asia/Shanghai", days: "[mon, tue, wed, thu, fri, sat, sun]", from: "00:00", to: "24:00",
			tester: "America/Los_Angeles", at: time.Date(2026, 3, 7, 16, 0, 0, 0, time.UTC),
			rows: []string{
				// 8 Mar 00:00 CST = 7 Mar 16:00Z = 08:00 PST; 9 Mar 00:00 CST = 8 Mar 16:00Z = 09:00 PDT
				"2026-03-08 周日 | 00:00–24:00 | 03-07 周六 08:00 – 03-08 周日 09:00",
			},
			inHours: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := withHours(t, tc.vendorZone, tc.days, tc.from, tc.to)
			tz := zone(t, tc.tester)
			c := Build(v, Options{At: tc.at, TesterZone: tz})
			for i, want := range tc.rows {
				d := c.Hours[i]
				got := d.Label() + " | " + d.Span(c.VendorZone) + " | " + d.Span(tz)
				if got != want {
					t.Errorf("day %d:\n got  %s\n want %s", i, got, want)
				}
			}
			if c.InHours != tc.inHours {
				t.Errorf("in hours = %v, want %v", c.InHours, tc.inHours)
			}
			md, page := markdown(t, c), pageText(t, c)
			for _, want := range tc.rows {
				parts := strings.Split(want, " | ")
				for _, p := range parts {
					if !strings.Contains(md, p) || !strings.Contains(page, p) {
						t.Errorf("the checklist does not show %q", p)
					}
				}
			}
		})
	}
}

// Outside the hours the checklist says so and names the next opening, in
// both zones (R-VEN-4).
func TestNextOpening(t *testing.T) {
	v := withHours(t, "Asia/Shanghai", "[mon, tue, wed, thu, fri]", "09:00", "18:00")
	berlin := zone(t, "Europe/Berlin")
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, berlin) // Saturday
	c := Build(v, Options{At: at, TesterZone: berlin})
	if c.InHours {
		t.Fatal("Saturday is not a work day")
	}
	want := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC) // Monday 09:00 Shanghai
	if !c.NextOpen.Equal(want) {
		t.Fatalf("next opening %s, want %s", c.NextOpen, want)
	}
	md := markdown(t, c)
	for _, s := range []string{"不在服务时间内", "2026-11-30 周一 02:00 (Europe/Berlin, UTC+01:00)", "2026-11-30 周一 09:00 (Asia/Shanghai, UTC+08:00)"} {
		if !strings.Contains(md, s) {
			t.Errorf("checklist does not say %q", s)
		}
	}
	// In the middle of an overnight window, the test is inside the hours.
	night := withHours(t, "Asia/Shanghai", "[fri]", "22:00", "02:00")
	sat1am := time.Date(2026, 11, 28, 1, 0, 0, 0, zone(t, "Asia/Shanghai"))
	if c := Build(night, Options{At: sat1am}); !c.InHours {
		t.Error("Saturday 01:00 is inside Friday's 22:00-02:00 window")
	}
}

func TestParseAt(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	for in, want := range map[string]time.Time{
		"2026-11-27 10:00":          time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC),
		"2026-11-27T10:00":          time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC),
		"2026-11-27T10:00:00+08:00": time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC),
	} {
		got, err := ParseAt(in, berlin)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseAt(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseAt("tomorrow", berlin); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("a bad time gets %v", err)
	}
}
