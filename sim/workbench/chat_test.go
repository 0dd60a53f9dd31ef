package workbench_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	wb "routecheck/sim/workbench"
)

// R-RT-3, R-VEN-2: the bot answers second-level FAQ questions and quick
// phrases, lists a topic's questions, and falls back to a hint.
func TestBotAnswers(t *testing.T) {
	h := newHarness(t)
	c, err := h.wb.Enter("v1", "", "")
	h.must(err)
	if c.Messages[0].Sender != wb.SenderBot || c.Messages[0].Text != "您好，我是小蜜" {
		t.Fatalf("greeting %+v", c.Messages)
	}
	cases := []struct{ say, want string }{
		{"闲鱼回收和寄卖有什么区别?", "回收是直接卖给服务商，寄卖是代卖。"},
		{"售后地址", "杭州市余杭区文一西路969号"},
		{"回收", "1. 闲鱼回收和寄卖有什么区别?\n2. 多久到账?"},
		{"今天天气如何", wb.BotFallback},
	}
	for _, tc := range cases {
		h.must(h.wb.CustomerSend(c.ID, tc.say))
		if got := h.lastMessage(c.ID); got.Sender != wb.SenderBot || got.Text != tc.want {
			t.Errorf("%q: bot said %q, want %q", tc.say, got.Text, tc.want)
		}
	}
	h.must(h.wb.PressButton(c.ID, "客服热线"))
	if got := h.lastMessage(c.ID).Text; got != "热线电话：400-111-2222" {
		t.Errorf("hotline button: %q", got)
	}
	wantErr(t, h.wb.PressButton(c.ID, "不存在"), wb.ErrNotFound, "R-VEN-2")
	if n := len(h.events(wb.EvTransferRequest)); n != 0 {
		t.Fatalf("%d transfer requests from FAQ traffic", n)
	}
}

// R-RT-4: 转人工 by text, the 在线客服 quick phrase and the card button each
// request a human, and each is a service request.
func TestTransferThreeWays(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1", "v1-a2")
	byText := h.transfer()
	byPhrase, _ := h.wb.Enter("v1", "", "")
	h.must(h.wb.CustomerSend(byPhrase.ID, wb.OnlineAgentLabel))
	byButton, _ := h.wb.Enter("v1", "", "")
	h.must(h.wb.PressButton(byButton.ID, "在线客服"))
	for _, id := range []string{byText, byPhrase.ID, byButton.ID} {
		if h.conv(id).State != wb.StateAssigned {
			t.Errorf("%s not with a human", id)
		}
	}
	var via []string
	for _, e := range h.events(wb.EvTransferRequest) {
		via = append(via, e.Reason)
	}
	if strings.Join(via, ",") != "text,quick_phrase,card_button" {
		t.Fatalf("transfer via %v", via)
	}
}

// R-WEL-1: the skill group's welcome beats the agent's own; without one the
// agent's is used; either way it is a system message.
func TestWelcomePrecedence(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a2") // has a personal welcome "我是客服二"
	id := h.transfer()
	if m := h.lastMessage(id); m.Text != "您好，欢迎咨询v1" || m.Sender != wb.SenderSystem {
		t.Fatalf("welcome %+v, want the skill group's as system", m)
	}
	h.must(h.wb.SetGroupWelcome("v1-admin", "d1", "", ""))
	id = h.transfer()
	if m := h.lastMessage(id); m.Text != "我是客服二" || m.Sender != wb.SenderSystem {
		t.Fatalf("welcome %+v, want the agent's own", m)
	}
	wantErr(t, h.wb.SetGroupWelcome("v1-a1", "d1", "x", ""), wb.ErrForbidden, "R-WEL-1")
	h.must(h.wb.SetPersonalWelcome("v1-a2", "新的欢迎语", "再见"))
	id = h.transfer()
	if m := h.lastMessage(id); m.Text != "新的欢迎语" {
		t.Fatalf("welcome %q", m.Text)
	}
}

