package workbench_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	wb "routecheck/sim/workbench"
)

// specRules are the rule IDs of SPEC.md, which lives beside the repository
// (../shared/SPEC.md); when that file is there the test checks this list
// against it.
var specRules = []string{
	"R-VEN-1", "R-VEN-2", "R-VEN-3", "R-VEN-4", "R-VEN-5",
	"R-RT-1", "R-RT-2", "R-RT-3", "R-RT-4", "R-RT-5",
	"R-WB-1", "R-WB-2", "R-WB-3", "R-NTF-1", "R-CAP-1", "R-TEN-1",
	"R-KPI-1", "R-KPI-2", "R-QR-1", "R-WEL-1", "R-IDLE-1", "R-DEV-1",
}

// A test is named by its directory from the repository root and its name:
// a Go test function, or for the Ginkgo suites under scenarios/ the text of
// an It or Entry.
type testRef struct{ dir, name string }

// Directories whose tests reach the workbench over real HTTP and WebSocket.
var wireDirs = []string{"sim/server", "scenarios/route", "scenarios/browser", "sim/routetest", "cmd/routecheck"}

// ruleTests is the test-to-rule table: for each rule, tests that fail when
// the rule's code is broken. A test listed here must exist under that name.
var ruleTests = map[string][]testRef{
	"R-VEN-1": {{"sim/workbench", "TestOnlyAgentOnBreakMeansNobodyOnline"}, {"sim/workbench", "TestTransferOutsideWorkHours"},
		{"sim/server", "TestRefusedTransferOffersHotline"}},
	"R-VEN-2": {{"sim/workbench", "TestBotAnswers"}, {"sim/workbench", "TestAddVendorLimits"}, {"fixtures", "TestMoreRuleViolations"},
		{"sim/server", "TestRouteOverTheWire"}, {"scenarios/browser", "R-VEN-2: a bot page that differs from the handed-over configuration fails"}},
	"R-VEN-3": {{"sim/workbench", "TestLogin"}, {"sim/workbench", "TestAddVendorLimits"}, {"sim/server", "TestAccessControl"}},
	"R-VEN-4": {{"sim/workbench", "TestTransferOutsideWorkHours"}, {"sim/workbench", "TestWorkHoursSpanningMidnight"},
		{"scenarios/route", "the test runs outside work hours"}},
	"R-VEN-5": {{"fixtures", "TestWarnings"}, {"cmd/routecheck", "TestVet"}},
	"R-RT-1": {{"sim/workbench", "TestTestAccountsByOperationsOnly"}, {"sim/server", "TestRouteOverTheWire"},
		{"scenarios/route", "R-RT-1 test order and test account are made"}},
	"R-RT-2": {{"sim/workbench", "TestOnlineAgentTakesTransfer"}, {"scenarios/route", "R-RT-2 an agent logs in, clicks 马上上班 and the router sees them 在线"},
		{"scenarios/route", "nobody logs in"}},
	"R-RT-3": {{"sim/workbench", "TestBotAnswers"}, {"sim/server", "TestEntryTokenRefusals"}, {"sim/server", "TestQRCodesDecode"},
		{"scenarios/route", "R-RT-3 the QR code decodes to the bot page, which shows the fixture's knowledge and answers a FAQ"}},
	"R-RT-4": {{"sim/workbench", "TestTransferThreeWays"}, {"sim/server", "TestRouteOverTheWire"},
		{"scenarios/route", "R-RT-4 转人工 and the 在线客服 quick phrase each reach a human with the skill group's welcome (R-WEL-1)"}},
	"R-RT-5": {{"sim/workbench", "TestFirstResponseExcludesWelcome"}, {"sim/server", "TestRouteOverTheWire"},
		{"scenarios/route", "the agent never replies"}},
	"R-WB-1": {{"sim/workbench", "TestLogin"}, {"sim/workbench", "TestOnlineAgentTakesTransfer"},
		{"scenarios/browser", "R-WB-1, R-TEN-1: the notification check fails when its agent cannot go online"}},
	"R-WB-2": {{"sim/workbench", "TestBreakKeepsChatsTakesNone"}, {"sim/workbench", "TestBreakAgentNotPickedWhenLeastLoaded"},
		{"sim/workbench", "TestOfflineRequeuesAtHead"}, {"sim/server", "TestGraceOverRequeuesToNextAgent"},
		{"scenarios/route", "the only agent stays on 小休"}},
	"R-WB-3": {{"scenarios/browser", "R-WB-3: a workbench that hides the permission banner fails the denied case, telling how to allow"}},
	"R-NTF-1": {{"sim/workbench", "TestNotificationsHonourSettings"}, {"sim/server", "TestRouteOverTheWire"},
		{"scenarios/browser", "R-NTF-1: a workbench that ignores the 桌面通知 switch fails the desktop-off case"}},
	"R-CAP-1": {{"sim/workbench", "TestCapacityDefaultThreeAndFreedCapacityTakesHead"}, {"sim/workbench", "TestCapacityOnlyOperations"},
		{"sim/workbench", "TestRaisingCapacityDrainsQueue"}, {"sim/server", "TestAccessControl"},
		{"scenarios/route", "the only agent is at capacity (R-CAP-1)"}, {"scenarios/route", "the only agent works at 1V1: the second test chat waits for the first"}},
	"R-TEN-1": {{"sim/workbench", "TestWrongTenantCannotGoOnline"}, {"sim/workbench", "TestSwitchingAwayFromXianyuGoesOffline"},
		{"scenarios/route", "the agent's tenant is not 闲鱼BU"},
		{"scenarios/browser", "R-TEN-1: under 淘宝BU 马上上班 shows 404 page not found and no 在线工作台; 闲鱼BU and a refresh fix it"}},
	"R-KPI-1": {{"sim/workbench", "TestKPIFormulas"}, {"sim/workbench", "TestPickupRateDenominatorAndReassignment"},
		{"sim/workbench", "TestFirstResponseFromPickupNotTransfer"}, {"sim/workbench", "TestQueueAbandonment"},
		{"sim/server", "TestClosedBotPageEndsChat"}, {"scenarios/route", "R-KPI-1 judges the run on its event log: invariants clean, KPIs by the formulas"}},
	"R-KPI-2": {{"sim/workbench", "TestServiceInsight"}, {"sim/server", "TestAccessControl"}},
	"R-QR-1": {{"sim/workbench", "TestQuickReplies"},
		{"scenarios/browser", "R-QR-1, R-RT-5: the agent sends an imported 常用语 from the workbench and the customer receives it"}},
	"R-WEL-1": {{"sim/workbench", "TestWelcomePrecedence"}, {"sim/workbench", "TestClosingMessagePrecedence"},
		{"sim/server", "TestRouteOverTheWire"}},
	"R-IDLE-1": {{"sim/workbench", "TestIdleTimeoutCustomerMessageJustInTime"}, {"sim/workbench", "TestIdleTimeoutEndsAtFiveMinutes"},
		{"sim/workbench", "TestIdleTimerRearmedAfterEachCustomerMessage"}, {"sim/server", "TestIdleTimeoutOverTheWire"}},
	"R-DEV-1": {{"scenarios/route", "R-DEV-1 a new vendor is configuration, not development: its onboarding data alone passes the five steps"}},
	// Decisions where the seed is silent (docs/decisions.md) that a broken
	// core has been seen to get wrong.
	"D-ROUTE-1": {{"sim/workbench", "TestFIFOWithinSkillGroup"}, {"sim/workbench", "TestRouterLeastLoadedThenLongestIdle"},
		{"sim/server", "TestFIFOOverTheWire"}},
	"D-ROUTE-2": {{"sim/workbench", "TestRequeuedChatsKeepOrderAtHead"}, {"sim/server", "TestGraceOverRequeuesToNextAgent"}},
	"D-WS-2":    {{"sim/server", "TestClosedBotPageEndsChat"}, {"sim/server", "TestEveryMessageDeliveredOnce"}},
}

