package server

import (
	"runtime"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

func benchVendor() wb.VendorConfig {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return wb.VendorConfig{
		ID: "b", Name: "服务商", BusinessLine: "闲鱼小程序", Hotline: "400-000-0000", Department: "部门",
		WorkHours: wb.WorkHours{Location: loc, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, From: 0, To: 24 * time.Hour},
		BotPage: wb.BotPage{RobotName: "小蜜", Greeting: "您好",
			CardButtons:  []wb.CardButton{{Label: "热线", Kind: wb.ButtonHotline, Value: "400-1"}},
			QuickPhrases: []wb.QuickPhrase{{Text: wb.OnlineAgentLabel, Transfer: true}}},
		Welcome: "欢迎", Closing: "再见",
		Accounts: []wb.AccountConfig{{Login: "b-a1", Password: "secret-pass", Role: wb.RoleAgent}},
	}
}

// heapAfter runs n whole chats (enter, 转人工, a reply each way, closed by
// the agent, rated) through the server's locked path, as the socket
// handlers do, and returns the live heap after a GC.
func heapAfter(b *testing.B, n int) uint64 {
	c := clock.NewVirtual(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	s := New(Options{Clock: c, HashCost: bcrypt.MinCost})
	if _, err := s.AddVendor(benchVendor()); err != nil {
		b.Fatal(err)
	}
	s.mu.Lock()
	_ = s.core.SetStatus("b-a1", wb.StatusOnline)
	s.unlock()
	for range n {
		s.mu.Lock()
		v, err := s.core.Enter("b", "", "")
		if err != nil {
			b.Fatal(err)
		}
		_ = s.core.CustomerSend(v.ID, wb.TransferText)
		_ = s.core.CustomerSend(v.ID, "你好，我的回收款还没到账")
		_ = s.core.AgentSend("b-a1", v.ID, "您好，请提供订单号，我帮您查询")
		_ = s.core.AgentClose("b-a1", v.ID)
		_ = s.core.Rate(v.ID, wb.RatingSatisfied)
		s.unlock()
		c.Advance(time.Second)
	}
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(s)
	return m.HeapAlloc
}

// BenchmarkEndedChatsMemory: the server's live heap after 100k ended chats
// against after 1k (the goal: within 10%, memory follows open chats).
func BenchmarkEndedChatsMemory(b *testing.B) {
	for range b.N {
		small := heapAfter(b, 1_000)
		large := heapAfter(b, 100_000)
		b.ReportMetric(float64(small)/(1<<20), "MiB-after-1k")
		b.ReportMetric(float64(large)/(1<<20), "MiB-after-100k")
		b.ReportMetric(float64(large)/float64(small), "ratio")
	}
}
