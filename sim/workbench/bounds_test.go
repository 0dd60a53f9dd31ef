package workbench_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// Test customers and orders (R-RT-1) are bounded in text and in number: a
// name or item too long is refused; past MaxTestCustomers and
// MaxTestOrders the oldest are forgotten, and a chat already open keeps
// its own.
func TestTestAccountsBounded(t *testing.T) {
	h := newHarness(t)
	_, err := h.wb.CreateTestCustomer("v1-ops", strings.Repeat("名", wb.MaxCustomerNameLen+1))
	wantErr(t, err, wb.ErrInvalid, "R-RT-1")
	first, err := h.wb.CreateTestCustomer("v1-ops", strings.Repeat("名", wb.MaxCustomerNameLen))
	h.must(err)
	_, err = h.wb.CreateTestOrder("v1-ops", first.ID, strings.Repeat("物", wb.MaxOrderItemLen+1))
	wantErr(t, err, wb.ErrInvalid, "R-RT-1")
	order, err := h.wb.CreateTestOrder("v1-ops", first.ID, "iPhone")
	h.must(err)
	chat, err := h.wb.Enter("v1", first.ID, order.ID)
	h.must(err)
	for range wb.MaxTestCustomers {
		c, err := h.wb.CreateTestCustomer("v1-ops", "测试")
		h.must(err)
		_, err = h.wb.CreateTestOrder("v1-ops", c.ID, "x")
		h.must(err)
	}
	if _, err := h.wb.Customer(first.ID); !errors.Is(err, wb.ErrNotFound) {
		t.Errorf("the oldest test customer past the bound: %v, want forgotten", err)
	}
	if _, err := h.wb.Order(order.ID); !errors.Is(err, wb.ErrNotFound) {
		t.Errorf("the oldest test order past the bound: %v, want forgotten", err)
	}
	if v := h.conv(chat.ID); v.Customer != first.ID || v.OrderItem != "iPhone" {
		t.Errorf("the open chat of a forgotten test customer: %+v", v)
	}
	// The newest are all kept.
	if _, err := h.wb.Customer("u" + strconv.Itoa(wb.MaxTestCustomers+1)); err != nil {
		t.Errorf("the newest test customer: %v", err)
	}
}

// A skill group's welcome and closing are as bounded as a reply: they are
// stored in every chat the group's agents take (R-WEL-1).
func TestGroupWelcomeBounded(t *testing.T) {
	h := newHarness(t)
	err := h.wb.SetGroupWelcome("v1-ops", "d1", strings.Repeat("欢", wb.MaxTextLen+1), "")
	wantErr(t, err, wb.ErrInvalid, "R-WEL-1")
	h.must(h.wb.SetGroupWelcome("v1-ops", "d1", strings.Repeat("欢", wb.MaxTextLen), ""))
}

// Service Insight comes from running aggregates, not from the event log
// the workbench keeps: with a log of 20 events, rated chats far behind it
// are still in the figures (R-KPI-2).
func TestInsightIndependentOfLogLimit(t *testing.T) {
	c := clock.NewVirtual(monday10)
	w := wb.New(c, wb.Options{HashCost: bcrypt.MinCost, LogLimit: 20})
	if _, err := w.AddVendor(testVendor("v1", "d1")); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.SetStatus("v1-a1", wb.StatusOnline))
	for range 3 {
		v, err := w.Enter("v1", "", "")
		must(err)
		must(w.CustomerSend(v.ID, wb.TransferText))
		must(w.AgentSend("v1-a1", v.ID, "您好"))
		must(w.AgentClose("v1-a1", v.ID))
		must(w.Rate(v.ID, wb.RatingSatisfied))
	}
	for range 50 {
		v, err := w.Enter("v1", "", "")
		must(err)
		must(w.CustomerSend(v.ID, "多久到账?"))
	}
	if w.FirstSeq() < 100 {
		t.Fatalf("the log still holds seq %d: the traffic was too little to push the chats out", w.FirstSeq())
	}
	in, err := w.ServiceInsight("v1-admin", "d1", time.Time{}, time.Time{})
	must(err)
	if k := in.Assessed; k.ServiceRequests != 3 || k.PickedUp != 3 || k.Responded != 3 || k.Ratings != 3 || k.Satisfied != 3 {
		t.Fatalf("R-KPI-2: figures of chats past the log's limit: %+v", k)
	}
}

