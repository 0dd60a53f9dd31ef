package workbench_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// decisionTests is the test-to-decision table of docs/decisions.md: for
// each decision (D-…), tests that fail when the behaviour it states
// changes. A test listed here must exist under that name.
var decisionTests = map[string][]testRef{
	"D-RT-1": {{"sim/workbench", "TestTransferOutsideWorkHours"}, {"sim/workbench", "TestOnlyAgentOnBreakMeansNobodyOnline"},
		{"sim/server", "TestRefusedTransferOffersHotline"}},
	"D-ROUTE-1": {{"sim/workbench", "TestFIFOWithinSkillGroup"}, {"sim/workbench", "TestRouterLeastLoadedThenLongestIdle"},
		{"sim/server", "TestFIFOOverTheWire"}},
	"D-ROUTE-2": {{"sim/workbench", "TestRequeuedChatsKeepOrderAtHead"}, {"sim/workbench", "TestOfflineRequeuesAtHead"},
		{"sim/workbench", "TestSwitchingAwayFromXianyuGoesOffline"}},
	"D-ABN-1":  {{"sim/workbench", "TestQueueAbandonment"}, {"sim/workbench", "TestKPIFormulas"}},
	"D-KPI-1":  {{"sim/workbench", "TestKPIFormulas"}, {"sim/workbench", "TestKPIWindow"}, {"sim/workbench", "TestFirstResponseExcludesWelcome"}},
	"D-KPI-2":  {{"sim/workbench", "TestServiceInsight"}},
	"D-IDLE-1": {{"sim/workbench", "TestIdleTimerRearmedAfterEachCustomerMessage"}, {"sim/workbench", "TestIdleTimersOnBothPaths"}},
	"D-CAP-1":  {{"sim/workbench", "TestAddVendorLimits"}, {"sim/invariant", "TestLoweredCapacityAndAbandonment"}, {"fixtures", "TestInvalidFixtures"}},
	"D-ACL-1":  {{"sim/server", "TestAccessControl"}},
	"D-QR-1":   {{"sim/workbench", "TestQuickReplies"}},
	"D-RUN-1": {{"scenarios/route", "R-KPI-1 judges the run on its event log: invariants clean, KPIs by the formulas"},
		{"scenarios/route", "nobody logs in"}, {"cmd/routecheck", "TestRunBrokenFixturesExitOne"}},
	"D-RUN-2": {{"cmd/routecheck", "TestPasswordCosts"}},
	"D-RUN-3": {{"sim/routetest", "TestSameSeedSameData"}, {"cmd/routecheck", "TestRerunHintIsTheWholeCommand"}},
	"D-RUN-4": {{"scenarios/route", "the only agent is at capacity (R-CAP-1)"},
		{"scenarios/route", "one place free for two test chats: the agent ends an older chat"}},
	"D-RUN-5": {{"sim/routetest", "TestRunsBackToBackOnOneWorkbench"}},
	"D-WS-1":  {{"sim/server", "TestSilentAgentGoesOffline"}, {"sim/server", "TestGraceOverRequeuesToNextAgent"}},
	"D-WS-2": {{"sim/server", "TestClosedBotPageEndsChat"}, {"sim/server", "TestCustomerGrace"}, {"sim/server", "TestHelloTellsCustomerLinkDown"},
		{"scenarios/browser", "D-WS-2: a workbench that ignores customer_link fails the customer-link check"}},
	"D-WS-3":  {{"sim/server", "TestSilentAgentGoesOffline"}, {"sim/server", "TestQuietHealthyClientStays"}},
	"D-QR-2":  {{"sim/server", "TestQRCodesDecode"}},
	"D-TOK-1": {{"sim/server", "TestEntryTokenRefusals"}, {"sim/server", "TestNonCanonicalTokenRefused"}},
	"D-BR-1":  {{"sim/browser", "TestNoTenantAgentSkips"}, {"cmd/routecheck", "TestBrowserWithoutChromiumExitsThree"}},
	"D-BR-2": {{"sim/browser", "TestAccountChoice"},
		{"scenarios/browser", "R-QR-1, R-RT-5: the agent sends an imported 常用语 from the workbench and the customer receives it"}},
	"D-UI-1": {{"sim/server", "TestAccessControl"},
		{"scenarios/browser", "R-TEN-1: under 淘宝BU 马上上班 shows 404 page not found and no 在线工作台; 闲鱼BU and a refresh fix it"}},
	"D-UI-2": {{"sim/server", "TestSettingsSaveOnlyWhatTheUserChanged"},
		{"scenarios/browser", "配置中心 → 首问机器人 that saves the welcome the user did not touch fails"}},
	"D-RUN-6": {{"sim/routetest", "TestAnyValidCapacityAndDelayPasses"}, {"sim/routetest", "TestReplyDelayLongerThanTimeoutPasses"},
		{"sim/routetest", "TestValidSetUpsPass"}},
	"D-RUN-7": {{"sim/routetest", "TestForeignTargetIsNotAWorkbench"}, {"sim/routetest", "TestInterruptedRunBlamesNobody"},
		{"sim/routetest", "TestTimeoutTooShortForTheHarness"}, {"sim/routetest", "TestReplyLostBeforeTheWorkbenchIsHarnessTrouble"},
		{"cmd/routecheck", "TestUnreachableTargetExitsThree"}, {"cmd/routecheck", "TestInterruptExits130"}},
	"D-RUN-8": {{"cmd/routecheck", "TestBusinessHoursVendorPassesAtAnyHarnessHour"}, {"cmd/routecheck", "TestNightlyWorkflowPassesABusinessHoursVendor"},
		{"cmd/routecheck", "TestTargetOutsideHoursIsNotTheVendorsFault"}, {"cmd/routecheck", "TestAtOutsideHoursRehearsesTheWrongTime"},
		{"sim/routetest", "TestBundledClockStartsInHoursAtAnyHarnessHour"}, {"sim/routetest", "TestParseAt"},
		{"sim/workbench", "TestWorkHoursOnTheWallClock"}},
	"D-RUN-9": {{"cmd/routecheck", "TestFollowOnKPIIsAConsequenceOfTheFailedStep"}, {"cmd/routecheck", "TestRepeatedChecksNameTheirChatAndAgent"}},
	"D-VET-1": {{"cmd/routecheck", "TestVetPredictsRun"}, {"cmd/routecheck", "TestVetJSONSaysWhereRunFails"}},
	"D-OUT-1": {{"cmd/routecheck", "TestReportFolders"}, {"cmd/routecheck", "TestRunDirNeverReused"}},
	"D-CLI-1": {{"cmd/routecheck", "TestConsoleGoldens"}, {"cmd/routecheck", "TestProgressOnlyOnTerminal"}, {"cmd/routecheck", "TestVetColour"}},
	"D-CLI-2": {{"fixtures", "TestTemplate"}, {"cmd/routecheck", "TestInitTemplate"}, {"cmd/routecheck", "TestTemplatePromises"}, {"cmd/routecheck", "TestReadmeFixtureTable"}},
	"D-CLI-3": {{"cmd/routecheck", "TestVetJSON"}, {"cmd/routecheck", "TestVetJSONSaysWhereRunFails"}},
	"D-SIM-1": {{"sim/traffic", "TestPureQueueingProfileAsWritten"}, {"sim/traffic", "TestIdleCustomersAreClosed"}, {"sim/traffic", "TestSatisfactionModel"}},
	"D-SIM-2": {{"sim/traffic", "TestSimulationKeepsInvariants"}},
	"D-SIM-3": {{"cmd/routecheck", "TestSimulateFailsBelowThreshold"}, {"cmd/routecheck", "TestSimulateLastLineIsTheExitCode"},
		{"sim/traffic", "TestVerdictAndCausesAgree"}},
	"D-SIM-4": {{"sim/workbench", "TestKPIStreamMatchesLog"}, {"sim/traffic", "TestSummaryAndStaffing"},
		{"sim/traffic", "TestCalendarDaysWhateverTheWarmup"}},
	"D-SIM-5": {{"sim/traffic", "TestSummaryAndStaffing"}, {"cmd/routecheck", "TestSimulateFindStaffing"},
		{"sim/traffic", "TestStaffingCalibration"}},
	"D-SIM-6": {{"sim/traffic", "TestClosingTimeServesTheQueue"}},
	"D-SIM-7": {{"sim/traffic", "TestStaffingClosedHoursAndAFreshSeed"}, {"cmd/routecheck", "TestSimulateOutOfHoursAdvice"}},
	"D-LOAD-1": {{"sim/load", "TestAuditCountsEveryOutcome"}, {"sim/load", "TestAuditHistoryDeliveryIsNotLatencyNorOrder"},
		{"sim/load", "TestAuditCountsEachReceiverOnItsOwn"}},
	"D-LOAD-2": {{"scenarios/faults", "an agent that reads slowly lags on its own and never stalls routing for others"}},
	"D-LOAD-3": {{"sim/load", "TestRunEndDoesNotLoseRepliesInFlight"}, {"sim/load", "TestQuietenWaitsForASendBeingWritten"}},
	"D-SRV-1":  {{"sim/server", "TestHashWorkersCheckPasswordsAtLowestPriority"}, {"sim/server", "TestHashWorkerMissingHookFallsBackInProcess"}},
	"D-LOAD-4": {{"sim/load", "TestExportArtilleryWritesTheWorkload"}, {"sim/load", "TestArtilleryProcessorDrivesTheWorkbench"}},
	"D-LOAD-5": {{"sim/load", "TestAuditEchoMustBelongToItsChat"},
		{"scenarios/faults", "a reply also delivered to another chat's customer is misdelivered"},
		{"scenarios/faults", "a customer's message also delivered to another agent is misdelivered"}},
	"D-LOAD-6": {{"sim/load", "TestRunSendsAgainAfterALimit"},
		{"scenarios/faults", "an error frame instead of a delivery is an unexpected refusal"}},
	"D-LOAD-7": {{"sim/load", "TestAuditUnansweredIsUnconfirmedOnlyWithinTheWindow"},
		{"scenarios/faults", "messages swallowed long before a shutdown are lost, not unconfirmed"}},
	"D-LOAD-8": {{"sim/load", "TestChatOrderJudgesEveryFrame"},
		{"scenarios/faults", "a message behind its own notification is out of cseq order"}},
	"D-LOAD-9":  {{"cmd/routecheck", "TestLoadAgentDropBeyondTheLoadRefused"}},
	"D-LOAD-10": {{"sim/load", "TestSecondP99ShowsAStall"}},
	"D-LOAD-11": {{"sim/load", "TestAuditUnreachedOnlyWhileTheAgentWasAway"}, {"sim/load", "TestLostSince"}},
	"D-PRE-1":   {{"sim/server/web", "TestPreflightPageRenders"}, {"sim/server", "TestPreflightPostIsTheAgentsResult"}},
	"D-PRE-2":   {{"sim/server/web", "TestPreflightNeedsNoInternet"}, {"sim/server/web", "TestPreflightFixesUseTheSeedsWords"}},
	"D-PRE-3": {{"sim/server", "TestPreflightPostIsTheAgentsResult"}, {"sim/server", "TestPreflightRosterListsAgentsNeverChecked"},
		{"cmd/routecheck", "TestPreflightCommand"}},
	"D-PRE-4": {{"sim/server", "TestPreflightRoles"}, {"sim/server", "TestPreflightRefusesBadPosts"},
		{"sim/server", "TestPreflightStoreHoldsOneResultPerAgent"}},
	"D-CHK-1": {{"sim/checklist", "TestChecklistNamesEveryTextOfTheFixture"}, {"sim/checklist", "TestHoursInBothZones"},
		{"sim/checklist", "TestNamedFailureIsRunsDiagnosis"}},
	"D-CHK-2": {{"sim/checklist", "TestNamedFailureIsRunsDiagnosis"}},
	"D-CHK-3": {{"sim/checklist", "TestParseRecordRefusesBadRecords"}},
	"D-CLI-4": {{"cmd/routecheck", "TestOneConvention"}, {"cmd/routecheck", "TestReportFolders"}},
	"D-CLI-5": {{"cmd/routecheck", "TestOneConvention"}},
	"D-CLI-6": {{"cmd/routecheck", "TestOneConvention"}},
	"D-CLI-7": {{"cmd/routecheck", "TestBadInputIsOneCleanLine"}, {"cmd/routecheck", "TestErrorLine"}},
	"D-SEC-1": {{"fixtures", "TestPasswordFromEnvironment"}, {"cmd/routecheck", "TestNoPasswordInReportsOrConsole"}, {"cmd/routecheck", "TestRerunNeverPrintsAPassword"}},
	"D-SRV-2": {{"cmd/routecheck", "TestServeListenKeepsTheSecurity"}, {"cmd/routecheck", "TestServeListenAddresses"}},
	"D-QR-3":  {{"sim/server", "TestQRPageForOperationsOnly"}},
	"D-ACL-2": {{"sim/workbench", "TestOperationsScopedToTheirVendor"}, {"sim/server", "TestOperationsScopedToTheirVendor"},
		{"sim/workbench", "TestGroupWelcomeAccess"}},
	"D-LOGIN-1": {{"sim/server", "TestLoginLimitsBehindNAT"}, {"sim/server", "TestParallelGuessesCountedBeforeHashing"}},
	"D-SES-1":   {{"sim/server", "TestSessionsPerAccount"}, {"sim/server", "TestEndingSessionClosesSockets"}},
	"D-KPI-3":   {{"sim/server", "TestInsightSurvivesEventHistory"}, {"sim/workbench", "TestInsightIndependentOfLogLimit"}, {"sim/workbench", "TestInsightLocalDayInEveryZone"}},
	"D-LIM-1":   {{"sim/server", "TestEveryStoringFrameHasChatLimits"}},
	"D-LIM-2": {{"sim/server", "TestSnapshotsArePaged"}, {"sim/server", "TestSendQueueBoundedInBytes"},
		{"sim/server", "TestFloodsRateLimitedBeforeAnyWork"}, {"sim/server", "TestChatLogBoundedInBytes"}, {"sim/server", "TestHellosLimited"}},
	"D-SCR-1": {{"sim/script", "TestGrammarParses"}, {"sim/script", "TestChineseInputMethods"},
		{"sim/script", "TestNegativeAssertWatchesItsWholeWindow"}, {"sim/script", "TestDocsExamples"}},
	"D-SCR-2": {{"sim/server", "TestClockControlOnlyWhenStartedForScripts"}, {"sim/server", "TestClockControlNeedsTheRunsSecret"},
		{"sim/server", "TestClockControlFiresTheIdleTimers"}, {"sim/server", "TestClockControlCountsSockets"},
		{"cmd/routecheck", "TestServeRefusesClockControl"}, {"sim/script", "TestOnlyScriptRunsStartClockControl"},
		{"cmd/routecheck", "TestScriptAgainstTargetSaysItsWaitsAreReal"}},
	"D-SCR-3": {{"sim/script", "TestErrorsNameLineColumnAndWhatWasMeant"}, {"sim/script", "TestEveryProblemAtOnce"},
		{"sim/script", "TestFailureShowsLastFramesOfTheParties"}},
	"D-SCR-4": {{"sim/script", "TestImpossibleWaitsFailFast"}, {"sim/script", "TestPossibleWaitsWait"}},
	"D-SCR-5": {{"scenarios/scripts", "D-SCR-5: every shipped script is in the table above, with a sabotage"},
		{"scenarios/scripts", "D-SCR-5: together the shipped scripts assert every rule a conversation can show"},
		{"scenarios/scripts", "idle-close"}, {"sim/script", "TestShippedScriptsLoad"}},
	"D-SCR-6": {{"sim/script", "TestRecordingsReplayToTheSameOutcome"}, {"cmd/routecheck", "TestServeRecordReplaysToTheSameOutcome"}},
	"D-SCR-7": {{"cmd/routecheck", "TestScriptExitCodes"}, {"cmd/routecheck", "TestScriptReports"},
		{"cmd/routecheck", "TestScriptInterruptExits130"}, {"cmd/routecheck", "TestOneConvention"}},
}

// Every decision of docs/decisions.md has tests in the table, and every
// test the table names exists: a decision added without a test, or a
// decision's tests deleted, fails here.
func TestEveryDecisionHasTestsThatExist(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "decisions.md"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range regexp.MustCompile(`(?m)^\| (D-[A-Z]+-\d+) \|`).FindAllStringSubmatch(string(b), -1) {
		ids = append(ids, m[1])
	}
	if len(ids) < 40 {
		t.Fatalf("found %d decisions in docs/decisions.md", len(ids))
	}
	names := map[string]map[string]bool{}
	for _, id := range ids {
		refs := decisionTests[id]
		if len(refs) == 0 {
			t.Errorf("%s has no test in the table", id)
		}
		for _, r := range refs {
			if names[r.dir] == nil {
				names[r.dir] = testNames(t, r.dir)
			}
			if !names[r.dir][r.name] {
				t.Errorf("%s: the table names %s %q, which is not a test there", id, r.dir, r.name)
			}
		}
	}
	for id := range decisionTests {
		if !slices.Contains(ids, id) {
			t.Errorf("the table has %s, which docs/decisions.md does not", id)
		}
	}
}