// R-RT-5, R-RT-1, R-KPI-1: the agent sees the test order, replies; the
// welcome does not count; the first reply does.
func TestFirstResponseExcludesWelcome(t *testing.T) {
	h := newHarness(t)
	cust, err := h.wb.CreateTestCustomer("v1-ops", "测试买家")
	h.must(err)
	order, err := h.wb.CreateTestOrder("v1-ops", cust.ID, "iPhone 回收")
	h.must(err)
	h.online("v1-a1")
	c, err := h.wb.Enter("v1", cust.ID, order.ID)
	h.must(err)
	h.must(h.wb.CustomerSend(c.ID, wb.TransferText))
	h.clock.Advance(2 * time.Second)
	h.must(h.wb.CustomerSend(c.ID, "测试消息 订单 "+order.ID))
	seen, err := h.wb.ConversationFor("v1-a1", c.ID)
	h.must(err)
	if seen.Order != order.ID || !seen.Test || seen.Messages[len(seen.Messages)-1].Text != "测试消息 订单 "+order.ID {
		t.Fatalf("agent sees %+v", seen)
	}
	if len(h.events(wb.EvFirstResponse)) != 0 {
		t.Fatal("the welcome must not count as a first response")
	}
	h.clock.Advance(5 * time.Second)
	h.must(h.wb.AgentSend("v1-a1", c.ID, "您好，已收到"))
	h.clock.Advance(5 * time.Second)
	h.must(h.wb.AgentSend("v1-a1", c.ID, "还有别的问题吗"))
	fr := h.events(wb.EvFirstResponse)
	if len(fr) != 1 {
		t.Fatalf("%d first responses, want 1", len(fr))
	}
	k := wb.ComputeKPIs(h.wb.Events(0), wb.KPIFilter{Traffic: wb.TrafficTest})
	if k.FirstResponseS != 7 || k.Responded != 1 || k.PickedUp != 1 {
		t.Fatalf("KPIs %+v, want first response 7 s", k)
	}
}

// R-RT-1: only operations make test accounts and orders.
func TestTestAccountsByOperationsOnly(t *testing.T) {
	h := newHarness(t)
	_, err := h.wb.CreateTestCustomer("v1-a1", "x")
	wantErr(t, err, wb.ErrForbidden, "R-RT-1")
	live, _ := h.wb.Enter("v1", "", "")
	_, err = h.wb.CreateTestOrder("v1-ops", live.Customer, "x")
	wantErr(t, err, wb.ErrInvalid, "R-RT-1")
	cust, _ := h.wb.CreateTestCustomer("v1-ops", "")
	other, _ := h.wb.CreateTestCustomer("v1-ops", "")
	order, _ := h.wb.CreateTestOrder("v1-ops", other.ID, "x")
	_, err = h.wb.Enter("v1", cust.ID, order.ID)
	wantErr(t, err, wb.ErrNotFound, "R-RT-1")
}

// R-IDLE-1 to the millisecond on the virtual clock: the agent's message
// starts the customer's five minutes; the warning comes at 4:00 with the
// exact text; a customer message at 4:59.999 keeps the chat.
func TestIdleTimeoutCustomerMessageJustInTime(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	id := h.transfer()
	h.must(h.wb.AgentSend("v1-a1", id, "请问有什么可以帮您"))
	h.clock.Advance(4*time.Minute - time.Millisecond)
	if len(h.events(wb.EvIdleWarning)) != 0 {
		t.Fatal("warned before 4:00")
	}
	h.clock.Advance(time.Millisecond)
	if m := h.lastMessage(id); m.Text != wb.IdleWarningText || m.Sender != wb.SenderSystem {
		t.Fatalf("at 4:00 want the exact warning, got %+v", m)
	}
	h.clock.Advance(59*time.Second + 999*time.Millisecond) // 4:59.999
	h.must(h.wb.CustomerSend(id, "还在"))
	h.clock.Advance(time.Millisecond) // 5:00.000
	if h.conv(id).State != wb.StateAssigned {
		t.Fatal("a message at 4:59.999 must keep the chat")
	}
	h.clock.Advance(time.Hour)
	if h.conv(id).State != wb.StateAssigned {
		t.Fatal("agent silence must never end a chat")
	}
}

