package traffic

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"routecheck/fixtures"
	bundled "routecheck/fixtures/traffic"
	"routecheck/internal/suggest"
	wb "routecheck/sim/workbench"
)

// HoursPerWeek is the number of hour-of-week bins; bin 0 is Monday
// 00:00-01:00 in the vendor's time zone.
const HoursPerWeek = 168

// Profile is a validated traffic profile: what customers and agents do.
type Profile struct {
	File string
	Name string
	// PerHour is the rate of bot-page visitors in each hour of the week.
	PerHour [HoursPerWeek]float64
	// TransferShare is the share of visitors who ask for a human (转人工).
	TransferShare float64
	BotTime       Dist // on the bot page before asking for a human, or leaving
	Patience      Dist // in the queue before giving up (排队放弃)
	FirstReply    Dist // pickup to the agent's first reply (首响)
	AgentReply    Dist // customer message to the agent's answer
	CustomerReply Dist // agent message to the customer's answer; over 5 min the chat idles out (R-IDLE-1)
	ChatDuration  Dist // pickup to the agent closing the chat
	Shifts        []Shift
	Satisfaction  Satisfaction
}

// Shift is a block of agents on duty (在线) on some days; outside it they
// are on 小休, keeping their chats and taking no new ones (R-WB-2).
type Shift struct {
	Days     []time.Weekday
	From, To time.Duration // since local midnight; To <= From runs past midnight
	Agents   int
	Capacity int // 0: as configured
	// Breaks: every BreakEvery on duty an agent takes a BreakLength 小休;
	// agents are staggered so they do not all leave at once.
	BreakEvery, BreakLength time.Duration
}

// Satisfaction is the chance a customer rates a chat 满意 or 非常满意
// (R-KPI-1): p = Base − PerMinuteWait·(minutes in the queue) −
// PerMinuteFirstResponse·(minutes from pickup to the first reply), kept in
// [Floor, 1]. A chat with no reply at all gets Floor. RatingShare of the
// chats an agent served are rated at all.
type Satisfaction struct {
	RatingShare            float64
	Base                   float64
	PerMinuteWait          float64
	PerMinuteFirstResponse float64
	Floor                  float64
}

// DefaultSatisfaction(): 92% satisfied when served at once, 10 points less
// per minute of queueing and 20 less per minute until the first reply
// (customers forgive a queue more than silence), never below 20%.
func DefaultSatisfaction() Satisfaction {
	return Satisfaction{RatingShare: 0.5, Base: 0.92, PerMinuteWait: 0.10, PerMinuteFirstResponse: 0.20, Floor: 0.20}
}

// P is the chance a chat is rated satisfied.
func (s Satisfaction) P(wait, firstResponse time.Duration, replied bool) float64 {
	if !replied {
		return s.Floor
	}
	p := s.Base - s.PerMinuteWait*wait.Minutes() - s.PerMinuteFirstResponse*firstResponse.Minutes()
	return min(max(p, s.Floor), 1)
}

type rawProfile struct {
	Name          string           `yaml:"name"`
	Arrivals      *rawArrivals     `yaml:"arrivals"`
	TransferShare *float64         `yaml:"transfer_share"`
	BotTime       *rawDist         `yaml:"bot_time"`
	Patience      *rawDist         `yaml:"patience"`
	FirstReply    *rawDist         `yaml:"first_reply"`
	AgentReply    *rawDist         `yaml:"agent_reply"`
	CustomerReply *rawDist         `yaml:"customer_reply"`
	ChatDuration  *rawDist         `yaml:"chat_duration"`
	Shifts        []rawShift       `yaml:"shifts"`
	Satisfaction  *rawSatisfaction `yaml:"satisfaction"`
}

type rawArrivals struct {
	PerHour *float64  `yaml:"per_hour"`
	Hourly  []float64 `yaml:"hourly"`
	Weekly  *rawWeek  `yaml:"weekly"`
}

type rawWeek struct {
	Mon []float64 `yaml:"mon"`
	Tue []float64 `yaml:"tue"`
	Wed []float64 `yaml:"wed"`
	Thu []float64 `yaml:"thu"`
	Fri []float64 `yaml:"fri"`
	Sat []float64 `yaml:"sat"`
	Sun []float64 `yaml:"sun"`
}

type rawDist struct {
	Dist    string   `yaml:"dist"`
	Value   string   `yaml:"value"`
	Mean    string   `yaml:"mean"`
	SD      string   `yaml:"sd"`
	Samples []string `yaml:"samples"`
	CSV     string   `yaml:"csv"`
}

