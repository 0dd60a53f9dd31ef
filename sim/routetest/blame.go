package routetest

import (
	"fmt"

	"routecheck/reports"
)

// about names a test chat, and its agent once one took it, for the checks
// made once per chat: "chat 转人工 (text), agent 客服小王 (demo-agent1)".
func (r *runner) about(c *chat) func() string {
	return func() string {
		s := "chat " + c.title
		if c.agent != nil {
			s += fmt.Sprintf(", agent %s (%s)", r.agentName(c.agent), c.agent.Login)
		}
		return s
	}
}

// followOnKPIs are the KPIs a failed step alone can fail: a request the
// step left unserved (refused, still queued, never transferred) is not
// picked up. First response is over replied chats only (D-KPI-1) and the
// test chats are rated 非常满意, so those fail only for reasons of their own.
var followOnKPIs = map[string]bool{"pickup_rate": true, "abandonment_rate": true}

// blameFollowOns marks the failed KPIs that follow from the first step that
// failed or could not be judged: the console and reports show them as its
// consequence, not as a second cause with a fix of its own.
func (r *runner) blameFollowOns() {
	first := 0
	for _, s := range r.rep.Steps {
		if s.Status == reports.StatusFailed || s.Status == reports.StatusError {
			first = s.Number
			break
		}
	}
	if first == 0 {
		return
	}
	for _, v := range r.rep.Verdicts {
		if v.Measured && !v.Pass && followOnKPIs[v.Name] {
			if r.rep.FollowsFrom == nil {
				r.rep.FollowsFrom = map[string]int{}
			}
			r.rep.FollowsFrom[v.Name] = first
		}
	}
}
