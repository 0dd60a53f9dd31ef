package routetest

import (
	"fmt"
	"slices"
)

// Failure is a known way a step of the route test fails: the rule it
// breaks, the fix, and what a tester walking the step by hand sees. The
// steps diagnose with these, and the go-live checklist (sim/checklist)
// prints the same ones, so the real test and a rehearsal name a failure and
// its fix alike.
type Failure struct {
	ID   string // stable, e.g. "wrong-tenant"; a checklist record names it
	Step int    // 1..5
	Rule string
	// Sign is what the tester or the agent sees when this happens in the
	// real Xianyu app and X-Space; empty for failures only the harness can
	// see (they are not in the checklist).
	Sign string
	Fix  string
}

// The known failures, in step order. A fix here is the text `routecheck
// run` prints after "fix (R-…):".
var (
	FailNoTestAccount = Failure{ID: "no-test-account", Step: 1, Rule: "R-RT-1",
		Sign: "没有拿到测试账号 (no test account from CCO)",
		Fix:  "ask CCO operations for a test account; the operations login in the fixture must be able to sign in"}
	FailNoTestOrder = Failure{ID: "no-test-order", Step: 1, Rule: "R-RT-1",
		Sign: "没有拿到测试订单 (no test order on the test account)",
		Fix:  "ask CCO operations for a test order on the test account"}

	FailAgentLogin = Failure{ID: "agent-login", Step: 2, Rule: "R-VEN-3",
		Sign: "客服登录 X-Space 时提示账号或密码错误 (the agent's login is refused)",
		Fix:  "check the agent's login and password with CCO operations"}
	FailWorkbenchClosed = Failure{ID: "workbench-closed", Step: 2, Rule: "R-WB-1",
		Sign: "在线工作台打不开或一直在加载 (在线工作台 does not open)",
		Fix:  "open X-Space at the workbench URL in Chrome"}
	FailRouterView = Failure{ID: "router-view", Step: 2, Rule: "R-RT-2",
		Fix: "check the department name in the fixture"}
	FailWrongTenant = Failure{ID: "wrong-tenant", Step: 2, Rule: "R-TEN-1",
		Sign: "点击 马上上班 显示 404 page not found，左侧没有 在线工作台 (404 at 马上上班)",
		Fix:  "the agent's tenant is not 闲鱼BU: click the avatar (top right), switch the tenant to 闲鱼BU, refresh the page, then click 马上上班"}
	FailOnlyBreak = Failure{ID: "only-break", Step: 2, Rule: "R-WB-2",
		Sign: "客服状态是 小休，不是 在线 (the agent is on 小休)",
		Fix:  "小休 keeps current chats but receives no new ones: set the status to 在线 (马上上班) for the test"}
	FailNobodyLoggedIn = Failure{ID: "nobody-logged-in", Step: 2, Rule: "R-RT-2",
		Sign: "没有客服登录 X-Space (no agent logged in)",
		Fix:  "an agent must log into X-Space, open 在线工作台 and click 马上上班 before the test"}
	FailLoggedInOffline = Failure{ID: "logged-in-offline", Step: 2, Rule: "R-WB-2",
		Sign: "客服已登录，但状态是 离线 (logged in but 离线)",
		Fix:  "click 马上上班 in 在线工作台"}

	FailNoQRCode = Failure{ID: "no-qr-code", Step: 3, Rule: "R-RT-3",
		Sign: "没有拿到二维码 (no QR code from the CCO channel team)",
		Fix:  "ask the CCO channel team for the QR code"}
	FailQRUnreadable = Failure{ID: "qr-unreadable", Step: 3, Rule: "R-RT-3",
		Sign: "闲鱼 APP 扫不出二维码 (the Xianyu app cannot read the QR code)",
		Fix:  "the QR code image is damaged: ask for a new one"}
	FailEntryRefused = Failure{ID: "entry-refused", Step: 3, Rule: "R-RT-3",
		Sign: "扫码后提示链接无效或已过期 (the bot page refuses the link)",
		Fix:  "the entry link was refused: use a fresh QR code for this vendor (codes are confidential and expire)"}
	FailRobotCard = Failure{ID: "robot-card", Step: 3, Rule: "R-VEN-2",
		Sign: "机器人名片的按钮和下面列的不一样 (robot card buttons differ)",
		Fix:  "configure the robot card (机器人名片) as handed over"}
	FailFAQ = Failure{ID: "faq", Step: 3, Rule: "R-VEN-2",
		Sign: "常见问题和下面列的不一样 (FAQ differs)",
		Fix:  "configure the FAQ (常见问题) as handed over"}
	FailQuickPhrases = Failure{ID: "quick-phrases", Step: 3, Rule: "R-VEN-2",
		Sign: "快捷短语和下面列的不一样 (quick phrases differ)",
		Fix:  "configure the quick phrases (快捷短语) as handed over"}
	FailBotSilent = Failure{ID: "bot-silent", Step: 3, Rule: "R-RT-3",
		Sign: "点常见问题后小蜜没有回答 (the bot does not answer)",
		Fix:  "the bot does not answer: check the FAQ configuration"}
	FailBotWrongAnswer = Failure{ID: "bot-wrong-answer", Step: 3, Rule: "R-VEN-2",
		Sign: "小蜜的回答和下面列的不一样 (the bot answers differently)",
		Fix:  "the bot answered wrongly: check the answer configured for that question in 常见问题"}

	FailNoTransferPhrase = Failure{ID: "no-transfer-phrase", Step: 4, Rule: "R-RT-4",
		Sign: "快捷短语里没有 在线客服 (no 在线客服 quick phrase)",
		Fix:  "add the quick phrase 在线客服 (快捷短语) that transfers to a human agent (R-VEN-2)"}
	FailTransferSilent = Failure{ID: "transfer-silent", Step: 4, Rule: "R-RT-4",
		Sign: "发出转人工后没有任何回应 (no answer to the transfer request)",
		Fix:  "check the routing configuration of the skill group with CCO"}
	FailQueueFull = Failure{ID: "queue-full", Step: 4, Rule: "R-CAP-1",
		Sign: "一直显示 正在为您转接人工客服，请稍候。没有客服接起 (waits in the queue, nobody takes it)",
		Fix:  "all online agents are at their maximum concurrent chats: end a chat, bring another agent online, or ask operations to raise the capacity (V级管理, at most 1V6 advised)"}
	FailOutsideHours = Failure{ID: "outside-hours", Step: 4, Rule: "R-VEN-4",
		Sign: "小蜜回复 当前不在人工客服服务时间… (the bot says it is outside the service hours)",
		Fix:  "the test ran outside the vendor's confirmed work hours: run it within them, or correct the work hours with CCO"}
	FailNobodyOnline = Failure{ID: "nobody-online", Step: 4, Rule: "R-RT-2",
		Sign: "小蜜回复 当前没有人工客服在线… (the bot says no agent is online)",
		Fix:  "no agent is 在线: an agent must click 马上上班 and stay online during the test"}
	FailNotTransfer = Failure{ID: "not-transfer", Step: 4, Rule: "R-RT-4",
		Sign: "小蜜把 转人工 当成普通问题回答 (the bot answers 转人工 like a question)",
		Fix:  "the bot did not treat this as a transfer request: configure 转人工 / the 在线客服 quick phrase to transfer to a human"}
	FailForeignAgent = Failure{ID: "foreign-agent", Step: 4, Rule: "R-RT-4",
		Sign: "接起会话的不是本服务商的客服 (another vendor's agent takes the chat)",
		Fix:  "only the vendor's own agents may take its chats: check the skill group's members with CCO"}
	FailNoWelcome = Failure{ID: "no-welcome", Step: 4, Rule: "R-WEL-1",
		Sign: "客服接起后没有欢迎语 (no welcome message)",
		Fix:  "set the welcome in 配置中心 → 系统设置 → 首问机器人"}
	FailWrongWelcome = Failure{ID: "wrong-welcome", Step: 4, Rule: "R-WEL-1",
		Sign: "欢迎语和下面列的不一样 (a different welcome)",
		Fix:  "the skill group's welcome wins over the agent's own: check 首问机器人 at both levels"}

	FailDeferredStuck = Failure{ID: "deferred-stuck", Step: 5, Rule: "R-CAP-1",
		Sign: "第一个会话结束后，第二个会话仍然没有客服接起 (the second chat is not picked up after the first ends)",
		Fix:  "a place freed by an ended chat must go to the head of the queue: report this to CCO with the seed"}
	FailAgentNoMessage = Failure{ID: "agent-no-message", Step: 5, Rule: "R-RT-5",
		Sign: "客服在 X-Space 看不到测试消息 (the agent does not see the test message)",
		Fix:  "the agent's X-Space does not receive messages: keep the page open and check the browser allows notifications (R-WB-3)"}
	FailNoOrder = Failure{ID: "no-order", Step: 5, Rule: "R-RT-1",
		Sign: "X-Space 的会话里没有测试订单 (the chat does not show the test order)",
		Fix:  "the conversation must carry the test order"}
	FailReplyLost = Failure{ID: "reply-lost", Step: 5, Rule: "R-RT-5",
		Sign: "客服已回复，测试同学收不到 (the agent replied; the tester gets nothing)",
		Fix:  "the reply did not reach the bot page: report to CCO with the trace id"}
	FailNoReply = Failure{ID: "no-reply", Step: 5, Rule: "R-RT-5",
		Sign: "客服看到了测试消息但没有回复 (the agent saw the message and did not reply)",
		Fix:  "the agent saw the message but did not reply: agents must answer in X-Space (first response under 30 s, R-KPI-1)"}
)