type rawShift struct {
	Days     []string   `yaml:"days"`
	From     string     `yaml:"from"`
	To       string     `yaml:"to"`
	Agents   *int       `yaml:"agents"`
	Capacity *int       `yaml:"capacity"`
	Breaks   *rawBreaks `yaml:"breaks"`
}

type rawBreaks struct {
	Every  string `yaml:"every"`
	Length string `yaml:"length"`
}

type rawSatisfaction struct {
	RatingShare            *float64 `yaml:"rating_share"`
	Base                   *float64 `yaml:"base"`
	PerMinuteWait          *float64 `yaml:"per_minute_wait"`
	PerMinuteFirstResponse *float64 `yaml:"per_minute_first_response"`
	Floor                  *float64 `yaml:"floor"`
}

// LoadProfile reads and validates a traffic profile. Every problem is
// reported at once, each with its line and field path (fixtures.Problems).
func LoadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("traffic profile: %w", err)
	}
	return ParseProfile(path, data)
}

// OpenProfile loads the profile arg names: a file when one exists at that
// path, else a bundled profile by name ("demo") or by its path in the
// repository ("fixtures/traffic/demo.yaml"), so the bundled profiles work
// from any folder. A name that is neither says which bundled ones there
// are, and the closest.
func OpenProfile(arg string) (*Profile, error) {
	if fi, err := os.Stat(arg); err == nil && !fi.IsDir() || err != nil && !errors.Is(err, os.ErrNotExist) {
		return LoadProfile(arg)
	}
	name, ok := bundled.Lookup(arg)
	if !ok {
		names := bundled.Names()
		hint := ""
		typed := strings.TrimSuffix(strings.TrimPrefix(path.Clean(arg), bundled.Dir), ".yaml")
		if near := suggest.Closest(typed, names, 3); near != "" {
			hint = "; did you mean " + near + "?"
		}
		return nil, fmt.Errorf("traffic profile %s: no such file, and no bundled profile of that name%s (bundled: %s)",
			arg, hint, strings.Join(names, ", "))
	}
	data, err := fs.ReadFile(bundled.FS(), name)
	if err != nil {
		return nil, fmt.Errorf("traffic profile %s: %w", arg, err)
	}
	return parseProfile(bundled.Dir+name, data, func(csv string) ([]byte, error) {
		return fs.ReadFile(bundled.FS(), path.Clean(csv))
	})
}

// ParseProfile decodes and validates a profile; file names it in messages
// and is the directory CSV files are read relative to.
func ParseProfile(file string, data []byte) (*Profile, error) {
	return parseProfile(file, data, func(csv string) ([]byte, error) {
		if !filepath.IsAbs(csv) {
			csv = filepath.Join(filepath.Dir(file), csv)
		}
		return os.ReadFile(csv)
	})
}

func parseProfile(file string, data []byte, read func(csv string) ([]byte, error)) (*Profile, error) {
	var raw rawProfile
	s, probs := fixtures.DecodeStrict(file, data, &raw, "a traffic profile")
	if len(probs) > 0 {
		return nil, probs
	}
	c := &checker{s: s, file: file, read: read}
	p := c.profile(&raw)
	if len(c.probs) > 0 {
		return nil, c.probs
	}
	return p, nil
}

type checker struct {
	s     *fixtures.Strict
	file  string
	read  func(csv string) ([]byte, error)
	probs fixtures.Problems
}

