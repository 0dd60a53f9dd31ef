package routetest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// Where a route test fails first (FailPoint.Stage).
const (
	StageStart = "start" // routecheck run refuses the file before step 1 (exit 2)
	StageStep  = "step"  // a step fails (exit 1); the later ones are skipped
	StageKPI   = "kpi"   // every step passes and a KPI misses R-KPI-1 (exit 1)
)

// FailPoint is where a route test of a fixture fails first, and why.
type FailPoint struct {
	Stage   string `json:"stage"`
	Step    int    `json:"step,omitempty"` // 1..5 for StageStep
	KPI     string `json:"kpi,omitempty"`  // pickup_rate, first_response_s or satisfaction for StageKPI
	Rule    string `json:"rule"`
	Path    string `json:"path,omitempty"` // the fixture field to change
	Message string `json:"message"`
}

// Where names the failure as the console does: "step 4/5 转人工 (transfer
// to human)", "KPI 首响时长 first response", "before step 1".
func (f FailPoint) Where() string {
	switch f.Stage {
	case StageStep:
		return fmt.Sprintf("step %d/%d %s", f.Step, reports.RouteSteps, stepNames[f.Step-1].name)
	case StageKPI:
		return "KPI " + reports.KPILabel(f.KPI)
	}
	return "before step 1"
}

// Consequence is what the failure does to `routecheck run`, as vet says it.
func (f FailPoint) Consequence() string {
	if f.Stage == StageStart {
		return "routecheck run refuses this file (exit 2)"
	}
	return "the route test fails at " + f.Where() + " (" + f.Rule + ")"
}

// Prediction is what `routecheck run` will find on the bundled workbench,
// worked out from the fixture alone (vet's fails_route_test).
type Prediction struct {
	Plan  ClockPlan
	Fails bool
	At    FailPoint // where it fails first; zero when it passes
}

// Predict plays the route test's own script, step by step as the harness
// runs it over the wire, on the workbench core in virtual time: the same
// habits (fixtures.Vendor.Habits), the same order of logins and statuses,
// the same chats, the same checks. The rules are the core's, not a second
// copy of them: who takes a chat is the core's router, what the bot says is
// the core's bot, the KPIs are the core's formulas over its event log.
// Real time passes between the harness's requests, so the virtual clock
// moves a millisecond between commands; rehearsed replies come reply_delay
// after each chat's pickup, as the harness times them (D-RUN-6).
func Predict(v *fixtures.Vendor, plan ClockPlan) Prediction {
	d := &dryRun{v: v, cfg: v.Config, vc: clock.NewVirtual(plan.Start), fillers: map[string][]string{},
		tenantErr: map[string]bool{}, habit: map[string]fixtures.AgentHabit{}, convs: map[string]bool{}}
	d.plan = plan
	p := Prediction{Plan: plan}
	if f, failed := d.run(); failed {
		p.Fails, p.At = true, f
	}
	return p
}

type dryRun struct {
	v         *fixtures.Vendor
	cfg       wb.VendorConfig
	plan      ClockPlan
	vc        *clock.Virtual
	core      *wb.Workbench
	ops       string
	customer  string
	order     string
	habits    []fixtures.AgentHabit
	habit     map[string]fixtures.AgentHabit // the agents signed in, by login
	fillers   map[string][]string            // rehearsed open chats per agent
	tenantErr map[string]bool
	chats     []*dryChat
	convs     map[string]bool // this run's chats, for the KPIs
}

type dryChat struct {
	conv     string
	agent    string
	deferred bool // queued behind an earlier test chat (D-RUN-6)
	pickedAt time.Time
}

// tick is the real time that passes between two requests of the harness.
func (d *dryRun) tick() { d.vc.Advance(time.Millisecond) }

func (d *dryRun) step(n int, rule, path, format string, args ...any) (FailPoint, bool) {
	return FailPoint{Stage: StageStep, Step: n, Rule: rule, Path: path, Message: fmt.Sprintf(format, args...)}, true
}

