package routetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// grace is how long a wait that ran out goes on, to tell a vendor that
// never acts from a --timeout too short for the harness itself.
func (r *runner) grace() time.Duration { return max(2*time.Second, r.opt.wait()) }

// await runs wait with --timeout as its own deadline. If that runs out, it
// waits once more, for the grace: what comes then came too late for the
// harness's own --timeout. That is harness trouble (recorded on st, exit
// 3), not the vendor's fault; the first error is returned either way.
func (r *runner) await(st *stepRec, what string, wait func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(r.ctx, r.opt.wait())
	err := wait(ctx)
	cancel()
	if err == nil || r.ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	start := time.Now()
	ctx, cancel = context.WithTimeout(r.ctx, r.grace())
	defer cancel()
	if wait(ctx) == nil {
		st.harness("the harness timed out: %s came %s after --timeout %s ran out, so the workbench answers slower than that; repeat with a longer --timeout",
			what, time.Since(start).Round(time.Microsecond), r.opt.wait())
	}
	return err
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
	c := &chat{title: phrase + " (quick phrase)", entered: r.clock.Now()}
	if err == nil {
		c.cust, err = actors.Enter(r.ctx, e.URL)
	}
	if err != nil {
		st.failErr("second entry", "the bot page opens again", "", err, "R-RT-3", "")
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
	c.requested = r.clock.Now()
	if err := c.cust.Say(text); err != nil {
		st.failErr(name, "a human agent", "", err, "R-RT-4", "")
		return false
	}
	st.timing("in_bot "+c.title, c.requested.Sub(c.entered))
	expected := "a human agent takes the chat"
	for {
		var f actors.Frame
		err := r.await(st, "the answer to "+text, func(ctx context.Context) error {
			got, next, err := c.cust.WaitFrame(ctx, mark, func(f actors.Frame) bool {
				return f.Type == "state" && (f.State == string(wb.StateAssigned) || f.State == string(wb.StateQueued)) ||
					f.Type == "message" && f.Sender == "bot" && f.Text != wb.BotQueued
			})
			if err == nil {
				f, mark = got, next
			}
			return err
		})
		switch {
		case err != nil:
			st.failErr(name, expected, "nothing within "+r.opt.wait().String()+": ", err, "R-RT-4", "check the routing configuration of the skill group with CCO")
			return false
		case f.Type == "message":
			r.refused(st, name, expected, f.Text)
			return false
		case f.State == string(wb.StateQueued):
			if done, ok := r.waitForPlace(st, c, name, expected, mark); done {
				return ok
			}
			continue // assigned meanwhile: its frame follows
		}
		return r.assigned(st, c, name, f)
	}
}

// waitForPlace follows a chat the workbench queued (R-CAP-1): a rehearsed
// agent ends an older chat, or the chat waits for the harness's own test
// chat (deferred to step 5), or for anyone to free a place. done is false
// when the chat was assigned meanwhile and its frame is still to be read;
// otherwise ok is the transfer's outcome.
func (r *runner) waitForPlace(st *stepRec, c *chat, name, expected string, mark int) (done, ok bool) {
	pickedUp := func() (actors.Frame, error) {
		var f actors.Frame
		err := r.await(st, "the pickup from the queue", func(ctx context.Context) (err error) {
			f, _, err = c.cust.WaitState(ctx, mark, string(wb.StateAssigned))
			return err
		})
		return f, err
	}
	for {
		// The router hands out free places in the command that queued the
		// chat, so the workbench's own view says whether it waits.
		var cv actors.Conversation
		if err := r.ops.API(r.ctx, http.MethodGet, "/api/conversations/"+url.PathEscape(c.cust.Conv), nil, &cv); err != nil {
			st.failErr(name, expected, "conversation unreadable: ", err, "R-RT-4", "")
			return true, false
		}
		if cv.State != string(wb.StateQueued) {
			return false, false
		}
		if r.freeOneFiller(st) {
			// The freed place goes to the head of the queue (D-ROUTE-1):
			// this chat, unless others wait ahead of it; then look again.
			if f, err := pickedUp(); err == nil {
				return true, r.assigned(st, c, name, f)
			}
			if r.ctx.Err() != nil || st.Error != "" {
				return true, false
			}
			continue
		}
		if holder := r.testChatHolding(c); holder != nil {
			// Places are short and one is the harness's own: a tester would
			// finish the first chat before the next, so this one takes that
			// place when step 5 ends the first (D-RUN-6).
			c.deferred, c.mark = true, mark
			st.ok(name, "the request reaches the queue of human agents",
				fmt.Sprintf("queued behind the test chat %s on %s's last free place; it is picked up when that chat ends (step 5)", holder.title, holder.agent.Login))
			r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("places are short (R-CAP-1): the test chat %s waited for the test chat %s to end", c.title, holder.title))
			return true, true
		}
		// Nobody we rehearse can free a place: wait in the queue as a
		// customer would, for a real agent to end a chat.
		f, err := pickedUp()
		if err != nil {
			st.fail(name, expected, "the chat waited in the queue for "+r.opt.wait().String()+" and no agent freed a place", "R-CAP-1",
				"all online agents are at their maximum concurrent chats: end a chat, bring another agent online, or ask operations to raise the capacity (V级管理, at most 1V6 advised)")
			return true, false
		}
		return true, r.assigned(st, c, name, f)
	}
}

