package routetest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

func (r *runner) waitCtx() context.Context {
	ctx, cancel := context.WithTimeout(r.ctx, r.opt.wait())
	r.cancels = append(r.cancels, cancel)
	return ctx
}

// step4: a transfer by the text 转人工 and one by the 在线客服 quick phrase,
// each reaching a human with the right welcome (R-RT-4, R-WEL-1).
func (r *runner) step4(st *stepRec) {
	byText := r.chats[len(r.chats)-1]
	if !r.transfer(st, byText, wb.TransferText) {
		return
	}
	phrase := ""
	for _, q := range r.cfg.BotPage.QuickPhrases {
		if q.Transfer {
			phrase = q.Text
		}
	}
	if phrase == "" {
		st.fail("在线客服 quick phrase", "a quick phrase that requests a human", "none on the bot page", "R-RT-4",
			"add the quick phrase 在线客服 (快捷短语) that transfers to a human agent (R-VEN-2)")
		return
	}
	e, err := r.ops.Entry(r.ctx, r.cfg.ID, r.customer.ID, r.order.ID)
	c := &chat{title: phrase + " (quick phrase)", entered: time.Now()}
	if err == nil {
		c.cust, err = actors.Enter(r.ctx, e.URL)
	}
	if err != nil {
		st.fail("second entry", "the bot page opens again", err.Error(), "R-RT-3", "")
		return
	}
	r.chats = append(r.chats, c)
	r.runConvs[c.cust.Conv] = true
	r.transfer(st, c, phrase)
}

// transfer sends what requests a human and follows the chat to an agent.
func (r *runner) transfer(st *stepRec, c *chat, text string) bool {
	name := "transfer by " + text
	mark := c.cust.Mark()
	c.requested = time.Now()
	if err := c.cust.Say(text); err != nil {
		st.fail(name, "a human agent", err.Error(), "R-RT-4", "")
		return false
	}
	st.timing("in_bot "+c.title, c.requested.Sub(c.entered))
	expected := "a human agent takes the chat"
	for {
		waited := r.opt.waiting("a human agent to take the chat " + c.title)
		f, next, err := c.cust.WaitFrame(r.waitCtx(), mark, func(f actors.Frame) bool {
			return f.Type == "state" && (f.State == string(wb.StateAssigned) || f.State == string(wb.StateQueued)) ||
				f.Type == "message" && f.Sender == "bot" && f.Text != wb.BotQueued
		})
		waited()
		mark = next
		switch {
		case err != nil:
			st.fail(name, expected, "nothing within "+r.opt.wait().String()+": "+err.Error(), "R-RT-4", "check the routing configuration of the skill group with CCO")
			return false
		case f.Type == "message":
			r.refused(st, name, expected, f.Text)
			return false
		case f.State == string(wb.StateQueued):
			// The router hands out free places in the command that queued
			// the chat, so the workbench's own view says whether it waits.
			var cv actors.Conversation
			if err := r.ops.API(r.ctx, http.MethodGet, "/api/conversations/"+url.PathEscape(c.cust.Conv), nil, &cv); err != nil {
				st.fail(name, expected, "conversation unreadable: "+err.Error(), "R-RT-4", "")
				return false
			}
			if cv.State != string(wb.StateQueued) {
				continue
			}
			if r.freeOneFiller(st) {
				continue
			}
			// Nobody we rehearse can free a place: wait in the queue as a
			// customer would, for a real agent to end a chat.
			waited = r.opt.waiting("an agent to free a place for the queued chat " + c.title)
			_, _, err := c.cust.WaitState(r.waitCtx(), mark, string(wb.StateAssigned))
			waited()
			if err != nil {
				st.fail(name, expected, "the chat waited in the queue for "+r.opt.wait().String()+" and no agent freed a place", "R-CAP-1",
					"all online agents are at their maximum concurrent chats: end a chat, bring another agent online, or ask operations to raise the capacity (V级管理, at most 1V6 advised)")
				return false
			}
		}
		return r.assigned(st, c, name)
	}
}