func (d *dryRun) run() (FailPoint, bool) {
	ops, ok := d.cfg.AccountWithRole(wb.RoleOperations)
	if !ok {
		return FailPoint{Stage: StageStart, Rule: "R-RT-1", Path: "accounts",
			Message: "no account with role operations: the route test signs in as CCO operations to make the test account and order"}, true
	}
	d.ops = ops.Login
	d.core = wb.New(d.vc, wb.Options{HashCost: bcrypt.MinCost})
	if _, err := d.core.AddVendor(d.cfg); err != nil {
		return FailPoint{Stage: StageStart, Rule: "R-VEN-1", Message: "the workbench refuses the vendor: " + err.Error()}, true
	}
	for _, s := range []func() (FailPoint, bool){d.step1, d.step2, d.step3, d.step4, d.step5, d.kpis} {
		if f, failed := s(); failed {
			return f, true
		}
		d.tick()
	}
	return FailPoint{}, false
}

func (d *dryRun) step1() (FailPoint, bool) {
	c, err := d.core.CreateTestCustomer(d.ops, "测试买家")
	if err == nil {
		var o wb.Order
		o, err = d.core.CreateTestOrder(d.ops, c.ID, "测试订单")
		d.customer, d.order = c.ID, o.ID
	}
	if err != nil {
		return d.step(1, "R-RT-1", "accounts", "operations cannot make the test account and order: %v", err)
	}
	return FailPoint{}, false
}

// step2 is steps.go's step2 on the core.
func (d *dryRun) step2() (FailPoint, bool) {
	d.habits = d.v.Habits()
	var order []fixtures.AgentHabit
	for _, h := range d.habits {
		if !h.LogsIn {
			continue
		}
		acc, _ := d.cfg.Account(h.Login)
		if _, err := d.core.Login(h.Login, acc.Password); err != nil {
			return d.step(2, "R-VEN-3", "accounts", "%s cannot log in: %v", h.Login, err)
		}
		d.habit[h.Login] = h
		order = append(order, h)
		d.tick()
	}
	for _, h := range order {
		if h.OpenChats == 0 || h.Status == string(wb.StatusOffline) {
			continue
		}
		if d.core.SetStatus(h.Login, wb.StatusOnline) != nil {
			d.tenantErr[h.Login] = true
			continue
		}
		for range h.OpenChats {
			d.tick()
			cv, _ := d.core.Enter(d.cfg.ID, d.customer, "")
			d.convs[cv.ID] = true
			_ = d.core.CustomerSend(cv.ID, wb.TransferText)
			got, _ := d.core.Conversation(cv.ID)
			if got.State != wb.StateAssigned || got.Agent != h.Login {
				return d.step(2, "R-CAP-1", d.agentPath(h.Login, "open_chats"), "the rehearsed open chats of %s are not given to them: %s",
					h.Login, d.botSaid(got, "the chat stays "+string(got.State)))
			}
			d.fillers[h.Login] = append(d.fillers[h.Login], cv.ID)
		}
		d.tick()
		_ = d.core.SetStatus(h.Login, wb.StatusBreak)
	}
	for _, h := range order {
		if h.Status == string(wb.StatusOffline) || d.tenantErr[h.Login] {
			continue
		}
		d.tick()
		if d.core.SetStatus(h.Login, wb.StatusOnline) != nil {
			d.tenantErr[h.Login] = true
			continue
		}
		if h.Status == string(wb.StatusBreak) {
			_ = d.core.SetStatus(h.Login, wb.StatusBreak)
		}
	}
	var online, onBreak, wrong []string
	for _, a := range d.core.Agents(d.cfg.Department) {
		switch {
		case a.Status == wb.StatusOnline && a.Tenant == wb.TenantXianyu:
			online = append(online, a.Login)
		case a.Status == wb.StatusBreak:
			onBreak = append(onBreak, a.Login)
		}
	}
	for _, h := range order {
		if d.tenantErr[h.Login] {
			acc, _ := d.cfg.Account(h.Login)
			wrong = append(wrong, h.Login+": "+acc.Tenant)
		}
	}
	path := "rehearsal.agents"
	if len(d.v.Rehearsal.Agents) == 0 || (len(wrong) == len(order) && d.everyTakerElsewhere()) {
		path = "accounts" // the accounts decide who logs in, or none can work
	}
	switch {
	case len(online) > 0:
		return FailPoint{}, false
	case len(wrong) > 0:
		f, _ := d.step(2, "R-TEN-1", path, "no agent can go 在线: 马上上班 shows \"404 page not found\" for %s, whose tenant is not %s",
			strings.Join(wrong, ", "), wb.TenantXianyu)
		if !d.everyTakerElsewhere() && len(d.v.Rehearsal.Agents) == 0 {
			f.Message += " (a department admin logs in for the route test only when the vendor has no agent account, or when the rehearsal lists them)"
		}
		return f, true
	case len(onBreak) > 0:
		return d.step(2, "R-WB-2", "rehearsal.agents", "every agent who logs in stays on 小休 or 离线 (%s), so nobody takes new chats", strings.Join(onBreak, ", "))
	case len(order) == 0:
		return d.step(2, "R-RT-2", "rehearsal.agents", "no agent logs into X-Space")
	}
	return d.step(2, "R-WB-2", "rehearsal.agents", "every agent who logs in stays 离线")
}