// D-ACL-2: operations accounts act for the vendor whose onboarding data
// lists them: on a workbench of two vendors, v2's operations cannot read
// v1's chats or figures, change its agents' capacity or welcome, use its
// test customers, or sign entries to its bot page.
func TestOperationsScopedToTheirVendor(t *testing.T) {
	h := newHarness(t)
	if _, err := h.wb.AddVendor(testVendor("v2", "d2")); err != nil {
		t.Fatal(err)
	}
	h.online("v1-a1")
	id := h.transfer()
	cust, err := h.wb.CreateTestCustomer("v1-ops", "测试")
	h.must(err)
	_, err = h.wb.ConversationFor("v2-ops", id)
	wantErr(t, err, wb.ErrForbidden, "R-KPI-2")
	_, err = h.wb.ServiceInsight("v2-ops", "d1", time.Time{}, time.Time{})
	wantErr(t, err, wb.ErrForbidden, "R-KPI-2")
	_, err = h.wb.SetCapacity("v2-ops", "v1-a1", 4)
	wantErr(t, err, wb.ErrForbidden, "R-CAP-1")
	wantErr(t, h.wb.SetGroupWelcome("v2-ops", "d1", "x", "y"), wb.ErrForbidden, "R-WEL-1")
	_, err = h.wb.CreateTestOrder("v2-ops", cust.ID, "x")
	wantErr(t, err, wb.ErrNotFound, "")
	wantErr(t, h.wb.CheckEntry("v2-ops", "v1", "", ""), wb.ErrForbidden, "R-RT-3")
	wantErr(t, h.wb.CheckEntry("v2-ops", "v2", cust.ID, ""), wb.ErrNotFound, "R-RT-1")
	_, err = h.wb.Enter("v2", cust.ID, "")
	wantErr(t, err, wb.ErrNotFound, "R-RT-1")
	// Their own vendor, as before.
	h.must(h.wb.CheckEntry("v1-ops", "v1", cust.ID, ""))
	if _, err := h.wb.ConversationFor("v1-ops", id); err != nil {
		t.Fatal(err)
	}
	if _, err := h.wb.SetCapacity("v1-ops", "v1-a1", 4); err != nil {
		t.Fatal(err)
	}
}

// R-WEL-1, D-ACL-2, D-UI-2: the skill group's 首问机器人 is read and changed
// by the vendor's own operations or the department's admin, nobody else;
// an update changes only the fields it names.
func TestGroupWelcomeAccess(t *testing.T) {
	h := newHarness(t)
	if _, err := h.wb.AddVendor(testVendor("v2", "d2")); err != nil {
		t.Fatal(err)
	}
	h.must(h.wb.SetGroupWelcome("v1-ops", "d1", "欢迎", "再见"))
	for _, by := range []string{"v1-ops", "v1-admin"} {
		v, err := h.wb.GroupWelcome(by, "d1")
		if err != nil || v.Welcome != "欢迎" || v.Closing != "再见" || v.Department != "d1" {
			t.Errorf("%s reads %+v, %v", by, v, err)
		}
	}
	for _, by := range []string{"v2-ops", "v2-admin", "v1-a1", "nobody"} {
		_, err := h.wb.GroupWelcome(by, "d1")
		wantErr(t, err, wb.ErrForbidden, "R-WEL-1")
		wantErr(t, h.wb.UpdateGroupWelcome(by, "d1", nil, nil), wb.ErrForbidden, "R-WEL-1")
	}
	_, err := h.wb.GroupWelcome("v1-ops", "d9")
	wantErr(t, err, wb.ErrNotFound, "")
	closing := "下次见"
	h.must(h.wb.UpdateGroupWelcome("v1-admin", "d1", nil, &closing))
	if v, _ := h.wb.GroupWelcome("v1-ops", "d1"); v.Welcome != "欢迎" || v.Closing != "下次见" {
		t.Errorf("an update of the closing alone left %+v", v)
	}
	welcome := "你好"
	h.must(h.wb.UpdateGroupWelcome("v1-ops", "d1", &welcome, nil))
	if v, _ := h.wb.GroupWelcome("v1-ops", "d1"); v.Welcome != "你好" || v.Closing != "下次见" {
		t.Errorf("an update of the welcome alone left %+v", v)
	}
}
