package traffic

import (
	"math/rand/v2"
)

// Reach is what agents can and cannot change under a profile. Staffing
// moves the queue: how many are picked up and how long they wait. It does
// not move how soon an agent answers after pickup (首响时长 is measured
// from pickup, R-KPI-1), and satisfaction only as far as the wait goes.
type Reach struct {
	// MeanFirstReplyS is the profile's time from pickup to the first
	// reply, over chats replied to: the first response any staffing gets.
	MeanFirstReplyS float64 `json:"mean_first_reply_s"`
	// SatisfactionAtNoWait is the satisfaction of chats picked up at once:
	// the most that agents can reach by removing the wait.
	SatisfactionAtNoWait float64 `json:"satisfaction_at_no_wait"`
}

// reachSamples is the Monte Carlo draws ProfileReach takes: its figures
// are within about 0.2 points (satisfaction) of the exact ones.
const reachSamples = 100_000

// ProfileReach draws chats served at once from the profile (first reply
// and chat duration as the simulator draws them: a chat closed before the
// first reply is never replied to) with a fixed seed, so the answer is the
// same every time.
func ProfileReach(p *Profile) Reach {
	rng := rand.New(rand.NewPCG(0x5eed, 0xc0ffee))
	var frSum, satSum float64
	replied := 0
	for range reachSamples {
		fr := p.FirstReply.Sample(rng)
		ok := fr < p.ChatDuration.Sample(rng)
		if ok {
			replied++
			frSum += fr.Seconds()
		}
		satSum += p.Satisfaction.P(0, fr, ok)
	}
	r := Reach{SatisfactionAtNoWait: satSum / reachSamples}
	if replied > 0 {
		r.MeanFirstReplyS = frSum / float64(replied)
	}
	return r
}

// reachable says which thresholds agents can move at all: pickup always
// (enough agents pick up everyone in the work hours), satisfaction when
// chats picked up at once reach it, first response never.
func (r Reach) satisfactionReachable(min float64) bool { return r.SatisfactionAtNoWait >= min }
