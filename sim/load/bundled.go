package load

import (
	"time"

	"fmt"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// LoadVendor is the generated vendor of a bundled load run: one skill
// group on duty around the clock, agents load-agent-1..n with the given
// capacity, and one operations account.
func LoadVendor(agents, capacity int) wb.VendorConfig {
	v := wb.VendorConfig{
		ID: DefaultVendor, Name: "负载测试服务商", BusinessLine: "闲鱼回收", Hotline: "400-000-0000",
		Department: "负载测试客服部",
		WorkHours:  wb.WorkHours{Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		BotPage: wb.BotPage{RobotName: "小蜜", Greeting: "您好，我是小蜜",
			CardButtons:  []wb.CardButton{{Label: "在线客服", Kind: wb.ButtonOnlineAgent}},
			QuickPhrases: []wb.QuickPhrase{{Text: wb.OnlineAgentLabel, Transfer: true}}},
		Welcome: "您好，请问有什么可以帮您？", Closing: "感谢咨询，再见！",
	}
	v.Accounts = append(v.Accounts, wb.AccountConfig{Login: DefaultOpsLogin, Name: "负载运营", Password: DefaultLoadPassword, Role: wb.RoleOperations})
	for i := 1; i <= agents; i++ {
		v.Accounts = append(v.Accounts, wb.AccountConfig{Login: fmt.Sprintf(DefaultAgentLogin, i), Name: fmt.Sprintf("坐席%d", i),
			Password: DefaultLoadPassword, Role: wb.RoleAgent, Tenants: []string{wb.TenantXianyu}, Capacity: capacity})
	}
	return v
}

// startBundled starts the workbench on loopback with limits sized for the
// run: every agent logs in from 127.0.0.1 at once, and the event log keeps
// the whole run for the invariant check.
func startBundled(cfg Config) (*server.Server, string, error) {
	lim := server.DefaultLimits
	lim.LoginsPerAddress = cfg.Agents + 100
	lim.Sessions = cfg.Agents + 100
	lim.Events = max(lim.Events, 64*cfg.Customers+16*cfg.Agents)
	lim.EndedChats = max(lim.EndedChats, cfg.Customers)
	if cfg.SendQueue > 0 {
		lim.SendQueue = cfg.SendQueue
	}
	srv := server.New(server.Options{HashCost: bcrypt.MinCost, Grace: cfg.Grace, CustomerGrace: cfg.CustomerGrace, Limits: lim})
	if _, err := srv.AddVendor(LoadVendor(cfg.Agents, cfg.Capacity)); err != nil {
		return nil, "", fmt.Errorf("load vendor: %w", err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, "", err
	}
	return srv, base, nil
}
