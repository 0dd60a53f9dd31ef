package actors

import (
	"context"
	"net/http"
	"net/url"
)

// QuickReply is one 常用语 as GET /api/quick-replies carries it.
type QuickReply struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// SetNotify sets the agent's 消息提醒 switches (R-NTF-1).
func (a *Agent) SetNotify(ctx context.Context, desktop, sound bool) (Account, error) {
	var acc Account
	err := a.c.do(ctx, http.MethodPut, "/api/notify", map[string]bool{"desktop": desktop, "sound": sound}, &acc)
	return acc, err
}

// SetWelcome sets the agent's own 首问机器人 (R-WEL-1); a nil text keeps
// what the workbench holds (D-UI-2).
func (a *Agent) SetWelcome(ctx context.Context, welcome, closing *string) (Account, error) {
	var acc Account
	err := a.c.do(ctx, http.MethodPut, "/api/welcome", welcomeBody(welcome, closing), &acc)
	return acc, err
}

// SetGroupWelcome sets the skill group's 首问机器人 as its department admin
// (R-WEL-1); a nil text keeps what the workbench holds.
func (a *Agent) SetGroupWelcome(ctx context.Context, dept string, welcome, closing *string) error {
	return a.c.do(ctx, http.MethodPut, "/api/departments/"+url.PathEscape(dept)+"/welcome", welcomeBody(welcome, closing), nil)
}

// SetGroupWelcome sets a skill group's 首问机器人 as operations (R-WEL-1).
func (o *Ops) SetGroupWelcome(ctx context.Context, dept string, welcome, closing *string) error {
	return o.c.do(ctx, http.MethodPut, "/api/departments/"+url.PathEscape(dept)+"/welcome", welcomeBody(welcome, closing), nil)
}

func welcomeBody(welcome, closing *string) map[string]string {
	body := map[string]string{}
	if welcome != nil {
		body["welcome"] = *welcome
	}
	if closing != nil {
		body["closing"] = *closing
	}
	return body
}

// QuickReplies lists the agent's 常用语 (R-QR-1).
func (a *Agent) QuickReplies(ctx context.Context) ([]QuickReply, error) {
	var out []QuickReply
	err := a.c.do(ctx, http.MethodGet, "/api/quick-replies", nil, &out)
	return out, err
}

// AddQuickReply adds one 常用语 (R-QR-1).
func (a *Agent) AddQuickReply(ctx context.Context, text string) (QuickReply, error) {
	var q QuickReply
	err := a.c.do(ctx, http.MethodPost, "/api/quick-replies", map[string]string{"text": text}, &q)
	return q, err
}

// SetCapacity changes an agent's maximum concurrent chats in V级管理
// (R-CAP-1); the answer's warning is set above 1V6 (D-CAP-1).
func (o *Ops) SetCapacity(ctx context.Context, login string, n int) (warning string, err error) {
	var out struct {
		Capacity int    `json:"capacity"`
		Warning  string `json:"warning"`
	}
	err = o.c.do(ctx, http.MethodPut, "/api/agents/"+url.PathEscape(login)+"/capacity", map[string]int{"capacity": n}, &out)
	return out.Warning, err
}