// failures lists every Failure above, in step order.
var failures = []Failure{
	FailNoTestAccount, FailNoTestOrder,
	FailAgentLogin, FailWorkbenchClosed, FailRouterView, FailWrongTenant, FailOnlyBreak, FailNobodyLoggedIn, FailLoggedInOffline,
	FailNoQRCode, FailQRUnreadable, FailEntryRefused, FailRobotCard, FailFAQ, FailQuickPhrases, FailBotSilent, FailBotWrongAnswer,
	FailNoTransferPhrase, FailTransferSilent, FailQueueFull, FailOutsideHours, FailNobodyOnline, FailNotTransfer, FailForeignAgent,
	FailNoWelcome, FailWrongWelcome,
	FailDeferredStuck, FailAgentNoMessage, FailNoOrder, FailReplyLost, FailNoReply,
}

// Failures are the known failures of step n (1..5) a tester can see by
// hand, in the order the step meets them.
func Failures(step int) []Failure {
	var out []Failure
	for _, f := range failures {
		if f.Step == step && f.Sign != "" {
			out = append(out, f)
		}
	}
	return out
}

// FailureByID finds a known failure by its ID.
func FailureByID(id string) (Failure, bool) {
	i := slices.IndexFunc(failures, func(f Failure) bool { return f.ID == id })
	if i < 0 {
		return Failure{}, false
	}
	return failures[i], true
}

// StepName is step n (1..5) as testers know it, with its rule.
func StepName(n int) (name, rule string) {
	s := stepNames[n-1]
	return s.name, s.rule
}

// TestMessage is the text the tester sends in step 5: it carries the test
// order, so the agent can find it, and the run's trace, so it can be found
// in the logs. n numbers the test chats of one run.
func TestMessage(order, trace string, n int) string {
	return fmt.Sprintf("路由测试消息 订单 %s trace %s #%d", order, trace, n)
}
