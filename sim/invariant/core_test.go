package invariant_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

func coreVendor() wb.VendorConfig {
	loc := time.FixedZone("CST", 8*3600)
	return wb.VendorConfig{
		ID: "v1", Name: "测试服务商", BusinessLine: "闲鱼小程序", Hotline: "400-000-0000", Department: "d1",
		WorkHours: wb.WorkHours{Location: loc, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, From: 0, To: 24 * time.Hour},
		BotPage: wb.BotPage{RobotName: "小蜜", CardButtons: []wb.CardButton{{Label: "在线客服", Kind: wb.ButtonOnlineAgent}},
			QuickPhrases: []wb.QuickPhrase{{Text: wb.OnlineAgentLabel, Transfer: true}}},
		Welcome: "欢迎", Closing: "再见",
		Accounts: []wb.AccountConfig{
			{Login: "a1", Password: "pass-a1-xx", Role: wb.RoleAgent},
			{Login: "a2", Password: "pass-a2-xx", Role: wb.RoleAgent},
			{Login: "a3", Password: "pass-a3-xx", Role: wb.RoleAgent, Tenants: []string{wb.TenantXianyu, "淘宝BU"}},
			{Login: "ops", Password: "pass-ops-x", Role: wb.RoleOperations},
		},
	}
}

// The model agrees with the core: random traffic on the real workbench
// (statuses, tenants, capacity, transfers, replies, leaving, idle timeouts)
// gives a clean log, and the streaming checker fed by OnEvent says the same
// as Check over the whole log. A false alarm here would mean the model
// states a rule the core does not have.
func TestRandomCoreTrafficIsClean(t *testing.T) {
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 7))
		stream := invariant.New()
		vc := clock.NewVirtual(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
		w := wb.New(vc, wb.Options{HashCost: bcrypt.MinCost, OnEvent: stream.Observe})
		if _, err := w.AddVendor(coreVendor()); err != nil {
			t.Fatal(err)
		}
		agents := []string{"a1", "a2", "a3"}
		statuses := []wb.Status{wb.StatusOnline, wb.StatusOnline, wb.StatusBreak, wb.StatusOffline}
		var convs []string
		for range 600 {
			a := agents[rng.IntN(len(agents))]
			switch rng.IntN(10) {
			case 0, 1:
				_ = w.SetStatus(a, statuses[rng.IntN(len(statuses))])
			case 2:
				_ = w.SwitchTenant("a3", []string{wb.TenantXianyu, "淘宝BU"}[rng.IntN(2)])
			case 3:
				_, _ = w.SetCapacity("ops", a, 1+rng.IntN(4))
			case 4, 5:
				c, err := w.Enter("v1", "", "")
				if err == nil {
					_ = w.CustomerSend(c.ID, wb.TransferText)
					convs = append(convs, c.ID)
				}
			case 6:
				if open, _ := w.AgentConversations(a); len(open) > 0 {
					c := open[rng.IntN(len(open))]
					_ = w.AgentSend(a, c.ID, "您好")
					if rng.IntN(3) == 0 {
						_ = w.AgentClose(a, c.ID)
					}
				}
			case 7:
				if len(convs) > 0 {
					_ = w.CustomerSend(convs[rng.IntN(len(convs))], "在吗")
				}
			case 8:
				if len(convs) > 0 {
					_ = w.CustomerLeave(convs[rng.IntN(len(convs))])
				}
			case 9:
				vc.Advance(time.Duration(rng.IntN(400)) * time.Second)
			}
		}
		all := invariant.Check(w.Events(0))
		if len(all) != 0 {
			t.Fatalf("seed %d: the core broke an invariant, or the model is wrong: %v", seed, all[0])
		}
		if v := stream.Violations(); len(v) != 0 {
			t.Fatalf("seed %d: streaming checker disagrees with Check: %v", seed, v[0])
		}
	}
}