// R-IDLE-1: with no customer message the chat ends at exactly 5:00.000.
func TestIdleTimeoutEndsAtFiveMinutes(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	id := h.transfer()
	h.clock.Advance(30 * time.Second)
	h.must(h.wb.AgentSend("v1-a1", id, "在吗"))
	h.clock.Advance(time.Minute)
	h.must(h.wb.AgentSend("v1-a1", id, "还在吗")) // more agent messages do not restart the count
	h.clock.Advance(4*time.Minute - time.Millisecond)
	if h.conv(id).State != wb.StateAssigned {
		t.Fatal("ended before 5:00")
	}
	h.clock.Advance(time.Millisecond)
	c := h.conv(id)
	if c.State != wb.StateEnded || c.EndReason != wb.ReasonIdleTimeout || !c.EndedAt.Equal(monday10.Add(30*time.Second+5*time.Minute)) {
		t.Fatalf("state %s reason %s at %v; want idle timeout at 5:30", c.State, c.EndReason, c.EndedAt)
	}
	if m := c.Messages[len(c.Messages)-1]; m.Text != "感谢您的咨询，再见" || m.Sender != wb.SenderSystem {
		t.Fatalf("closing message %+v", m)
	}
	a, _ := h.wb.Account("v1-a1")
	if a.Load != 0 {
		t.Fatal("the ended chat should free capacity")
	}
}

// R-NTF-1: new message, new user online and user offline notifications
// follow the agent's desktop and sound switches; both off, none.
func TestNotificationsHonourSettings(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	id := h.transfer()
	h.must(h.wb.CustomerSend(id, "你好"))
	h.must(h.wb.SetNotify("v1-a1", false, true))
	h.must(h.wb.CustomerSend(id, "在吗"))
	h.must(h.wb.SetNotify("v1-a1", false, false))
	h.must(h.wb.CustomerSend(id, "人呢"))
	h.must(h.wb.SetNotify("v1-a1", true, false))
	h.must(h.wb.CustomerLeave(id))
	var got []string
	for _, e := range h.events(wb.EvNotification) {
		got = append(got, e.Reason+"/"+flag(e.Desktop)+strings.Replace(flag(e.Sound), "D", "S", 1))
	}
	want := "user_online/DS,new_message/DS,new_message/-S,user_offline/D-"
	if strings.Join(got, ",") != want {
		t.Fatalf("notifications %v, want %s", got, want)
	}
}

func flag(b bool) string {
	if b {
		return "D"
	}
	return "-"
}

// Ratings after the end: once, only for chats a human served (R-KPI-1).
func TestRatings(t *testing.T) {
	h := newHarness(t)
	h.online("v1-a1")
	id := h.transfer()
	wantErr(t, h.wb.Rate(id, wb.RatingSatisfied), wb.ErrConflict, "R-KPI-1")
	h.must(h.wb.AgentClose("v1-a1", id))
	wantErr(t, h.wb.Rate(id, "很好"), wb.ErrInvalid, "R-KPI-1")
	h.must(h.wb.Rate(id, wb.RatingVerySatisfied))
	wantErr(t, h.wb.Rate(id, wb.RatingSatisfied), wb.ErrConflict, "R-KPI-1")
	bot, _ := h.wb.Enter("v1", "", "")
	h.must(h.wb.CustomerLeave(bot.ID))
	wantErr(t, h.wb.Rate(bot.ID, wb.RatingSatisfied), wb.ErrConflict, "R-KPI-1")
}

