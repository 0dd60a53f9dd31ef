package server

import "net/http"

// BotView is the bot page (小蜜) as GET /api/bot answers it (R-VEN-2).
type BotView struct {
	Vendor       string      `json:"vendor"`
	Name         string      `json:"name"`
	RobotName    string      `json:"robot_name"`
	Greeting     string      `json:"greeting"`
	CardButtons  []botButton `json:"card_buttons"`
	FAQ          []botTopic  `json:"faq"`
	QuickPhrases []botPhrase `json:"quick_phrases"`
}

type botButton struct {
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

type botTopic struct {
	Title     string        `json:"title"`
	Questions []botQuestion `json:"questions"`
}

type botQuestion struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

type botPhrase struct {
	Text     string `json:"text"`
	Transfer bool   `json:"transfer"`
}

func (s *Server) botView(vendor string) (BotView, error) {
	v, err := s.core.Vendor(vendor)
	if err != nil {
		return BotView{}, err
	}
	p := v.BotPage
	out := BotView{Vendor: v.ID, Name: v.Name, RobotName: p.RobotName, Greeting: p.Greeting,
		CardButtons: []botButton{}, FAQ: []botTopic{}, QuickPhrases: []botPhrase{}}
	for _, b := range p.CardButtons {
		out.CardButtons = append(out.CardButtons, botButton{b.Label, string(b.Kind), b.Value})
	}
	for _, t := range p.FAQ {
		bt := botTopic{Title: t.Title, Questions: []botQuestion{}}
		for _, q := range t.Questions {
			bt.Questions = append(bt.Questions, botQuestion{q.Question, q.Answer})
		}
		out.FAQ = append(out.FAQ, bt)
	}
	for _, q := range p.QuickPhrases {
		out.QuickPhrases = append(out.QuickPhrases, botPhrase{q.Text, q.Transfer})
	}
	return out, nil
}

// handleBot is GET /api/bot?t=TOKEN: the token is the only credential.
func (s *Server) handleBot(w http.ResponseWriter, r *http.Request) {
	e, err := verifyToken(s.opts.Secret, r.URL.Query().Get("t"), r.URL.Query().Get("v"), s.clock.Now())
	if err != nil {
		refuseToken(w, err)
		return
	}
	s.mu.Lock()
	v, err := s.botView(e.Vendor)
	s.unlock()
	if err != nil {
		writeCoreError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
