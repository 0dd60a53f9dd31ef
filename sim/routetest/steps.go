package routetest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/brianvoe/gofakeit/v6"

	"routecheck/internal/zhfake"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// step1: operations makes a test customer account and a test order (R-RT-1).
func (r *runner) step1(st *stepRec) {
	// Each actor draws from a faker of its own (STYLE.md 4): the buyer
	// from seed+1, the order from seed+2, in Chinese as the report is.
	cust, err := r.ops.CreateTestCustomer(r.ctx, "测试买家"+zhfake.Name(gofakeit.New(r.opt.Seed+1)))
	if err != nil {
		st.failErrAs("test account", "a test customer account", "", err, FailNoTestAccount)
		return
	}
	if !cust.Test || cust.ID == "" {
		st.failAs("test account", "a test customer account", describe(cust, err), FailNoTestAccount)
		return
	}
	st.ok("test account", "a test customer account", cust.ID+" "+cust.Name)
	ord, err := r.ops.CreateTestOrder(r.ctx, cust.ID, zhfake.Item(gofakeit.New(r.opt.Seed+2)))
	if err != nil {
		st.failErrAs("test order", "a test order for "+cust.ID, "", err, FailNoTestOrder)
		return
	}
	if !ord.Test || ord.Customer != cust.ID {
		st.failAs("test order", "a test order for "+cust.ID, describe(ord, err), FailNoTestOrder)
		return
	}
	st.ok("test order", "a test order for "+cust.ID, ord.ID+" "+ord.Item)
	r.customer, r.order = cust, ord
}

func describe(v any, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%+v", v)
}

// step2: the vendor's agents log into X-Space, click 马上上班 and stay 在线
// (R-RT-2, R-WB-1, R-WB-2, R-TEN-1); the router must see one online.
func (r *runner) step2(st *stepRec) {
	logged := 0
	var order []*agentActor
	for _, h := range r.habits() {
		if !h.LogsIn {
			continue
		}
		a := &agentActor{Agent: actors.NewAgent(r.opt.Target, h.Login), habit: h}
		acc, _ := r.cfg.Account(h.Login)
		if _, err := a.SignIn(r.ctx, acc.Password); err != nil {
			st.failErrAs("login "+h.Login, "login accepted", "", err, FailAgentLogin)
			return
		}
		if err := a.Connect(r.ctx); err != nil {
			st.failErrAs("workbench socket "+h.Login, "the workbench opens", "", err, FailWorkbenchClosed)
			return
		}
		r.agents[h.Login] = a
		order = append(order, a)
		logged++
	}
	// Agents who already hold chats (open_chats) take them first, one agent
	// at a time and then parked on 小休, so the router, which picks the
	// least-loaded agent (D-ROUTE-1), cannot hand them to another.
	filled := 0
	for _, a := range order {
		if a.habit.OpenChats == 0 || a.habit.Status == string(wb.StatusOffline) {
			continue
		}
		if _, err := a.SetStatus(r.ctx, string(wb.StatusOnline)); err != nil {
			a.tenant = err
			continue
		}
		if !r.openFillers(st, a) {
			return
		}
		filled += a.habit.OpenChats
		if _, err := a.SetStatus(r.ctx, string(wb.StatusBreak)); err != nil {
			st.failErr("status "+a.Login, "小休 accepted", "", err, "R-WB-2", "")
			return
		}
	}
	if filled > 0 {
		st.ok("open chats", "the chats the rehearsal says are already open", fmt.Sprintf("%d open", filled))
	}
	for _, a := range order {
		if a.habit.Status == string(wb.StatusOffline) || a.tenant != nil {
			continue
		}
		if _, err := a.SetStatus(r.ctx, string(wb.StatusOnline)); err != nil {
			a.tenant = err
			continue
		}
		if a.habit.Status == string(wb.StatusBreak) {
			if _, err := a.SetStatus(r.ctx, string(wb.StatusBreak)); err != nil {
				st.failErr("status "+a.Login, "小休 accepted", "", err, "R-WB-2", "")
				return
			}
		}
	}
	view, err := r.ops.RouterView(r.ctx, r.cfg.Department)
	if err != nil {
		st.failErrAs("router view", "the department's agents", "", err, FailRouterView)
		return
	}
	var online, onBreak, wrongTenant []string
	for _, a := range view {
		switch {
		case a.Status == string(wb.StatusOnline) && a.Tenant == wb.TenantXianyu:
			online = append(online, a.Login)
		case a.Status == string(wb.StatusBreak):
			onBreak = append(onBreak, a.Login)
		}
	}
	for _, login := range sortedLogins(r.agents) {
		if r.agents[login].tenant != nil {
			wrongTenant = append(wrongTenant, fmt.Sprintf("%s (%v)", login, r.agents[login].tenant))
		}
	}
	expected := "at least one agent of " + r.cfg.Department + " 在线 under 闲鱼BU"
	switch {
	case len(online) > 0:
		st.ok("agent online", expected, "在线: "+strings.Join(online, ", "))
	case len(wrongTenant) > 0:
		st.failAs("agent online", expected, "马上上班 refused for "+strings.Join(wrongTenant, "; "), FailWrongTenant)
	case len(onBreak) > 0:
		st.failAs("agent online", expected, "only 小休: "+strings.Join(onBreak, ", "), FailOnlyBreak)
	case logged == 0:
		st.failAs("agent online", expected, "no agent logged into X-Space", FailNobodyLoggedIn)
	default:
		st.failAs("agent online", expected, "agents logged in but 离线", FailLoggedInOffline)
	}
}

