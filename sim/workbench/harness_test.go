package workbench_test

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// monday10 is a Monday, 10:00 in Shanghai: inside the test vendor's hours.
var monday10 = time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)

func testVendor(id, dept string) wb.VendorConfig {
	return wb.VendorConfig{
		ID: id, Name: "测试服务商 " + id, BusinessLine: "闲鱼小程序", Hotline: "400-000-0000", Department: dept,
		WorkHours: wb.WorkHours{Location: shanghai, Days: []time.Weekday{1, 2, 3, 4, 5}, From: 9 * time.Hour, To: 18 * time.Hour},
		BotPage: wb.BotPage{
			RobotName: "小蜜", Greeting: "您好，我是小蜜",
			CardButtons: []wb.CardButton{
				{Label: "客服热线", Kind: wb.ButtonHotline, Value: "400-111-2222"},
				{Label: "在线客服", Kind: wb.ButtonOnlineAgent},
			},
			FAQ: []wb.FAQTopic{{Title: "回收", Questions: []wb.FAQItem{
				{Question: "闲鱼回收和寄卖有什么区别?", Answer: "回收是直接卖给服务商，寄卖是代卖。"},
				{Question: "多久到账?", Answer: "验货后24小时内到账。"},
			}}},
			QuickPhrases: []wb.QuickPhrase{
				{Text: "售后地址", Answer: "杭州市余杭区文一西路969号"},
				{Text: wb.OnlineAgentLabel, Transfer: true},
			},
		},
		Welcome: "您好，欢迎咨询" + id,
		Closing: "感谢您的咨询，再见",
		Accounts: []wb.AccountConfig{
			{Login: id + "-a1", Name: "客服一", Password: "pass-a1-xx", Role: wb.RoleAgent},
			{Login: id + "-a2", Name: "客服二", Password: "pass-a2-xx", Role: wb.RoleAgent, Welcome: "我是客服二"},
			{Login: id + "-a3", Name: "客服三", Password: "pass-a3-xx", Role: wb.RoleAgent, Tenant: "淘宝BU", Tenants: []string{"淘宝BU", wb.TenantXianyu}},
			{Login: id + "-admin", Name: "部门管理员", Password: "pass-admin", Role: wb.RoleDeptAdmin},
			{Login: id + "-ops", Name: "运营", Password: "pass-ops-x", Role: wb.RoleOperations},
		},
	}
}

type harness struct {
	t     *testing.T
	clock *clock.Virtual
	wb    *wb.Workbench
}

// newHarness builds a workbench with vendor "v1" (department "d1") on a
// virtual clock at monday10. At the end of the test the routing invariants
// must hold over its whole event log.
func newHarness(t *testing.T) *harness {
	t.Helper()
	c := clock.NewVirtual(monday10)
	h := &harness{t: t, clock: c, wb: wb.New(c, wb.Options{HashCost: bcrypt.MinCost})}
	if _, err := h.wb.AddVendor(testVendor("v1", "d1")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, v := range invariant.Check(h.wb.Events(0)) {
			t.Errorf("invariant violated: %s", v)
		}
	})
	return h
}

func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) online(logins ...string) {
	h.t.Helper()
	for _, l := range logins {
		h.must(h.wb.SetStatus(l, wb.StatusOnline))
	}
}

// enter opens a chat and requests a human with the text 转人工.
func (h *harness) transfer() string {
	h.t.Helper()
	c, err := h.wb.Enter("v1", "", "")
	h.must(err)
	h.must(h.wb.CustomerSend(c.ID, wb.TransferText))
	return c.ID
}

func (h *harness) conv(id string) wb.ConvView {
	h.t.Helper()
	c, err := h.wb.Conversation(id)
	h.must(err)
	return c
}

func (h *harness) events(t wb.EventType) []wb.Event {
	var out []wb.Event
	for _, e := range h.wb.Events(0) {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}

func (h *harness) lastMessage(id string) wb.Message {
	m := h.conv(id).Messages
	return m[len(m)-1]
}

func wantErr(t *testing.T, err error, target error, rule string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
	var re *wb.RuleError
	if rule != "" && (!errors.As(err, &re) || re.Rule != rule) {
		t.Fatalf("error %v does not name %s", err, rule)
	}
}
