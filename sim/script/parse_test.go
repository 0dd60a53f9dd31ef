package script

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"routecheck/fixtures"
)

const header = "vendor demo\nagent 小王 is demo-agent1\ncustomer 买家\nops 运营 is demo-ops\n"

// load parses and checks src as a script file next to nothing (the demo
// vendor by name).
func load(t *testing.T, src string) (*Script, error) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "case.script")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _, err := Load(p)
	return s, err
}

// A bad script names the file, line and column, and the closest valid
// word for parties, accounts, actions and keywords (D-SCR-3).
func TestErrorsNameLineColumnAndWhatWasMeant(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string // "line:col: …" and a fragment of the message
	}{
		{header + "小王 马上上斑\n", `5:4: "马上上斑" is not an action of agent`},
		{header + "小王 马上上斑\n", "did you mean 马上上班?"},
		{header + "小王 sayz \"hi\"\n", "did you mean says?"},
		{header + "小玉 马上上班\n", `5:1: "小玉" is not a party of this script nor a keyword; did you mean 小王?`},
		{header + "expct 买家 assigned\n", "5:1: \"expct\" is not a party of this script nor a keyword; did you mean expect?"},
		{header + "expect 卖家 assigned\n", "5:8: expect \"卖家\": want a party of this script, kpi, kpis pass, invariants clean or refused; did you mean 买家?"},
		{header + "expect 买家 asigned to 小王\n", "5:11: \"asigned\" is not something to expect of a customer"},
		{header + "expect 买家 asigned to 小王\n", "did you mean assigned?"},
		{header + "expect 买家 assigned to 小网\n", `5:23: "小网" is not a party of this script; did you mean 小王?`},
		{"vendor demo\nagent 小王 is demo-agnet1\ncustomer 买家\n小王 马上上班\n", `2:7: fixtures/vendors/demo.yaml has no account "demo-agnet1"; did you mean demo-agent1?`},
		{"vendor demo\nops 运营 is demo-agent1\n运营 sets capacity of 运营 to 2\n", "2:5: demo-agent1 is a agent account, not operations staff: declare it as agent"},
		{"vendor demp\ncustomer 买家\n买家 转人工\n", "1:8: vendor demp: "},
		{header + "wait 5 min\n", `5:6: "5" is not a duration; want e.g. 30s, 4m, 1h30m or 500ms`},
		{header + "at 25:00\n", `5:4: "25:00" is not a time`},
		{header + "at fir 17:59\n", "did you mean fri?"},
		{header + "expect 买家 gets \"unterminated\n", "5:16: the text that starts here has no closing \""},
		{header + "买家 taps \"在线客户\"\n", `5:1: the bot page has no quick phrase "在线客户"`},
		{header + "买家 taps \"在线客户\"\n", "did you mean 在线客服?"},
		{header + "买家 presses \"回收在线客户\"\n", "did you mean 回收在线客服?"},
		{header + "买家 asks \"回收款什么时候到帐？\"\n", "did you mean 回收款什么时候到账？?"},
		{header + "买家 rates 满易\n", "5:10: \"满易\" is not a rating"},
		{header + "小王 switches tenant 淘宝\n", `has no tenant "淘宝"`},
		{header + "买家 马上上班\n", "5:4: 买家 is a customer; \"status\" is what agent and department admin do"},
		{header + "小王 taps \"在线客服\"\n", "5:4: 小王 is an agent; \"taps\" is what customer do"},
		{header + "买家 drops\n买家 says \"hi\"\n", "6:1: 买家's page is dropped: `买家 reconnects` first"},
		{header + "买家 reconnects\n", "5:1: 买家 reconnects, but its page has not dropped or closed"},
		{header + "expect refused\n", "5:1: expect refused judges the action on the line before it"},
		{header + "expect kpi 接起律 >= 90%\n", "did you mean 接起率?"},
		{header + "expect kpi pickup_rate >= 90\n", "a rate is 0..1 or a percentage: write 90%"},
		{header + "expect kpi picked_up passes\n", "has no threshold"},
		{header + "expect 买家 gets \"x\" from 小网\n", "did you mean 小王?"},
		{header + "expect 买家 gets welcom\n", "did you mean welcome?"},
		{header + "expect 买家 gets answer to \"不存在的问题\"\n", `"不存在的问题" is not a FAQ question or a quick phrase`},
		{header + "expect 小王 status 忙碌\n", `5:18: status "忙碌": want 在线, 小休 or 离线`},
		{header + "expect 买家 ended by idle\n", "did you mean idle_timeout?"},
		{header + "expect invariants clean within 1m\n", "unexpected \"within\""},
		{header + "expect 小王 holds 1 chat within\n", "within needs a duration"},
		{header + "小王 马上上班 now\n", `5:9: unexpected "now" at the end of the line`},
		{"vendor demo\nagent 小王\n", "the script does nothing"},
		{header + "agent 小王 is demo-agent2\n", "5:7: 小王 is declared twice (line 2)"},
		{header + "agent 小李 is demo-agent1\n", "5:7: account demo-agent1 is already party 小王 (line 2)"},
		{header + "小王 马上上班\nvendor demo\n", "6:1: vendor belongs at the top of the script"},
		{header + "\"买家\" 转人工\n", "5:1: a line starts with a party's name or a keyword"},
	} {
		_, err := load(t, tc.src)
		if err == nil {
			t.Errorf("%q: no error, want %q", tc.src, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), "case.script:") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant …%s…", tc.src, err, tc.want)
		}
	}
}

