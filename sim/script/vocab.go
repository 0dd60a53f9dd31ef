package script

import (
	"slices"
	"strings"

	wb "routecheck/sim/workbench"
)

// The words of the format (docs/scripts.md "Grammar"). Chinese words are
// the product's own (马上上班, 小休, 转人工 …); English ones read as a sentence.

// keywords start a line that is not a party's action.
var keywords = []string{"vendor", "start", "customer", "agent", "admin", "ops", "expect", "wait", "at"}

// roleWords declare a party.
var roleWords = map[string]Role{"customer": RoleCustomer, "agent": RoleAgent, "admin": RoleAdmin, "ops": RoleOps}

// statusWords are the agent statuses of R-WB-2 and their English names;
// 马上上班 (start work) and 上班 are 在线.
var statusWords = map[string]string{
	"在线": string(wb.StatusOnline), "online": string(wb.StatusOnline), "马上上班": string(wb.StatusOnline), "上班": string(wb.StatusOnline),
	"小休": string(wb.StatusBreak), "break": string(wb.StatusBreak),
	"离线": string(wb.StatusOffline), "offline": string(wb.StatusOffline),
}

// verbsFor lists the actions of each role, as a tester types them: the
// did-you-mean of an unknown action picks from these.
var verbsFor = map[Role][]string{
	RoleAgent: {"logs in", "马上上班", "在线", "小休", "离线", "goes", "switches tenant", "says", "replies",
		"sends 常用语", "adds 常用语", "closes chat", "closes workbench", "drops", "reconnects",
		"sets notifications", "sets welcome", "sets closing"},
	RoleAdmin: nil, // an agent's, and sets group welcome (below)
	RoleOps:   {"sets capacity", "sets group welcome", "sets group closing"},
	RoleCustomer: {"scans qr", "enters", "says", "asks", "转人工", "taps", "presses", "rates", "leaves",
		"closes page", "drops", "reconnects"},
}

func init() {
	verbsFor[RoleAdmin] = append(append([]string(nil), verbsFor[RoleAgent]...), "sets group welcome", "sets group closing")
}

// ratings a customer may give (R-KPI-1).
var ratings = []string{string(wb.RatingVerySatisfied), string(wb.RatingSatisfied), string(wb.RatingNeutral),
	string(wb.RatingDissatisfied), string(wb.RatingVeryDissatisfied)}

// namedTexts are texts an assert names instead of quoting: the fixture's
// or the workbench's own (resolved in texts.go).
var namedTexts = []string{"greeting", "welcome", "closing", "idle warning", "answer to", "nobody online",
	"outside hours", "hotline", "transfer notice", "fallback"}

// states of a chat as the customer's page shows them.
var states = []string{string(wb.StateBot), string(wb.StateQueued), string(wb.StateAssigned), string(wb.StateEnded)}

// reasons a chat ends or a transfer is refused (docs/protocol.md).
var reasons = []string{wb.ReasonAgentClosed, wb.ReasonCustomerLeft, wb.ReasonIdleTimeout, wb.ReasonOutsideHours, wb.ReasonNobodyOnline}

// notifyKinds are the notifications of R-NTF-1, by their product names too.
var notifyKinds = map[string]string{
	"new_message": wb.NotifyNewMessage, "新消息": wb.NotifyNewMessage,
	"user_online": wb.NotifyUserOnline, "新用户上线": wb.NotifyUserOnline,
	"user_offline": wb.NotifyUserOffline, "用户下线": wb.NotifyUserOffline,
}

// kpiNames are the KPIs an assert may name (workbench.KPIs' JSON names),
// with the assessment's Chinese names.
var kpiNames = map[string]string{
	"pickup_rate": "pickup_rate", "接起率": "pickup_rate",
	"abandonment_rate": "abandonment_rate", "排队放弃率": "abandonment_rate",
	"first_response_s": "first_response_s", "first_response": "first_response_s", "首响时长": "first_response_s",
	"satisfaction": "satisfaction", "即时满意度": "satisfaction",
	"service_requests": "service_requests", "服务请求量": "service_requests",
	"picked_up": "picked_up", "接起量": "picked_up",
	"abandoned": "abandoned", "排队放弃量": "abandoned",
	"waiting": "waiting", "responded": "responded",
	"ratings": "ratings", "参评量": "ratings",
	"satisfied": "satisfied", "即时满意量": "satisfied",
	"ended": "ended",
}

var kpiOps = map[string]string{">=": ">=", "≥": ">=", ">": ">", "<=": "<=", "≤": "<=", "<": "<", "=": "=", "==": "="}

// weekdays by their English and Chinese names, for `at 周五 17:59`.
var weekdays = map[string]int{
	"sun": 0, "sunday": 0, "周日": 0, "周天": 0, "星期日": 0, "星期天": 0,
	"mon": 1, "monday": 1, "周一": 1, "星期一": 1,
	"tue": 2, "tuesday": 2, "周二": 2, "星期二": 2,
	"wed": 3, "wednesday": 3, "周三": 3, "星期三": 3,
	"thu": 4, "thursday": 4, "周四": 4, "星期四": 4,
	"fri": 5, "friday": 5, "周五": 5, "星期五": 5,
	"sat": 6, "saturday": 6, "周六": 6, "星期六": 6,
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out) // a tie between suggestions goes the same way every run
	return out
}

// fold is a word as the format compares it: ASCII letters in lower case.
func fold(s string) string { return strings.ToLower(s) }