// everyTakerElsewhere: no agent or admin account of the file works under
// 闲鱼BU, which the accounts themselves must fix.
func (d *dryRun) everyTakerElsewhere() bool {
	for _, a := range d.cfg.Accounts {
		if (a.Role == wb.RoleAgent || a.Role == wb.RoleDeptAdmin) && a.Tenant == wb.TenantXianyu {
			return false
		}
	}
	return true
}

// step3: the FAQ question the harness asks gets its answer from the bot.
func (d *dryRun) step3() (FailPoint, bool) {
	cv, err := d.core.Enter(d.cfg.ID, d.customer, d.order)
	if err != nil {
		return d.step(3, "R-RT-3", "", "the bot page does not open: %v", err)
	}
	d.convs[cv.ID] = true
	d.chats = append(d.chats, &dryChat{conv: cv.ID})
	p := d.cfg.BotPage
	if len(p.FAQ) == 0 || len(p.FAQ[0].Questions) == 0 {
		return FailPoint{}, false
	}
	q := p.FAQ[0].Questions[0]
	mark := len(cv.Messages)
	d.tick()
	_ = d.core.CustomerSend(cv.ID, q.Question)
	got, _ := d.core.Conversation(cv.ID)
	answer := "no answer"
	for _, m := range got.Messages[mark:] {
		if m.Sender == wb.SenderBot {
			answer = m.Text
			break
		}
	}
	if answer != q.Answer {
		return d.step(3, "R-VEN-2", "bot_page.faq[0].questions[0].question",
			"asked %q, the first FAQ question, the bot answers %q instead of its answer (a quick phrase, a topic title or 转人工 in the question takes precedence)",
			q.Question, answer)
	}
	return FailPoint{}, false
}

// step4: 转人工 in the chat of step 3, then the last transfer quick phrase
// in a second chat, each to an agent with the right welcome.
func (d *dryRun) step4() (FailPoint, bool) {
	if f, failed := d.transfer(d.chats[0], wb.TransferText); failed {
		return f, true
	}
	phrase := ""
	for _, q := range d.cfg.BotPage.QuickPhrases {
		if q.Transfer {
			phrase = q.Text
		}
	}
	if phrase == "" {
		return d.step(4, "R-RT-4", "bot_page.quick_phrases", "no quick phrase with transfer: true (such as %s) for the tester to tap", wb.OnlineAgentLabel)
	}
	d.tick()
	cv, _ := d.core.Enter(d.cfg.ID, d.customer, d.order)
	d.convs[cv.ID] = true
	c := &dryChat{conv: cv.ID}
	d.chats = append(d.chats, c)
	return d.transfer(c, phrase)
}