// noWireTest: rules with nothing to send over the wire, and why.
var noWireTest = map[string]string{
	"R-VEN-5": "the configuration lead time is a property of the onboarding file; `routecheck vet` checks it (cmd/routecheck TestVet)",
}

// testNames lists the tests of a directory by name: top-level Test
// functions, and the texts of It/Entry nodes of Ginkgo suites. Comments are
// not read.
func testNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", dir, "*_test.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s", dir)
	}
	names := map[string]bool{}
	fs := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fs, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Test") {
				names[fd.Name.Name] = true
			}
		}
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && (id.Name == "It" || id.Name == "Entry") {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						names[s] = true
					}
				}
			}
			return true
		})
	}
	return names
}

// Every SPEC rule, and every rule the core lists in wb.Rules(), has tests in
// the table; every test the table names exists; every core rule has a core
// test and every SPEC rule a test over the wire. Deleting a rule's tests
// (or their rows) fails this test.
func TestEveryRuleHasTestsThatExist(t *testing.T) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "SPEC.md")); err == nil {
		var inSpec []string
		for _, id := range regexp.MustCompile(`(?m)^\s*(?:- |\d+\. )(R-[A-Z]+-\d+)`).FindAllStringSubmatch(string(b), -1) {
			inSpec = append(inSpec, id[1])
		}
		slices.Sort(inSpec)
		want := slices.Sorted(slices.Values(specRules))
		if !slices.Equal(slices.Compact(inSpec), want) {
			t.Errorf("SPEC.md defines %v; specRules lists %v", inSpec, want)
		}
	}
	names := map[string]map[string]bool{}
	exists := func(r testRef) bool {
		if names[r.dir] == nil {
			names[r.dir] = testNames(t, r.dir)
		}
		return names[r.dir][r.name]
	}
	for rule, refs := range ruleTests {
		for _, r := range refs {
			if !exists(r) {
				t.Errorf("%s: the table names %s %q, which is not a test there", rule, r.dir, r.name)
			}
		}
	}
	has := func(rule string, dirs ...string) bool {
		return slices.ContainsFunc(ruleTests[rule], func(r testRef) bool { return slices.Contains(dirs, r.dir) && exists(r) })
	}
	for _, rule := range specRules {
		if len(ruleTests[rule]) == 0 {
			t.Errorf("%s has no test in the table", rule)
		}
		if _, ok := noWireTest[rule]; !ok && !has(rule, wireDirs...) {
			t.Errorf("%s has no test over the wire (one of %v)", rule, wireDirs)
		}
	}
	for rule, where := range wb.Rules() {
		if !has(rule, "sim/workbench") {
			t.Errorf("%s (%s) has no core test in sim/workbench", rule, where)
		}
	}
}
