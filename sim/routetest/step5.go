package routetest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"routecheck/sim/clock"
	"routecheck/sim/wire"
	"sync"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// step5: in each test chat the agent sees the test message with the test
// order and replies; the tester receives the reply; the chat is closed and
// rated (R-RT-5). The chats run side by side, as an agent handles them, each
// with its own waits; a chat that queued behind another (places short)
// starts when that one has ended and freed its place.
func (r *runner) step5(st *stepRec) {
	chats := r.chats[len(r.chats)-2:]
	recs := make([]*stepRec, len(chats))
	ended := make([]chan struct{}, len(chats))
	for i, c := range chats {
		recs[i], ended[i] = &stepRec{about: r.about(c)}, make(chan struct{})
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
		st.failAs(name, "the place freed by the first test chat goes to this chat", "still queued "+r.opt.wait().String()+" after the first chat ended", FailDeferredStuck)
		return false
	}
	return r.assigned(st, c, name, f)
}

// exchange is one chat's step 5: test message, the agent's reply at the
// rehearsed delay after this chat's own pickup, close and rating.
func (r *runner) exchange(st *stepRec, c *chat, n int) {
	msg := TestMessage(r.order.ID, r.rep.TraceID, n)
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
			st.failAs("agent sees test message", msg, "nothing on "+a.Login+"'s workbench: "+err.Error(), FailAgentNoMessage)
		} else {
			st.harness("the tester's test message never reached the workbench (it is not in the conversation's log): the harness's connection failed")
		}
		return
	}
	if c.conv.Order != r.order.ID {
		st.failAs("agent sees test order", r.order.ID, c.conv.Order, FailNoOrder)
		return
	}
	st.ok("agent sees test message", msg+" with order "+r.order.ID, a.Login+" received it")
	if !a.habit.Replies {
		r.waitNoReply(st, c)
		return
	}
	// 首响时长 counts from pickup (R-KPI-1), so the rehearsed delay does too.
	due := c.assignedAt.Add(a.habit.ReplyDelay)
	what := r.agentName(a) + "'s reply"
	if a.habit.ReplyDelay > 0 {
		what += fmt.Sprintf(" (rehearsed %s after pickup)", a.habit.ReplyDelay)
	}
	waited := r.opt.waitingFor(what, max(due.Sub(r.clock.Now()), 0))
	err := clock.SleepUntil(r.ctx, r.clock, due)
	waited()
	if err != nil {
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
			st.failAs("tester receives reply", reply, "nothing on the bot page, though the reply is in the workbench's log: "+err.Error(), FailReplyLost)
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
	err = r.await(st, "the rating's receipt", func(ctx context.Context) (err error) {
		f, _, err = c.cust.WaitFrame(ctx, mark, func(f actors.Frame) bool { return f.Type == wire.TypeRated || f.Type == wire.TypeError })
		return err
	})
	if err != nil || f.Type == wire.TypeError {
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
	waited := r.opt.waiting(r.agentName(c.agent) + "'s reply")
	_, _, err := c.cust.WaitMessage(ctx, 0, "agent", nil)
	waited()
	seen := "no reply within " + r.opt.wait().String()
	if err == nil {
		seen = "a reply"
	}
	st.failAs("agent reply", "the agent replies to the test message", seen, FailNoReply)
}

// agentName is how the tester knows the agent: the account's display name,
// else its login.
func (r *runner) agentName(a *agentActor) string {
	if acc, ok := r.cfg.Account(a.Login); ok && acc.Name != "" {
		return acc.Name
	}
	return a.Login
}
