package actors

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// ClockState is the bundled workbench's clock as GET and POST /api/clock
// answer (docs/protocol.md "Clock control").
type ClockState struct {
	Now     time.Time  `json:"now"`
	Next    *time.Time `json:"next"`
	Fired   int        `json:"fired"`
	Sockets int        `json:"sockets"`
}

// ClockControl moves the virtual clock of a workbench started for a script
// run, with that run's secret. No other workbench has the route.
type ClockControl struct {
	c      *client
	secret string
}

// NewClockControl is the clock control of the workbench at base.
func NewClockControl(base, secret string) *ClockControl {
	return &ClockControl{c: newClient(base), secret: secret}
}

// State reads the clock.
func (k *ClockControl) State(ctx context.Context) (ClockState, error) {
	return k.call(ctx, http.MethodGet, nil)
}

// RunUntil fires every timer due up to t and leaves the clock at t; with
// next it stops after the first instant that had timers due, if one comes
// before t.
func (k *ClockControl) RunUntil(ctx context.Context, t time.Time, next bool) (ClockState, error) {
	return k.call(ctx, http.MethodPost, map[string]any{"until": t, "next": next})
}

func (k *ClockControl) call(ctx context.Context, method string, in any) (ClockState, error) {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.c.base+"/api/clock", body)
	if err != nil {
		return ClockState{}, err
	}
	req.Header.Set("X-Routecheck-Clock", k.secret)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := k.c.http.Do(req)
	if err != nil {
		return ClockState{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return ClockState{}, err
	}
	if resp.StatusCode != http.StatusOK {
		e := &APIError{Status: resp.StatusCode}
		if json.Unmarshal(data, e) != nil || e.Err == "" {
			e.Err = string(bytes.TrimSpace(data))
		}
		return ClockState{}, e
	}
	var st ClockState
	return st, json.Unmarshal(data, &st)
}