// transfer is step4.go's transfer, waitForPlace and assigned on the core.
func (d *dryRun) transfer(c *dryChat, text string) (FailPoint, bool) {
	d.tick()
	_ = d.core.CustomerSend(c.conv, text)
	for {
		got, _ := d.core.Conversation(c.conv)
		switch got.State {
		case wb.StateAssigned:
			return d.assigned(c, got)
		case wb.StateQueued:
			if d.freeOneFiller() {
				continue
			}
			if slices.ContainsFunc(d.chats, func(o *dryChat) bool { return o != c && o.agent != "" && !o.deferred }) {
				c.deferred = true // picked up when the earlier test chat ends (step 5)
				return FailPoint{}, false
			}
			return d.step(4, "R-CAP-1", "rehearsal.agents", "the chat waits in the queue: every 在线 agent is at capacity and none ends a chat")
		}
		said := d.botSaid(got, "no answer")
		switch {
		case strings.Contains(said, "服务时间"):
			path := "work_hours"
			switch {
			case d.plan.Source == FromStartAt:
				path = "rehearsal.start_at"
			case d.plan.Source == FromAt:
				path = "--at"
			}
			return d.step(4, "R-VEN-4", path, "the test runs at %s, outside the work hours %s; the bot answers with the hotline",
				VendorTime(d.vc.Now().In(zoneOf(d.v))), d.cfg.WorkHours)
		case strings.Contains(said, "没有人工客服在线"):
			return d.step(4, "R-RT-2", "rehearsal.agents", "nobody is 在线 when the tester asks for a human")
		}
		return d.step(4, "R-RT-4", "bot_page.quick_phrases", "%q does not reach a human; the bot answers %q", text, said)
	}
}

// freeOneFiller is step4.go's: a rehearsed 在线 agent ends an open chat.
func (d *dryRun) freeOneFiller() bool {
	logins := make([]string, 0, len(d.habit))
	for l := range d.habit {
		logins = append(logins, l)
	}
	slices.Sort(logins)
	for _, l := range logins {
		if len(d.fillers[l]) == 0 || d.habit[l].Status != string(wb.StatusOnline) || d.tenantErr[l] {
			continue
		}
		conv := d.fillers[l][0]
		d.fillers[l] = d.fillers[l][1:]
		d.tick()
		return d.core.AgentClose(l, conv) == nil
	}
	return false
}

// assigned checks the welcome (R-WEL-1) of a chat an agent took.
func (d *dryRun) assigned(c *dryChat, got wb.ConvView) (FailPoint, bool) {
	c.agent, c.pickedAt = got.Agent, got.PickedAt
	if _, ok := d.habit[c.agent]; !ok {
		return d.step(4, "R-RT-4", "accounts", "the chat goes to %s, whom the route test did not sign in", c.agent)
	}
	want := d.cfg.Welcome
	if want == "" {
		acc, _ := d.cfg.Account(c.agent)
		want = acc.Welcome
	}
	if want == "" {
		return FailPoint{}, false
	}
	for _, m := range got.Messages {
		if m.Sender == wb.SenderSystem {
			if m.Text == want {
				return FailPoint{}, false
			}
			break
		}
	}
	return d.step(4, "R-WEL-1", "vendor.welcome", "the customer does not get the welcome %q", want)
}

// step5: each test chat's agent replies reply_delay after its pickup, then
// closes; a chat deferred behind another is picked up when that one ends.
func (d *dryRun) step5() (FailPoint, bool) {
	chats := d.chats[len(d.chats)-2:]
	var now []*dryChat
	for _, c := range chats {
		if !c.deferred {
			now = append(now, c)
		}
	}
	slices.SortStableFunc(now, func(a, b *dryChat) int { return a.due(d).Compare(b.due(d)) })
	for _, c := range now {
		if f, failed := d.exchange(c); failed {
			return f, true
		}
	}
	for _, c := range chats {
		if !c.deferred {
			continue
		}
		got, _ := d.core.Conversation(c.conv)
		if got.State != wb.StateAssigned {
			return d.step(5, "R-CAP-1", "rehearsal.agents", "the place the first test chat freed does not go to the second")
		}
		if f, failed := d.assigned(c, got); failed {
			f.Step = 5
			return f, true
		}
		if f, failed := d.exchange(c); failed {
			return f, true
		}
	}
	return FailPoint{}, false
}

func (c *dryChat) due(d *dryRun) time.Time { return c.pickedAt.Add(d.habit[c.agent].ReplyDelay) }