func (c *checker) add(path, format string, args ...any) {
	if c.s.Bad(path) {
		return
	}
	c.probs = append(c.probs, fixtures.Problem{File: c.file, Line: c.s.Line(path), Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) profile(r *rawProfile) *Profile {
	p := &Profile{File: c.file, Name: r.Name, TransferShare: 1, Satisfaction: DefaultSatisfaction(), BotTime: Fixed(0)}
	c.arrivals(r.Arrivals, p)
	if r.TransferShare != nil {
		p.TransferShare = *r.TransferShare
		if p.TransferShare < 0 || p.TransferShare > 1 {
			c.add("transfer_share", "the share of visitors who ask for a human is between 0 and 1, got %g", p.TransferShare)
		}
	}
	need := func(name string, d *rawDist) Dist {
		if d == nil {
			c.add(name, "%s is required, e.g. %s: {dist: exponential, mean: 2m}", name, name)
			return Fixed(0)
		}
		return c.dist(name, d)
	}
	if r.BotTime != nil {
		p.BotTime = c.dist("bot_time", r.BotTime)
	}
	p.Patience = need("patience", r.Patience)
	p.FirstReply = need("first_reply", r.FirstReply)
	p.CustomerReply = need("customer_reply", r.CustomerReply)
	p.ChatDuration = need("chat_duration", r.ChatDuration)
	p.AgentReply = p.FirstReply
	if r.AgentReply != nil {
		p.AgentReply = c.dist("agent_reply", r.AgentReply)
	}
	for i, sh := range r.Shifts {
		p.Shifts = append(p.Shifts, c.shift(fmt.Sprintf("shifts[%d]", i), sh))
	}
	if s := r.Satisfaction; s != nil {
		set := func(name string, dst *float64, src *float64) {
			if src == nil {
				return
			}
			*dst = *src
			if *src < 0 || *src > 1 {
				c.add("satisfaction."+name, "a chance or a drop per minute is between 0 and 1, got %g", *src)
			}
		}
		m := &p.Satisfaction
		set("rating_share", &m.RatingShare, s.RatingShare)
		set("base", &m.Base, s.Base)
		set("per_minute_wait", &m.PerMinuteWait, s.PerMinuteWait)
		set("per_minute_first_response", &m.PerMinuteFirstResponse, s.PerMinuteFirstResponse)
		set("floor", &m.Floor, s.Floor)
	}
	return p
}

func (c *checker) arrivals(a *rawArrivals, p *Profile) {
	if a == nil {
		c.add("arrivals", "arrivals is required, e.g. arrivals: {per_hour: 300} or arrivals: {hourly: [24 rates]}")
		return
	}
	switch {
	case a.PerHour != nil && a.Hourly != nil:
		c.add("arrivals", "give per_hour (flat) or hourly (24 rates), not both")
	case a.PerHour != nil:
		if *a.PerHour < 0 {
			c.add("arrivals.per_hour", "a rate is not negative, got %g", *a.PerHour)
		}
		for h := range p.PerHour {
			p.PerHour[h] = *a.PerHour
		}
	case a.Hourly != nil:
		c.day("arrivals.hourly", a.Hourly)
		for h := range p.PerHour {
			if len(a.Hourly) == 24 {
				p.PerHour[h] = a.Hourly[h%24]
			}
		}
	case a.Weekly == nil:
		c.add("arrivals", "give per_hour (flat), hourly (24 rates, local time) or weekly (mon..sun, 24 rates each)")
	}
	if w := a.Weekly; w != nil {
		for d, day := range [7][]float64{w.Mon, w.Tue, w.Wed, w.Thu, w.Fri, w.Sat, w.Sun} {
			if day == nil {
				if a.PerHour == nil && a.Hourly == nil {
					c.add("arrivals.weekly", "%s is missing; give all seven days or a per_hour / hourly default", dayKeys[d])
				}
				continue
			}
			path := "arrivals.weekly." + dayKeys[d]
			if c.day(path, day) {
				copy(p.PerHour[d*24:(d+1)*24], day)
			}
		}
	}
}

var dayKeys = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func (c *checker) day(path string, rates []float64) bool {
	if len(rates) != 24 {
		c.add(path, "24 hourly rates (00:00 to 23:00, local time) are needed, got %d", len(rates))
		return false
	}
	for i, r := range rates {
		if r < 0 {
			c.add(fmt.Sprintf("%s[%d]", path, i), "a rate is not negative, got %g", r)
			return false
		}
	}
	return true
}

func (c *checker) dist(path string, r *rawDist) Dist {
	dur := func(field, s string) time.Duration {
		if s == "" {
			c.add(path+"."+field, "%s needs %s (a duration such as 45s or 2m)", r.Dist, field)
			return 0
		}
		d, ok := parseDuration(s)
		if !ok {
			c.add(path+"."+field, "%q is not a duration; write e.g. 45s, 2m, 1m30s or a number of seconds", s)
		}
		return d
	}
	extra := func(allowed ...string) {
		set := map[string]bool{"value": r.Value != "", "mean": r.Mean != "", "sd": r.SD != "", "samples": r.Samples != nil, "csv": r.CSV != ""}
		for _, k := range []string{"value", "mean", "sd", "samples", "csv"} {
			if set[k] && !strings.Contains(" "+strings.Join(allowed, " ")+" ", " "+k+" ") {
				c.add(path+"."+k, "%s takes %s, not %s", r.Dist, strings.Join(allowed, " and "), k)
			}
		}
	}
	switch r.Dist {
	case "fixed":
		extra("value")
		return Fixed(dur("value", r.Value))
	case "exponential":
		extra("mean")
		m := dur("mean", r.Mean)
		if m <= 0 && r.Mean != "" {
			c.add(path+".mean", "the mean of an exponential is above 0")
		}
		return Exponential(m)
	case "lognormal":
		extra("mean", "sd")
		m, sd := dur("mean", r.Mean), dur("sd", r.SD)
		if m <= 0 || sd <= 0 {
			if r.Mean != "" && r.SD != "" {
				c.add(path, "a lognormal needs a mean and an sd above 0")
			}
			return Fixed(0)
		}
		return Lognormal(m, sd)
	case "empirical":
		extra("samples", "csv")
		var samples []time.Duration
		switch {
		case r.Samples != nil && r.CSV != "":
			c.add(path, "give samples or csv, not both")
		case r.CSV != "":
			samples = c.csv(path+".csv", r.CSV)
		default:
			for i, s := range r.Samples {
				d, ok := parseDuration(s)
				if !ok {
					c.add(fmt.Sprintf("%s.samples[%d]", path, i), "%q is not a duration", s)
				}
				samples = append(samples, d)
			}
		}
		if len(samples) == 0 {
			c.add(path, "an empirical distribution needs at least one observed duration (samples: [...] or csv: FILE)")
			return Fixed(0)
		}
		return Empirical(samples)
	case "":
		c.add(path+".dist", "dist is required: fixed, exponential, lognormal or empirical")
	default:
		c.add(path+".dist", "unknown distribution %q; allowed: fixed, exponential, lognormal, empirical", r.Dist)
	}
	return Fixed(0)
}

// csv reads observed durations, one per line (the first column if there
// are commas); a first line that is not a duration is a header.
func (c *checker) csv(path, name string) []time.Duration {
	data, err := c.read(name)
	if err != nil {
		c.add(path, "cannot read the CSV of observed durations: %v", err)
		return nil
	}
	var out []time.Duration
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		field, _, _ := strings.Cut(sc.Text(), ",")
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		d, ok := parseDuration(field)
		if !ok {
			if n == 1 {
				continue // header
			}
			c.add(path, "%s line %d: %q is not a duration", name, n, field)
			return nil
		}
		out = append(out, d)
	}
	return out
}

func (c *checker) shift(path string, r rawShift) Shift {
	s := Shift{}
	if len(r.Days) == 0 {
		c.add(path+".days", "days is required, e.g. days: [mon, tue, wed, thu, fri]")
	}
	for i, d := range r.Days {
		wd, ok := parseWeekday(d)
		if !ok {
			c.add(fmt.Sprintf("%s.days[%d]", path, i), "unknown day %q; use mon..sun or 周一..周日", d)
		}
		s.Days = append(s.Days, wd)
	}
	var ok bool
	if s.From, ok = parseClock(r.From); !ok {
		c.add(path+".from", "from is a time of day HH:MM, got %q", r.From)
	}
	if s.To, ok = parseClock(r.To); !ok {
		c.add(path+".to", "to is a time of day HH:MM (24:00 allowed), got %q", r.To)
	}
	if r.Agents == nil || *r.Agents < 1 {
		c.add(path+".agents", "agents on this shift is required and at least 1")
	} else {
		s.Agents = *r.Agents
	}
	if r.Capacity != nil {
		s.Capacity = *r.Capacity
		if s.Capacity < 1 || s.Capacity > wb.MaxCapacity {
			c.add(path+".capacity", "R-CAP-1: capacity is 1..%d (1V6 recommended at most), got %d", wb.MaxCapacity, s.Capacity)
		}
	}
	if b := r.Breaks; b != nil {
		s.BreakEvery, ok = parseDuration(b.Every)
		if !ok || s.BreakEvery <= 0 {
			c.add(path+".breaks.every", "every is a duration above 0, e.g. 2h")
		}
		s.BreakLength, ok = parseDuration(b.Length)
		if !ok || s.BreakLength <= 0 || s.BreakLength >= s.BreakEvery {
			c.add(path+".breaks.length", "length is a duration above 0 and shorter than every, e.g. 15m")
		}
	}
	return s
}

func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f > 1e9 {
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d >= 0
}

func parseClock(s string) (time.Duration, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, true
}

func parseWeekday(s string) (time.Weekday, bool) {
	for i, k := range dayKeys {
		if strings.EqualFold(s, k) {
			return time.Weekday((i + 1) % 7), true
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if s == wb.WeekdayName(d) {
			return d, true
		}
	}
	return 0, false
}
