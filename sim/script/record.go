package script

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// Recorder turns what people did on a workbench (the web UI, the bot page)
// into a script that replays to the same outcome (D-SCR-6): each action
// at its time (waits between them), and after each of the workbench's own
// moves an assert that it happened (an assignment, a refusal, an idle
// close), then the KPIs of the chats and the invariant check. It reads the
// event log and samples of the settings the log does not carry
// (server.RecordSample); people's actions come from the log, so a page
// that closed and whose grace ran out is recorded as the customer leaving,
// or the agent going 离线, at that moment: the same outcome.
type Recorder struct {
	v        *fixtures.Vendor
	started  bool
	start    time.Time // the first event's time: the script's start
	last     time.Time // the time the script has waited to
	lines    []string
	decl     []string
	names    map[string]string // login or conv -> party name
	used     map[string]bool
	ops      string
	customer int
	accounts map[string]wb.AccountView
	closing  map[string]string // group -> closing
	lost     bool
	reqs     int
	evs      []wb.Event // the vendor's events, for the KPIs at the end
	latest   map[string]wb.AccountView
}

// NewRecorder records people on a workbench serving v.
func NewRecorder(v *fixtures.Vendor) *Recorder {
	return &Recorder{v: v, names: map[string]string{}, used: map[string]bool{}, accounts: map[string]wb.AccountView{},
		closing: map[string]string{}}
}