// Every problem of a script is reported at once, in line order: syntax and
// the vendor's accounts alike.
func TestEveryProblemAtOnce(t *testing.T) {
	_, err := load(t, "vendor demo\nagent 小王 is demo-agnet1\ncustomer 买家\n小王 马上上斑\nexpect 卖家 assigned\nwait 5 min\n")
	es, ok := AsErrors(err)
	if !ok || len(es) != 4 {
		t.Fatalf("%d problems (%v), want 4", len(es), err)
	}
	for i, line := range []int{2, 4, 5, 6} {
		if es[i].Pos.Line != line {
			t.Errorf("problem %d at line %d, want %d: %v", i, es[i].Pos.Line, line, es[i])
		}
	}
}

// What a tester types on a Chinese keyboard works: “…” and 「…」 quote, a
// full-width space separates, a byte-order mark is ignored, CRLF ends
// lines; several customers on one line.
func TestChineseInputMethods(t *testing.T) {
	src := "\ufeffvendor demo\r\nagent 小王 is demo-agent1\r\ncustomer 买家A 买家B\r\n小王\u3000马上上班\r\n买家A says “你好”\r\n买家B says 「在吗」 # R-RT-4\r\nexpect 买家A gets “你好” from 买家A\r\n"
	s, err := load(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Parties) != 3 || s.Stmts[1].Action.Text != "你好" || s.Stmts[2].Action.Text != "在吗" {
		t.Fatalf("parties %d, texts %q %q", len(s.Parties), s.Stmts[1].Action.Text, s.Stmts[2].Action.Text)
	}
	if got := s.Stmts[2].Rules; len(got) != 1 || got[0] != "R-RT-4" {
		t.Errorf("rules of line 6 = %v, want [R-RT-4]", got)
	}
	if s.Stmts[2].Pos != (Pos{6, 1}) {
		t.Errorf("line 6 at %v", s.Stmts[2].Pos)
	}
}

