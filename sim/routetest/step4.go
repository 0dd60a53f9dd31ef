package routetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"routecheck/sim/wire"
	"strings"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

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
		st.failAs("在线客服 quick phrase", "a quick phrase that requests a human", "none on the bot page", FailNoTransferPhrase)
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
	st.about = r.about(c)
	defer func() { st.about = nil }()
	name := "transfer by " + text
	mark := c.cust.Mark()
	c.requested = r.clock.Now()
	c.requestedWB = r.opt.workbenchNow()
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
				return f.Type == wire.TypeState && (f.State == string(wb.StateAssigned) || f.State == string(wb.StateQueued)) ||
					f.Type == wire.TypeMessage && f.Sender == wire.SenderBot && f.Text != wb.BotQueued
			})
			if err == nil {
				f, mark = got, next
			}
			return err
		})
		switch {
		case err != nil:
			st.failErrAs(name, expected, "nothing within "+r.opt.wait().String()+": ", err, FailTransferSilent)
			return false
		case f.Type == wire.TypeMessage:
			r.refused(st, c, name, expected, f.Text)
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
			st.failAs(name, expected, "the chat waited in the queue for "+r.opt.wait().String()+" and no agent freed a place", FailQueueFull)
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
func (r *runner) refused(st *stepRec, c *chat, name, expected, text string) {
	switch {
	case strings.Contains(text, "服务时间"):
		r.refusedOutsideHours(st, c, name, expected, text)
	case strings.Contains(text, "没有人工客服在线"):
		st.failAs(name, expected, "bot: "+text, FailNobodyOnline)
	default:
		st.failAs(name, expected, "bot: "+text, FailNotTransfer)
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
		st.failAs(name, "one of the vendor's agents takes the chat", fmt.Sprintf("assigned to %q, not an agent the route test signed in", login), FailForeignAgent)
		return false
	}
	err := r.await(st, "the assigned chat on "+login+"'s workbench", func(ctx context.Context) error {
		f, err := a.WaitFrame(ctx, func(f actors.Frame) bool { return f.Type == wire.TypeAssigned && f.ConvID() == c.cust.Conv })
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
		st.failAs("welcome", want, "no welcome message", FailNoWelcome)
		return false
	case f.Text != want:
		st.failAs("welcome", want+" ("+rule+")", f.Text, FailWrongWelcome)
		return false
	}
	st.ok("welcome", want+" ("+rule+")", f.Text)
	return true
}