func (d *dryRun) exchange(c *dryChat) (FailPoint, bool) {
	h := d.habit[c.agent]
	d.tick()
	_ = d.core.CustomerSend(c.conv, "路由测试消息")
	if !h.Replies {
		return d.step(5, "R-RT-5", d.agentPath(c.agent, "replies"), "%s takes a test chat and never replies", c.agent)
	}
	if due := c.due(d); due.After(d.vc.Now()) {
		d.vc.RunUntil(due)
	}
	if err := d.core.AgentSend(c.agent, c.conv, "您好，已收到您的测试消息"); err != nil {
		return d.step(5, "R-RT-5", d.agentPath(c.agent, "replies"), "%s cannot reply: %v", c.agent, err)
	}
	d.tick()
	_ = d.core.AgentClose(c.agent, c.conv)
	_ = d.core.Rate(c.conv, wb.RatingVerySatisfied)
	return FailPoint{}, false
}

// kpis are the run's KPIs, by the core's R-KPI-1 formulas over this run's
// chats, as routetest's finish judges them.
func (d *dryRun) kpis() (FailPoint, bool) {
	var mine []wb.Event
	for _, e := range d.core.Events(0) {
		if d.convs[e.Conv] {
			mine = append(mine, e)
		}
	}
	for _, v := range wb.Assessed().Assess(wb.ComputeKPIs(mine, wb.KPIFilter{Traffic: wb.TrafficAll})) {
		if v.Measured && v.Pass {
			continue
		}
		f := FailPoint{Stage: StageKPI, KPI: v.Name, Rule: "R-KPI-1", Path: "rehearsal.agents"}
		switch v.Name {
		case "first_response_s":
			slow := d.chats[len(d.chats)-1].agent
			for _, c := range d.chats[len(d.chats)-2:] {
				if d.habit[c.agent].ReplyDelay > d.habit[slow].ReplyDelay {
					slow = c.agent
				}
			}
			f.Path = d.agentPath(slow, "reply_delay")
			f.Message = fmt.Sprintf("the test chats' first responses average %.1f s (%s answers %s after taking a chat); 首响时长 must be under 30 s",
				v.Value, slow, d.habit[slow].ReplyDelay)
		default:
			f.Message = fmt.Sprintf("%s is %s", reports.KPILabel(v.Name), reports.KPIValue(v.Name, v.Value))
			if !v.Measured {
				f.Message = reports.KPILabel(v.Name) + " has nothing to measure"
			}
		}
		return f, true
	}
	return FailPoint{}, false
}

// agentPath is the rehearsal field of an agent's habit, or the account
// when the rehearsal does not list it.
func (d *dryRun) agentPath(login, field string) string {
	for i, h := range d.v.Rehearsal.Agents {
		if h.Login == login {
			return fmt.Sprintf("rehearsal.agents[%d].%s", i, field)
		}
	}
	for i, a := range d.cfg.Accounts {
		if a.Login == login {
			return fmt.Sprintf("accounts[%d]", i)
		}
	}
	return "rehearsal.agents"
}

// botSaid is the bot's last message in a chat, or or when it said nothing.
func (d *dryRun) botSaid(cv wb.ConvView, or string) string {
	for i := len(cv.Messages) - 1; i >= 0; i-- {
		if cv.Messages[i].Sender == wb.SenderBot {
			return cv.Messages[i].Text
		}
	}
	return or
}

// Warning is the prediction as a vet warning: where in the file, and what
// the route test will do; ok is false when the route test passes.
func (p Prediction) Warning(v *fixtures.Vendor) (fixtures.Problem, bool) {
	if !p.Fails {
		return fixtures.Problem{}, false
	}
	return v.Problem(p.At.Path, p.At.Rule, "%s; %s", p.At.Message, p.At.Consequence()), true
}

// Annotate adds the prediction to vet's warnings: the warning about the
// same field and rule says what the route test will do; without one, the
// prediction is a warning of its own. Warnings stay in file order.
func (p Prediction) Annotate(v *fixtures.Vendor, ws []fixtures.Problem) []fixtures.Problem {
	w, ok := p.Warning(v)
	if !ok {
		return ws
	}
	ws = slices.Clone(ws)
	for i := range ws {
		if ws[i].Rule == p.At.Rule && (ws[i].Path == p.At.Path || strings.HasPrefix(p.At.Path, ws[i].Path+".") || strings.HasPrefix(p.At.Path, ws[i].Path+"[")) {
			ws[i].Message += "; " + p.At.Consequence()
			return ws
		}
	}
	ws = append(ws, w)
	slices.SortStableFunc(ws, func(a, b fixtures.Problem) int { return a.Line - b.Line })
	return ws
}