// openFillers gives agent a, the only one 在线, the chats the rehearsal
// says it already has (open_chats), e.g. to rehearse "all agents at
// capacity" (R-CAP-1).
func (r *runner) openFillers(st *stepRec, a *agentActor) bool {
	want := fmt.Sprintf("%s holds %d chats", a.Login, a.habit.OpenChats)
	for len(a.fillers) < a.habit.OpenChats {
		e, err := r.ops.Entry(r.ctx, r.cfg.ID, r.customer.ID, "")
		if err == nil {
			var cu *actors.Customer
			if cu, err = actors.Enter(r.ctx, e.URL); err == nil {
				r.chats = append(r.chats, &chat{title: fmt.Sprintf("已有会话 %s %d (open chat)", a.Login, len(a.fillers)+1), cust: cu})
				r.runConvs[cu.Conv] = true
				err = cu.Say(wb.TransferText)
			}
		}
		if err != nil {
			st.failErr("open chats", want, "", err, "R-CAP-1", "")
			return false
		}
		var conv actors.Conversation
		err = r.await(st, "a rehearsed open chat on "+a.Login+"'s workbench", func(ctx context.Context) (err error) {
			conv, _, err = a.WaitAssigned(ctx)
			return err
		})
		if err != nil {
			st.failErr("open chats", want, "", err, "R-CAP-1", "")
			return false
		}
		a.fillers = append(a.fillers, conv.ID)
	}
	return true
}

func sortedLogins(m map[string]*agentActor) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// step3: the tester scans the QR code, lands on the bot page, sees the
// knowledge and gets a right answer (R-RT-3, R-VEN-2).
func (r *runner) step3(st *stepRec) {
	png, err := r.ops.QRCode(r.ctx, r.cfg.ID, r.customer.ID, r.order.ID)
	if err != nil {
		st.failErrAs("QR code", "a QR code PNG from CCO", "", err, FailNoQRCode)
		return
	}
	url, err := actors.DecodeQR(png)
	if err != nil {
		st.failAs("QR code", "a readable QR code", err.Error(), FailQRUnreadable)
		return
	}
	st.ok("QR code", "a readable QR code", actors.RedactEntryURL(url))
	if r.opt.TamperEntry != nil {
		url = r.opt.TamperEntry(url)
	}
	r.entryURL = url
	c := &chat{title: "转人工 (text)", entered: r.clock.Now()}
	if c.cust, err = actors.Enter(r.ctx, url); err != nil {
		st.failErrAs("bot page", "the bot page opens", "", err, FailEntryRefused)
		return
	}
	r.chats = append(r.chats, c)
	r.runConvs[c.cust.Conv] = true
	p, bot := r.cfg.BotPage, c.cust.Bot
	var want, seen [3][]string
	for _, b := range p.CardButtons {
		want[0] = append(want[0], b.Label)
	}
	for _, b := range bot.CardButtons {
		seen[0] = append(seen[0], b.Label)
	}
	for _, t := range p.FAQ {
		want[1] = append(want[1], fmt.Sprintf("%s(%d)", t.Title, len(t.Questions)))
	}
	for _, t := range bot.FAQ {
		seen[1] = append(seen[1], fmt.Sprintf("%s(%d)", t.Title, len(t.Questions)))
	}
	for _, q := range p.QuickPhrases {
		want[2] = append(want[2], q.Text)
	}
	for _, q := range bot.QuickPhrases {
		seen[2] = append(seen[2], q.Text)
	}
	for i, part := range [3]struct {
		name string
		f    Failure
	}{{"robot card", FailRobotCard}, {"FAQ", FailFAQ}, {"quick phrases", FailQuickPhrases}} {
		w, s := strings.Join(want[i], " | "), strings.Join(seen[i], " | ")
		if !slices.Equal(want[i], seen[i]) {
			st.failAs(part.name, w, s, part.f)
			return
		}
		st.ok(part.name, w, s)
	}
	if len(p.FAQ) == 0 || len(p.FAQ[0].Questions) == 0 {
		st.ok("bot answer", "a FAQ question to ask", "the bot page has no FAQ; nothing to ask")
		return
	}
	q := p.FAQ[0].Questions[0]
	mark := c.cust.Mark()
	if err := c.cust.Say(q.Question); err != nil {
		st.failErr("bot answer", q.Answer, "", err, "R-RT-3", "")
		return
	}
	var f actors.Frame
	err = r.await(st, "the bot's answer", func(ctx context.Context) (err error) {
		f, _, err = c.cust.WaitMessage(ctx, mark, "bot", nil)
		return err
	})
	switch {
	case err != nil:
		st.failErrAs("bot answer", q.Answer, "no answer: ", err, FailBotSilent)
	case f.Text != q.Answer:
		st.failAs("bot answer to "+q.Question, q.Answer, f.Text, FailBotWrongAnswer)
	default:
		st.ok("bot answer", q.Answer, f.Text)
	}
}
