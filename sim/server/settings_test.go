package server_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// The settings saves change only what the body sends: a field left out
// keeps its value (a form that sends one message cannot erase the other),
// "" sent is "" set. 配置中心 can read the skill group's welcome before it
// saves, and only who may set it may read it (R-WEL-1, D-UI-1).
func TestSettingsSaveOnlyWhatTheUserChanged(t *testing.T) {
	w := newWorld(t)
	a1 := actors.NewAgent(w.base, "A-a1")
	w.must(a1.SignIn(w.ctx, pw))
	admin := actors.NewAgent(w.base, "A-admin")
	w.must(admin.SignIn(w.ctx, pw))
	var acc wb.AccountView

	// 个人设置 → 首问机器人
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/welcome", map[string]string{"welcome": "您好，我是小王", "closing": "再见"}, &acc))
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/welcome", map[string]string{"closing": "小王祝您愉快"}, &acc))
	if acc.Welcome != "您好，我是小王" || acc.Closing != "小王祝您愉快" {
		t.Errorf("saving the closing alone: welcome %q closing %q", acc.Welcome, acc.Closing)
	}
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/welcome", map[string]string{"welcome": ""}, &acc))
	if acc.Welcome != "" || acc.Closing != "小王祝您愉快" {
		t.Errorf("clearing the welcome alone: welcome %q closing %q", acc.Welcome, acc.Closing)
	}

	// 个人设置 → 消息提醒
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/notify", map[string]bool{"desktop": false}, &acc))
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/notify", map[string]bool{"sound": false}, &acc))
	if acc.Desktop || acc.Sound {
		t.Errorf("two saves of one switch each: desktop %v sound %v, want both off", acc.Desktop, acc.Sound)
	}
	w.must(nil, a1.API(w.ctx, http.MethodPut, "/api/notify", map[string]bool{"sound": true}, &acc))
	if acc.Desktop || !acc.Sound {
		t.Errorf("turning the sound on: desktop %v sound %v", acc.Desktop, acc.Sound)
	}

	// 配置中心 → 首问机器人 of the skill group
	path := "/api/departments/" + url.PathEscape("部门-A") + "/welcome"
	var g wb.GroupWelcomeView
	w.must(nil, admin.API(w.ctx, http.MethodGet, path, nil, &g))
	if g.Welcome != "欢迎 A" || g.Closing != "" || g.Department != "部门-A" {
		t.Errorf("the form opens with %+v, want the group's welcome 欢迎 A", g)
	}
	w.must(nil, admin.API(w.ctx, http.MethodPut, path, map[string]string{"closing": "感谢咨询"}, nil))
	w.must(nil, w.ops.API(w.ctx, http.MethodGet, path, nil, &g))
	if g.Welcome != "欢迎 A" || g.Closing != "感谢咨询" {
		t.Errorf("saving the closing alone: %+v", g)
	}
	// The next customer still gets the group's welcome (R-WEL-1).
	agent := w.agent("A-a2")
	cust, _ := w.transferred("A", agent)
	f, _, err := cust.WaitMessage(w.ctx, 0, "system", nil)
	if err != nil || f.Text != "欢迎 A" {
		t.Errorf("after saving the closing, the customer's welcome is %q (%v)", f.Text, err)
	}
	// Reading is for those who may set it.
	var api *actors.APIError
	if err := a1.API(w.ctx, http.MethodGet, path, nil, &g); !errors.As(err, &api) || api.Status != http.StatusForbidden {
		t.Errorf("an agent reads the group's welcome: %v", err)
	}
	if err := w.ops.API(w.ctx, http.MethodGet, "/api/departments/nope/welcome", nil, &g); !errors.As(err, &api) || api.Status != http.StatusNotFound {
		t.Errorf("an unknown department: %v", err)
	}
	bAdmin := "/api/departments/" + url.PathEscape("部门-B") + "/welcome"
	if err := admin.API(w.ctx, http.MethodGet, bAdmin, nil, &g); !errors.As(err, &api) || api.Status != http.StatusForbidden {
		t.Errorf("another department's admin reads B's welcome: %v", err)
	}
	if err := admin.API(w.ctx, http.MethodPut, bAdmin, map[string]string{"closing": "x"}, nil); !errors.As(err, &api) || api.Status != http.StatusForbidden {
		t.Errorf("another department's admin saves B's closing: %v", err)
	}
}