// refused explains a bot answer that is not a human: outside work hours or
// nobody online (our decision D-RT-1: the bot says so with the hotline).
func (r *runner) refused(st *stepRec, name, expected, text string) {
	switch {
	case strings.Contains(text, "服务时间"):
		st.fail(name, expected, "bot: "+text, "R-VEN-4",
			"the test ran outside the vendor's confirmed work hours: run it within them, or correct the work hours with CCO")
	case strings.Contains(text, "没有人工客服在线"):
		st.fail(name, expected, "bot: "+text, "R-RT-2", "no agent is 在线: an agent must click 马上上班 and stay online during the test")
	default:
		st.fail(name, expected, "bot: "+text, "R-RT-4",
			"the bot did not treat this as a transfer request: configure 转人工 / the 在线客服 quick phrase to transfer to a human")
	}
}

// freeOneFiller is the rehearsed agent ending an older chat when the test
// chat waits: the freed place must go to the head of the queue (R-CAP-1).
func (r *runner) freeOneFiller(st *stepRec) bool {
	for _, login := range sortedLogins(r.agents) {
		a := r.agents[login]
		if len(a.fillers) == 0 {
			continue
		}
		conv := a.fillers[0]
		a.fillers = a.fillers[1:]
		if err := a.CloseChat(conv); err != nil {
			return false
		}
		r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("all agents were at capacity: the test chat queued until %s ended chat %s (R-CAP-1)", login, conv))
		st.ok("queued at capacity", "the chat waits, then takes the freed place", login+" ended "+conv)
		return true
	}
	return false
}