// testChatHolding is an earlier test chat an agent still holds.
func (r *runner) testChatHolding(c *chat) *chat {
	for _, o := range r.chats {
		if o != c && o.agent != nil && !o.deferred {
			return o
		}
	}
	return nil
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
		// A place freed by an agent on 小休 takes no queued chat (R-WB-2).
		if len(a.fillers) == 0 || a.habit.Status != string(wb.StatusOnline) || a.tenant != nil {
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

// assigned finds the chat on the workbench of the agent the customer's
// state frame names (by) and checks the welcome.
func (r *runner) assigned(st *stepRec, c *chat, name string, by actors.Frame) bool {
	c.assignedAt = r.clock.Now()
	st.timing("in_queue "+c.title, c.assignedAt.Sub(c.requested))
	var login string
	_ = json.Unmarshal(by.Agent, &login)
	a := r.agents[login]
	if a == nil {
		st.fail(name, "one of the vendor's agents takes the chat", fmt.Sprintf("assigned to %q, not an agent the route test signed in", login), "R-RT-4",
			"only the vendor's own agents may take its chats: check the skill group's members with CCO")
		return false
	}
	err := r.await(st, "the assigned chat on "+login+"'s workbench", func(ctx context.Context) error {
		f, err := a.WaitFrame(ctx, func(f actors.Frame) bool { return f.Type == "assigned" && f.ConvID() == c.cust.Conv })
		if err == nil {
			c.agent = a
			c.conv, _ = f.Conversation()
		}
		return err
	})
	if err != nil {
		st.failErr(name, "the agent's workbench shows the chat", "nothing on "+login+"'s workbench: ", err, "R-RT-4", "")
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
	var f actors.Frame
	err = r.await(st, "the welcome message", func(ctx context.Context) (err error) {
		f, _, err = c.cust.WaitMessage(ctx, 0, "system", nil)
		return err
	})
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

// step5: in each test chat the agent sees the test message with the test
// order and replies; the tester receives the reply; the chat is closed and
// rated (R-RT-5). The chats run side by side, as an agent handles them, each
// with its own waits; a chat that queued behind another (places short)
// starts when that one has ended and freed its place.
func (r *runner) step5(st *stepRec) {
	chats := r.chats[len(r.chats)-2:]
	recs := make([]*stepRec, len(chats))
	ended := make([]chan struct{}, len(chats))
	for i := range chats {
		recs[i], ended[i] = &stepRec{}, make(chan struct{})
	}
	var wg sync.WaitGroup
	for i, c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(ended[i])
			if c.deferred {
				for j := range i {
					<-ended[j]
					if recs[j].Diagnosis != nil || recs[j].Error != "" {
						return // its place never freed; that chat's failure says why
					}
				}
				if !r.pickDeferred(recs[i], c) {
					return
				}
			}
			r.exchange(recs[i], c, i+1)
		}()
	}
	wg.Wait()
	for _, rec := range recs {
		st.Checks = append(st.Checks, rec.Checks...)
		for k, d := range rec.Timings {
			st.timing(k, d)
		}
		if rec.Error != "" {
			st.harness("%s", rec.Error)
		}
		if rec.Diagnosis != nil && st.Diagnosis == nil {
			st.Diagnosis = rec.Diagnosis
		}
	}
	if st.Diagnosis == nil && st.Error == "" {
		st.ok("closed and rated", "both test chats closed and rated", "非常满意 ×2")
	}
}

// pickDeferred follows a chat that queued behind an earlier test chat to
// the agent who takes it once that chat has ended.
func (r *runner) pickDeferred(st *stepRec, c *chat) bool {
	name := c.title + " picked up"
	var f actors.Frame
	if err := r.await(st, "the pickup of "+c.title, func(ctx context.Context) (err error) {
		f, _, err = c.cust.WaitState(ctx, c.mark, string(wb.StateAssigned))
		return err
	}); err != nil {
		st.fail(name, "the place freed by the first test chat goes to this chat", "still queued "+r.opt.wait().String()+" after the first chat ended", "R-CAP-1",
			"a place freed by an ended chat must go to the head of the queue: report this to CCO with the seed")
		return false
	}
	return r.assigned(st, c, name, f)
}

// exchange is one chat's step 5: test message, the agent's reply at the
// rehearsed delay after this chat's own pickup, close and rating.
func (r *runner) exchange(st *stepRec, c *chat, n int) {
	msg := fmt.Sprintf("路由测试消息 订单 %s trace %s #%d", r.order.ID, r.rep.TraceID, n)
	if err := c.cust.Say(msg); err != nil {
		st.failErr("test message", "sent", "", err, "R-RT-5", "")
		return
	}
	a := c.agent
	if err := r.await(st, "the test message on "+a.Login+"'s workbench", func(ctx context.Context) error {
		_, err := a.WaitMessage(ctx, c.cust.Conv, "customer", func(t string) bool { return t == msg })
		return err
	}); err != nil {
		if r.inLog(c.cust.Conv, "customer", msg) {
			st.fail("agent sees test message", msg, "nothing on "+a.Login+"'s workbench: "+err.Error(), "R-RT-5",
				"the agent's X-Space does not receive messages: keep the page open and check the browser allows notifications (R-WB-3)")
		} else {
			st.harness("the tester's test message never reached the workbench (it is not in the conversation's log): the harness's connection failed")
		}
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
	// 首响时长 counts from pickup (R-KPI-1), so the rehearsed delay does too.
	if err := r.clock.SleepUntil(r.ctx, c.assignedAt.Add(a.habit.ReplyDelay)); err != nil {
		return
	}
	reply := "您好，已收到您的测试消息（订单 " + r.order.ID + "）"
	if err := a.Reply(c.cust.Conv, reply); err != nil {
		st.harness("the simulated agent %s could not send its reply: %v", a.Login, err)
		return
	}
	if err := r.await(st, "the agent's reply on the bot page", func(ctx context.Context) error {
		_, _, err := c.cust.WaitMessage(ctx, 0, "agent", func(t string) bool { return t == reply })
		return err
	}); err != nil {
		if r.inLog(c.cust.Conv, "agent", reply) {
			st.fail("tester receives reply", reply, "nothing on the bot page, though the reply is in the workbench's log: "+err.Error(), "R-RT-5",
				"the reply did not reach the bot page: report to CCO with the trace id")
		} else {
			st.harness("the simulated agent's reply never reached the workbench (it is not in the conversation's log): the harness's connection failed")
		}
		return
	}
	st.ok("tester receives reply", reply, "received on the bot page")
	st.timing("first_response "+c.title, r.clock.Now().Sub(c.assignedAt))
	mark := c.cust.Mark()
	if err := a.CloseChat(c.cust.Conv); err != nil {
		st.harness("the simulated agent %s could not close the chat: %v", a.Login, err)
		return
	}
	if err := r.await(st, "the end of the chat", func(ctx context.Context) error {
		_, _, err := c.cust.WaitState(ctx, mark, string(wb.StateEnded))
		return err
	}); err != nil {
		st.failErr("close", "chat ended", "", err, "R-RT-5", "")
		return
	}
	mark = c.cust.Mark()
	if err := c.cust.Rate(string(wb.RatingVerySatisfied)); err != nil {
		st.failErr("rating", "rated 非常满意", "", err, "R-KPI-1", "")
		return
	}
	var f actors.Frame
	err := r.await(st, "the rating's receipt", func(ctx context.Context) (err error) {
		f, _, err = c.cust.WaitFrame(ctx, mark, func(f actors.Frame) bool { return f.Type == "rated" || f.Type == "error" })
		return err
	})
	if err != nil || f.Type == "error" {
		st.fail("rating", "the workbench records 非常满意", describe(f.Message, err), "R-KPI-1", "")
	}
}

// inLog says whether the workbench's own record of the chat holds a
// message, which is how a lost message is told apart from harness trouble.
func (r *runner) inLog(conv, sender, text string) bool {
	ctx, cancel := context.WithTimeout(r.ctx, r.grace())
	defer cancel()
	var cv actors.Conversation
	if err := r.ops.API(ctx, http.MethodGet, "/api/conversations/"+url.PathEscape(conv), nil, &cv); err != nil {
		return false
	}
	for _, m := range cv.Messages {
		if m.Sender == sender && m.Text == text {
			return true
		}
	}
	return false
}

// waitNoReply is the rehearsed agent who never answers: the tester waits
// the whole timeout and reports it.
func (r *runner) waitNoReply(st *stepRec, c *chat) {
	ctx, cancel := context.WithTimeout(r.ctx, r.opt.wait())
	defer cancel()
	_, _, err := c.cust.WaitMessage(ctx, 0, "agent", nil)
	seen := "no reply within " + r.opt.wait().String()
	if err == nil {
		seen = "a reply"
	}
	st.fail("agent reply", "the agent replies to the test message", seen, "R-RT-5",
		"the agent saw the message but did not reply: agents must answer in X-Space (first response under 30 s, R-KPI-1)")
}