// The whole grammar of docs/scripts.md parses to what it says.
func TestGrammarParses(t *testing.T) {
	if _, err := load(t, header+"小王 马上上班\nstart 周五 10:00\n"); err == nil || !strings.Contains(err.Error(), "start belongs at the top") {
		t.Fatalf("start after the parties' first action: %v", err)
	}
	src := "start 2026-11-27 10:00\n" + header + `admin 主管 is demo-admin
customer 顾客 is anonymous
小王 logs in
小王 马上上班
小王 goes 小休
小王 在线
小王 switches tenant 闲鱼BU
买家 scans qr
买家 asks "回收款什么时候到账？"
买家 taps "售后地址"
买家 presses "回收客服热线"
买家 转人工
买家 says "你好"
小王 says "您好" to 买家
小王 adds 常用语 "稍等"
小王 sends 常用语 "稍等" to 买家
小王 sets notifications desktop on sound off
小王 sets welcome "你好" closing "再见"
主管 sets group welcome "欢迎"
运营 sets capacity of 小王 to 4
买家 drops
买家 reconnects
小王 closes 买家
买家 rates 满意
顾客 转人工
顾客 leaves
小王 closes workbench
小王 logs in
wait 4m
at 17:59
at 周一 09:00
at 2026-11-30 10:00
expect 买家 gets "x" from 小王 within 30s
expect 买家 gets contains "x" from bot
expect 买家 gets matches "^您好" from system
expect 买家 gets welcome
expect 买家 gets welcome of 小王
expect 买家 gets closing of 小王
expect 买家 gets idle warning within 4m
expect 买家 gets answer to "回收款什么时候到账？"
expect 买家 gets nobody online
expect 买家 gets outside hours
expect 买家 gets hotline
expect 买家 gets transfer notice
expect 买家 gets fallback
expect 买家 gets greeting
expect 买家 gets no message within 1m
expect 买家 assigned to 小王 within 10s
expect 买家 is assigned
expect 买家 queued position 2
expect 买家 queued
expect 买家 with bot reason nobody_online
expect 买家 ended by idle_timeout within 5m
expect 买家 state ended reason agent_closed
expect 小王 status 小休 within 31s
expect 小王 holds 2 chats
expect 小王 holds 买家
expect 小王 holds no chat
expect 小王 notified 新用户上线 about 买家
expect 小王 notified new message
expect 小王 not notified within 1m
expect 小王 not notified 用户下线 about 买家
expect 小王 sees link down for 买家
expect kpi pickup_rate >= 90%
expect kpi 首响时长 < 30s
expect kpi satisfaction passes
expect kpi abandoned = 1
expect kpis pass
expect invariants clean
小王 马上上班
expect refused "404 page not found"
`
	s, err := load(t, src)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[Kind]int{}
	for _, st := range s.Stmts {
		kinds[st.Kind]++
	}
	if kinds[KindAction] != 27 || kinds[KindWait] != 1 || kinds[KindAt] != 3 || kinds[KindExpect] != 38 {
		t.Errorf("statements by kind: %v", kinds)
	}
	line := func(text string) *Stmt {
		for _, st := range s.Stmts {
			if st.Text == text {
				return st
			}
		}
		t.Fatalf("no statement %q", text)
		return nil
	}
	if e := line("expect 小王 holds no chat").Expect; e.Kind != ExpHolds || e.N != 0 {
		t.Errorf("holds no chat = %+v", e)
	}
	if e := line(`expect 买家 gets "x" from 小王 within 30s`).Expect; e.Kind != ExpGets || e.Match.Kind != MatchExact || e.From.Party == nil || !e.HasWithin || e.Within.Seconds() != 30 {
		t.Errorf("gets … from 小王 within 30s = %+v", e)
	}
	if e := line("expect 小王 notified new message").Expect; e.Notify != "new_message" {
		t.Errorf("notified new message = %+v", e)
	}
	if e := line("expect kpi 首响时长 < 30s").Expect; e.KPI != "first_response_s" || e.Op != "<" || e.Value != 30 {
		t.Errorf("kpi 首响时长 < 30s = %+v", e)
	}
	if a := line("小王 sets notifications desktop on sound off").Action; a.Verb != VerbNotify || !a.Desktop || a.Sound {
		t.Errorf("sets notifications = %+v", a)
	}
	if a := line("运营 sets capacity of 小王 to 4").Action; a.Verb != VerbCapacity || a.N != 4 || a.To.Login != "demo-agent1" {
		t.Errorf("sets capacity = %+v", a)
	}
	if at := line("at 周一 09:00").At; at.Weekday != 2 || at.Hour != 9 {
		t.Errorf("at 周一 09:00 = %+v", at)
	}
}

// The shipped scripts parse and check against their vendors, and each
// starts with a comment saying what it shows.
func TestShippedScriptsLoad(t *testing.T) {
	for _, n := range shippedNames() {
		s, v, err := Load(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if s.Summary == "" || v == nil {
			t.Errorf("%s: no summary comment", n)
		}
	}
	if _, err := fixtures.Open("demo"); err != nil {
		t.Fatal(err)
	}
}