// assigned finds the agent that got the chat and checks the welcome.
func (r *runner) assigned(st *stepRec, c *chat, name string) bool {
	c.assignedAt = time.Now()
	st.timing("in_queue "+c.title, c.assignedAt.Sub(c.requested))
	ctx := r.waitCtx()
	for c.agent == nil && ctx.Err() == nil {
		for _, login := range sortedLogins(r.agents) {
			for _, f := range r.agents[login].Frames() {
				if f.Type == "assigned" && f.ConvID() == c.cust.Conv {
					c.agent = r.agents[login]
					c.conv, _ = f.Conversation()
				}
			}
		}
		if c.agent == nil {
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
	if c.agent == nil {
		st.fail(name, "an agent's workbench shows the chat", "no agent socket received it", "R-RT-4", "")
		return false
	}
	st.ok(name, "a human agent takes the chat", "assigned to "+c.agent.Login)
	want := r.cfg.Welcome
	rule := "skill group's welcome wins"
	if want == "" {
		rule = "the agent's own welcome"
		acc, _ := r.cfg.Account(c.agent.Login)
		want = acc.Welcome
	}
	if want == "" {
		st.ok("welcome", "no welcome configured", "none")
		return true
	}
	f, _, err := c.cust.WaitMessage(r.waitCtx(), 0, "system", nil)
	switch {
	case err != nil:
		st.fail("welcome", want, "no welcome message", "R-WEL-1", "set the welcome in 配置中心 → 系统设置 → 首问机器人")
		return false
	case f.Text != want:
		st.fail("welcome", want+" ("+rule+")", f.Text, "R-WEL-1", "the skill group's welcome wins over the agent's own: check 首问机器人 at both levels")
		return false
	}
	st.ok("welcome", want+" ("+rule+")", f.Text)
	return true
}

// step5: the agent sees the test message with the test order and replies;
// the tester receives the reply; then the chats are closed and rated (R-RT-5).
func (r *runner) step5(st *stepRec) {
	for i, c := range r.chats[len(r.chats)-2:] {
		msg := fmt.Sprintf("路由测试消息 订单 %s trace %s #%d", r.order.ID, r.rep.TraceID, i+1)
		if err := c.cust.Say(msg); err != nil {
			st.fail("test message", "sent", err.Error(), "R-RT-5", "")
			return
		}
		a := c.agent
		waited := r.opt.waiting(r.agentName(a) + " to see the test message")
		_, err := a.WaitMessage(r.waitCtx(), c.cust.Conv, "customer", func(t string) bool { return t == msg })
		waited()
		if err != nil {
			st.fail("agent sees test message", msg, "nothing on "+a.Login+"'s workbench: "+err.Error(), "R-RT-5",
				"the agent's X-Space does not receive messages: keep the page open and check the browser allows notifications (R-WB-3)")
			return
		}
		if c.conv.Order != r.order.ID {
			st.fail("agent sees test order", r.order.ID, c.conv.Order, "R-RT-1", "the conversation must carry the test order")
			return
		}
		st.ok("agent sees test message", msg+" with order "+r.order.ID, a.Login+" received it")
		if !a.habit.Replies {
			r.waitNoReply(st, c)
			return
		}
		waited = r.opt.waiting(r.agentName(a) + "'s reply")
		time.Sleep(a.habit.ReplyDelay)
		reply := "您好，已收到您的测试消息（订单 " + r.order.ID + "）"
		if err := a.Reply(c.cust.Conv, reply); err != nil {
			waited()
			st.fail("agent reply", "sent", err.Error(), "R-RT-5", "")
			return
		}
		_, _, err = c.cust.WaitMessage(r.waitCtx(), 0, "agent", func(t string) bool { return t == reply })
		waited()
		if err != nil {
			st.fail("tester receives reply", reply, "nothing: "+err.Error(), "R-RT-5", "the reply did not reach the bot page: report to CCO")
			return
		}
		st.ok("tester receives reply", reply, "received on the bot page")
		st.timing("first_response "+c.title, time.Since(c.assignedAt))
		mark := c.cust.Mark()
		if err := a.CloseChat(c.cust.Conv); err != nil {
			st.fail("close", "chat closed", err.Error(), "R-RT-5", "")
			return
		}
		if _, _, err := c.cust.WaitState(r.waitCtx(), mark, string(wb.StateEnded)); err != nil {
			st.fail("close", "chat ended", err.Error(), "R-RT-5", "")
			return
		}
		mark = c.cust.Mark()
		if err := c.cust.Rate(string(wb.RatingVerySatisfied)); err != nil {
			st.fail("rating", "rated 非常满意", err.Error(), "R-KPI-1", "")
			return
		}
		f, _, err := c.cust.WaitFrame(r.waitCtx(), mark, func(f actors.Frame) bool { return f.Type == "rated" || f.Type == "error" })
		if err != nil || f.Type == "error" {
			st.fail("rating", "the workbench records 非常满意", describe(f.Message, err), "R-KPI-1", "")
			return
		}
	}
	st.ok("closed and rated", "both test chats closed and rated", "非常满意 ×2")
}

// waitNoReply is the rehearsed agent who never answers: the tester waits
// the whole timeout and reports it.
func (r *runner) waitNoReply(st *stepRec, c *chat) {
	waited := r.opt.waiting(r.agentName(c.agent) + "'s reply")
	_, _, err := c.cust.WaitMessage(r.waitCtx(), 0, "agent", nil)
	waited()
	seen := "no reply within " + r.opt.wait().String()
	if err == nil {
		seen = "a reply"
	}
	st.fail("agent reply", "the agent replies to the test message", seen, "R-RT-5",
		"the agent saw the message but did not reply: agents must answer in X-Space (first response under 30 s, R-KPI-1)")
}

// agentName is how testers know an agent: the fixture's name (客服小王),
// else the login.
func (r *runner) agentName(a *agentActor) string {
	if acc, ok := r.cfg.Account(a.Login); ok && acc.Name != "" {
		return acc.Name
	}
	return a.Login
}
