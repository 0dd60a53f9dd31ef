package workbench_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// TestPickIsBestAgent checks every assignment of a long random run against
// D-ROUTE-1 recomputed from the event log alone by a plain scan: the agent
// chosen is 在线 under 闲鱼BU with a free place, has the fewest open chats,
// then has been idle longest, then has the smallest login. The router keeps
// a heap of eligible agents; this scan is the independent model.
func TestPickIsBestAgent(t *testing.T) {
	cfg := testVendor("v1", "d1")
	cfg.Accounts = cfg.Accounts[:0]
	for i := range 14 {
		a := wb.AccountConfig{Login: fmt.Sprintf("v1-a%02d", i), Name: "客服", Password: "pass-xx-" + fmt.Sprint(i), Role: wb.RoleAgent, Capacity: 1 + i%4}
		if i%5 == 0 {
			a.Tenants = []string{wb.TenantXianyu, "淘宝BU"}
		}
		cfg.Accounts = append(cfg.Accounts, a)
	}
	cfg.Accounts = append(cfg.Accounts, wb.AccountConfig{Login: "v1-ops", Name: "运营", Password: "pass-ops-x", Role: wb.RoleOperations})
	c := clock.NewVirtual(monday10)
	w := wb.New(c, wb.Options{HashCost: bcrypt.MinCost})
	if _, err := w.AddVendor(cfg); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	var open []string
	for step := range 3000 {
		c.Advance(time.Duration(r.IntN(20)) * time.Second)
		login := fmt.Sprintf("v1-a%02d", r.IntN(14))
		switch k := r.IntN(20); {
		case k < 7:
			v, _ := w.Enter("v1", "", "")
			_ = w.CustomerSend(v.ID, wb.TransferText)
			open = append(open, v.ID)
		case k < 12 && len(open) > 0:
			i := r.IntN(len(open))
			if cv, err := w.Conversation(open[i]); err == nil && cv.State == wb.StateAssigned {
				_ = w.AgentClose(cv.Agent, cv.ID)
			} else {
				_ = w.CustomerLeave(open[i])
			}
			open = append(open[:i], open[i+1:]...)
		case k < 16:
			_ = w.SetStatus(login, []wb.Status{wb.StatusOnline, wb.StatusOnline, wb.StatusBreak, wb.StatusOffline}[r.IntN(4)])
		case k < 18:
			_, _ = w.SetCapacity("v1-ops", login, 1+r.IntN(6))
		default:
			_ = w.SwitchTenant(login, []string{wb.TenantXianyu, "淘宝BU"}[r.IntN(2)])
		}
		_ = step
	}
	type agent struct {
		status   wb.Status
		tenant   string
		capacity int
		open     int
		idle     time.Time
	}
	agents := map[string]*agent{}
	owner := map[string]string{}
	assigned := 0
	for _, e := range w.Events(0) {
		switch e.Type {
		case wb.EvAgentAdded:
			agents[e.Agent] = &agent{status: e.Status, tenant: e.Tenant, capacity: e.Capacity}
		case wb.EvAgentStatus:
			a := agents[e.Agent]
			a.status = e.Status
			if e.Status == wb.StatusOnline {
				a.idle = e.At
			}
		case wb.EvTenantSwitched:
			agents[e.Agent].tenant = e.Tenant
		case wb.EvCapacitySet:
			agents[e.Agent].capacity = e.Capacity
		case wb.EvEnded, wb.EvRequeued:
			if who, ok := owner[e.Conv]; ok {
				agents[who].open--
				delete(owner, e.Conv)
			}
		case wb.EvAssigned:
			best := ""
			for login, a := range agents {
				if a.status != wb.StatusOnline || a.tenant != wb.TenantXianyu || a.open >= a.capacity {
					continue
				}
				if b := agents[best]; best == "" || a.open < b.open ||
					(a.open == b.open && (a.idle.Before(b.idle) || (a.idle.Equal(b.idle) && login < best))) {
					best = login
				}
			}
			if e.Agent != best {
				t.Fatalf("event #%d: %s went to %s, but D-ROUTE-1 picks %s (%+v vs %+v)", e.Seq, e.Conv, e.Agent, best, *agents[e.Agent], *agents[best])
			}
			a := agents[e.Agent]
			a.open++
			a.idle = e.At
			owner[e.Conv] = e.Agent
			assigned++
		}
	}
	if assigned < 500 {
		t.Fatalf("only %d assignments: the run exercised too little", assigned)
	}
}