// R-QR-1: 常用语 are per agent: add, delete, bulk import.
func TestQuickReplies(t *testing.T) {
	h := newHarness(t)
	r, err := h.wb.AddQuickReply("v1-a1", "您好，请问有什么可以帮您？")
	h.must(err)
	_, err = h.wb.AddQuickReply("v1-a1", "您好，请问有什么可以帮您？")
	wantErr(t, err, wb.ErrConflict, "R-QR-1")
	_, err = h.wb.AddQuickReply("v1-a1", "  ")
	wantErr(t, err, wb.ErrInvalid, "R-QR-1")
	n, err := h.wb.ImportQuickReplies("v1-a1", []string{"请稍等", "", "您好，请问有什么可以帮您？", "请稍等", "感谢耐心等待"})
	if err != nil || n != 2 {
		t.Fatalf("imported %d, %v; want 2 (blank and duplicates skipped)", n, err)
	}
	h.must(h.wb.DeleteQuickReply("v1-a1", r.ID))
	wantErr(t, h.wb.DeleteQuickReply("v1-a1", r.ID), wb.ErrNotFound, "")
	got, _ := h.wb.QuickReplies("v1-a1")
	if len(got) != 2 || got[0].Text != "请稍等" || got[1].Text != "感谢耐心等待" {
		t.Fatalf("quick replies %+v", got)
	}
	if other, _ := h.wb.QuickReplies("v1-a2"); len(other) != 0 {
		t.Fatal("quick replies are per agent")
	}
	many := make([]string, wb.MaxQuickReplies)
	for i := range many {
		many[i] = "常用语" + strings.Repeat("x", i)
	}
	_, err = h.wb.ImportQuickReplies("v1-a1", many)
	wantErr(t, err, wb.ErrInvalid, "R-QR-1")
	if got, _ := h.wb.QuickReplies("v1-a1"); len(got) != 2 {
		t.Fatal("a refused import must add nothing")
	}
}

// R-WB-1, R-VEN-3: passwords are checked against a hash.
func TestLogin(t *testing.T) {
	h := newHarness(t)
	a, err := h.wb.Login("v1-a1", "pass-a1-xx")
	if err != nil || a.Role != wb.RoleAgent || a.Department != "d1" || a.Capacity != wb.DefaultCapacity || a.Status != wb.StatusOffline {
		t.Fatalf("login: %+v %v", a, err)
	}
	_, err = h.wb.Login("v1-a1", "wrong")
	wantErr(t, err, wb.ErrBadCredentials, "")
	_, err = h.wb.Login("nobody", "pass-a1-xx")
	wantErr(t, err, wb.ErrBadCredentials, "")
}

// R-VEN-2, R-VEN-3: AddVendor enforces the bot page limits.
func TestAddVendorLimits(t *testing.T) {
	h := newHarness(t)
	bad := testVendor("v2", "d2")
	bad.BotPage.CardButtons = append(bad.BotPage.CardButtons, bad.BotPage.CardButtons...)
	bad.BotPage.CardButtons = append(bad.BotPage.CardButtons, wb.CardButton{Label: "x", Kind: wb.ButtonLink})
	_, err := h.wb.AddVendor(bad)
	wantErr(t, err, wb.ErrInvalid, "R-VEN-2")
	dup := testVendor("v3", "d1")
	_, err = h.wb.AddVendor(dup)
	wantErr(t, err, wb.ErrConflict, "R-VEN-3")
	big := testVendor("v4", "d4")
	big.Accounts[0].Capacity = 7
	warn, err := h.wb.AddVendor(big)
	if err != nil || len(warn) != 1 || !strings.Contains(warn[0], "R-CAP-1") {
		t.Fatalf("capacity 7: %v %v", warn, err)
	}
}

// R-VEN-2: the bot page is what was configured; a caller changing its own
// copy of the configuration afterwards changes nothing live.
func TestAddVendorCopiesConfig(t *testing.T) {
	h := newHarness(t)
	cfg := testVendor("v9", "d9")
	if _, err := h.wb.AddVendor(cfg); err != nil {
		t.Fatal(err)
	}
	cfg.BotPage.CardButtons[0].Label = "changed"
	cfg.BotPage.FAQ[0].Questions[0].Answer = "changed"
	cfg.Accounts[2].Tenants[0] = "changed"
	v, err := h.wb.Vendor("v9")
	if err != nil {
		t.Fatal(err)
	}
	if v.BotPage.CardButtons[0].Label == "changed" || v.BotPage.FAQ[0].Questions[0].Answer == "changed" {
		t.Fatalf("bot page follows the caller's copy: %+v", v.BotPage)
	}
	if acc, _ := h.wb.Account("v9-a3"); slices.Contains(acc.Tenants, "changed") {
		t.Fatalf("tenants follow the caller's copy: %v", acc.Tenants)
	}
}