// Observe reads one sample: its events in order, then the settings.
func (r *Recorder) Observe(s server.RecordSample) {
	r.lost = r.lost || s.Lost
	// The welcome texts the log leaves out (the closing) as they are now:
	// set by the latest setting event of this sample.
	for _, v := range s.Vendors {
		r.closing[v.Department] = v.Closing
	}
	latest := map[string]wb.AccountView{}
	for _, a := range s.Accounts {
		latest[a.Login] = a
	}
	r.latest = latest
	evs := s.Events
	for i := 0; i < len(evs); {
		j := i
		for j < len(evs) && evs[j].Cmd == evs[i].Cmd {
			j++
		}
		r.command(evs[i:j])
		i = j
	}
	for _, a := range s.Accounts {
		old, seen := r.accounts[a.Login]
		r.accounts[a.Login] = a
		if !seen || a.Vendor != r.v.Config.ID {
			continue
		}
		if old.Desktop != a.Desktop || old.Sound != a.Sound {
			r.action(r.last, fmt.Sprintf("%s sets notifications desktop %s sound %s", r.agent(a.Login), onOff(a.Desktop), onOff(a.Sound)))
		}
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// command reads the events of one command: the action a person took, and
// what the workbench did about it.
func (r *Recorder) command(evs []wb.Event) {
	if len(evs) == 0 || evs[0].Group != "" && evs[0].Group != r.v.Config.Department {
		return
	}
	if !r.started && evs[0].Type != wb.EvAgentAdded {
		r.started, r.start, r.last = true, evs[0].At, evs[0].At.Truncate(time.Minute)
	}
	r.evs = append(r.evs, evs...)
	said, switched := false, false
	for _, e := range evs {
		said = said || e.Type == wb.EvMessage && e.Sender == wb.SenderCustomer
		switched = switched || e.Type == wb.EvTenantSwitched
	}
	// The person's action first, then what the workbench did about it.
	for i, e := range evs {
		switch e.Type {
		case wb.EvAgentStatus:
			if !switched { // leaving 闲鱼BU takes the agent 离线 first (D-ROUTE-2): the switch says it
				r.action(e.At, fmt.Sprintf("%s %s", r.agent(e.Agent), e.Status))
			}
		case wb.EvTenantSwitched:
			r.action(e.At, fmt.Sprintf("%s switches tenant %s", r.agent(e.Agent), e.Tenant))
		case wb.EvCapacitySet:
			r.action(e.At, fmt.Sprintf("%s sets capacity of %s to %d", r.operations(), r.agent(e.Agent), e.Capacity))
		case wb.EvWelcomeSet:
			if e.Reason == "group" {
				r.action(e.At, fmt.Sprintf("%s sets group welcome %s closing %s", r.operations(), quote(e.Text), quote(r.closing[e.Group])))
			} else {
				r.action(e.At, fmt.Sprintf("%s sets welcome %s closing %s", r.agent(e.Agent), quote(e.Text), quote(r.latest[e.Agent].Closing)))
			}
		case wb.EvEntered:
			r.customer++
			name := fmt.Sprintf("顾客%d", r.customer)
			r.names[e.Conv], r.used[name] = name, true
			if e.Test {
				r.decl = append(r.decl, "customer "+name)
			} else {
				r.decl = append(r.decl, "customer "+name+" is anonymous")
			}
			r.action(e.At, name+" scans qr")
		case wb.EvMessage:
			c := r.names[e.Conv]
			switch {
			case c == "":
			case e.Sender == wb.SenderCustomer:
				r.action(e.At, fmt.Sprintf("%s says %s", c, quote(e.Text)))
			case e.Sender == wb.SenderAgent:
				r.action(e.At, fmt.Sprintf("%s says %s to %s", r.agent(e.Agent), quote(e.Text), c))
			case e.Sender == wb.SenderBot && !said && i == 0:
				if label := r.button(e.Text); label != "" {
					r.action(e.At, fmt.Sprintf("%s presses %s", c, quote(label)))
				}
			}
		case wb.EvTransferRequest:
			r.reqs++
			if e.Reason == wb.TransferViaButton {
				r.action(e.At, fmt.Sprintf("%s presses %s", r.names[e.Conv], quote(r.onlineButton())))
			}
		case wb.EvRated:
			r.action(e.At, fmt.Sprintf("%s rates %s", r.names[e.Conv], e.Rating))
		case wb.EvEnded, wb.EvAbandoned:
			switch c := r.names[e.Conv]; e.Reason {
			case wb.ReasonAgentClosed:
				r.action(e.At, fmt.Sprintf("%s closes %s", r.agent(e.Agent), c))
			case wb.ReasonIdleTimeout:
			default:
				r.action(e.At, c+" leaves")
			}
		}
	}
	// What the workbench did: only each chat's last turn in the command
	// (a chat re-queued and taken by the next agent at once is assigned).
	lastTurn := map[string]int{}
	for i, e := range evs {
		switch e.Type {
		case wb.EvAssigned, wb.EvUnserved, wb.EvRequeued:
			lastTurn[e.Conv] = i
		}
	}
	for i, e := range evs {
		c := r.names[e.Conv]
		if (e.Type == wb.EvAssigned || e.Type == wb.EvUnserved || e.Type == wb.EvRequeued) && lastTurn[e.Conv] != i {
			continue
		}
		switch e.Type {
		case wb.EvAssigned:
			r.expect(e.At, fmt.Sprintf("expect %s assigned to %s", c, r.agent(e.Agent)))
		case wb.EvUnserved:
			r.expect(e.At, fmt.Sprintf("expect %s with bot reason %s", c, e.Reason))
		case wb.EvRequeued:
			r.expect(e.At, fmt.Sprintf("expect %s queued", c))
		case wb.EvIdleWarning:
			r.expect(e.At, fmt.Sprintf("expect %s gets idle warning", c))
		case wb.EvEnded:
			if e.Reason == wb.ReasonIdleTimeout {
				r.expect(e.At, fmt.Sprintf("expect %s ended by idle_timeout", c))
			}
		}
	}
}

// button is the robot-card button whose answer the bot gave.
func (r *Recorder) button(text string) string {
	for _, b := range r.v.Config.BotPage.CardButtons {
		switch {
		case b.Kind == wb.ButtonHotline && text == fmt.Sprintf(wb.BotHotline, r.v.Config.RefusalHotline()):
			return b.Label
		case b.Kind == wb.ButtonLink && text == fmt.Sprintf(wb.BotLink, b.Value):
			return b.Label
		}
	}
	return ""
}

func (r *Recorder) onlineButton() string {
	for _, b := range r.v.Config.BotPage.CardButtons {
		if b.Kind == wb.ButtonOnlineAgent {
			return b.Label
		}
	}
	return wb.OnlineAgentLabel
}

// agent is the party of an agent account, declared on first use: named by
// the account's name when that is one word nobody else has, else its login.
func (r *Recorder) agent(login string) string {
	if n, ok := r.names[login]; ok {
		return n
	}
	a, _ := r.v.Config.Account(login)
	name := a.Name
	if name == "" || strings.ContainsAny(name, " \t\"#") || r.used[name] || isKeyword(name) {
		name = login
	}
	r.names[login], r.used[name] = name, true
	role := "agent"
	if a.Role == wb.RoleDeptAdmin {
		role = "admin"
	}
	r.decl = append(r.decl, fmt.Sprintf("%s %s is %s", role, name, login))
	return name
}

// operations is the party of the fixture's operations account.
func (r *Recorder) operations() string {
	if r.ops != "" {
		return r.ops
	}
	acc, _ := r.v.Config.AccountWithRole(wb.RoleOperations)
	r.ops = "运营"
	if r.used[r.ops] {
		r.ops = acc.Login
	}
	r.used[r.ops] = true
	r.decl = append(r.decl, fmt.Sprintf("ops %s is %s", r.ops, acc.Login))
	return r.ops
}

func isKeyword(s string) bool {
	for _, k := range append(keywords, "kpi", "kpis", "invariants", "refused") {
		if fold(s) == k {
			return true
		}
	}
	return statusWords[s] != ""
}

// action writes a person's action at t, after the wait that brings the
// script there.
func (r *Recorder) action(t time.Time, line string) {
	r.waitTo(t)
	r.lines = append(r.lines, line)
}

// expect writes what the workbench did at t.
func (r *Recorder) expect(t time.Time, line string) {
	r.waitTo(t)
	r.lines = append(r.lines, line)
}

// waitTo writes the wait from the script's time to t, to the millisecond.
func (r *Recorder) waitTo(t time.Time) {
	if !r.started {
		r.started, r.start, r.last = true, t, t.Truncate(time.Minute)
	}
	d := t.Sub(r.last).Round(time.Millisecond)
	if d < time.Millisecond {
		return
	}
	r.lines = append(r.lines, "wait "+d.String())
	r.last = r.last.Add(d)
}

func quote(s string) string { return strconv.Quote(s) }

// Script is the recording as a script: its vendor (by the name given),
// its start on the vendor's wall clock, the parties, the actions with
// their waits and asserts, then the KPIs of its chats and the invariants.
func (r *Recorder) Script(vendor string) []byte {
	var b strings.Builder
	loc := Zone(r.v)
	fmt.Fprintf(&b, "# Recorded by routecheck serve --record from %s: what people did on the workbench, with the waits between; `routecheck script` replays it (D-SCR-6).\n", r.v.Config.Name)
	if r.lost {
		b.WriteString("# warning: part of the event log was released before it was recorded (docs/protocol.md \"Limits\"); the replay may differ.\n")
	}
	fmt.Fprintf(&b, "vendor %s\n", vendor)
	if r.started {
		fmt.Fprintf(&b, "start %s\n", r.start.Truncate(time.Minute).In(loc).Format("2006-01-02 15:04"))
	}
	b.WriteString("\n")
	for _, d := range r.decl {
		b.WriteString(d + "\n")
	}
	if len(r.decl) > 0 {
		b.WriteString("\n")
	}
	for _, l := range r.lines {
		b.WriteString(l + "\n")
	}
	if len(r.lines) == 0 {
		b.WriteString("# nobody did anything\n")
	}
	if r.reqs > 0 {
		k := wb.ComputeKPIs(r.evs, wb.KPIFilter{Traffic: wb.TrafficAll})
		fmt.Fprintf(&b, "expect kpi service_requests = %d\nexpect kpi picked_up = %d\nexpect kpi abandoned = %d\n", k.ServiceRequests, k.PickedUp, k.Abandoned)
		fmt.Fprintf(&b, "expect kpi responded = %d\nexpect kpi ratings = %d\nexpect kpi satisfied = %d\n", k.Responded, k.Ratings, k.Satisfied)
	}
	b.WriteString("expect invariants clean\n")
	return []byte(b.String())
}
