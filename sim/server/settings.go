package server

import "net/http"

// The settings forms (个人设置 消息提醒 and 首问机器人, 配置中心 首问机器人)
// save what the user changed and nothing else: a field left out of the
// body keeps its value, so a form that sends one field cannot erase
// another. Present fields are set as sent, "" included. The current value
// is read and the new one written in the same call, under the lock.

type notifyBody struct{ Desktop, Sound *bool }

func (s *Server) apiNotify(r *http.Request, me string, in notifyBody) (any, error) {
	acc, err := s.core.Account(me)
	if err != nil {
		return nil, err
	}
	if err := s.core.SetNotify(me, keep(in.Desktop, acc.Desktop), keep(in.Sound, acc.Sound)); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

type welcomeBody struct{ Welcome, Closing *string }

func (s *Server) apiWelcome(r *http.Request, me string, in welcomeBody) (any, error) {
	acc, err := s.core.Account(me)
	if err != nil {
		return nil, err
	}
	if err := s.core.SetPersonalWelcome(me, keep(in.Welcome, acc.Welcome), keep(in.Closing, acc.Closing)); err != nil {
		return nil, err
	}
	return s.core.Account(me)
}

func (s *Server) apiGroupWelcome(r *http.Request, me string, in welcomeBody) (any, error) {
	return nil, s.core.UpdateGroupWelcome(me, r.PathValue("dept"), in.Welcome, in.Closing)
}

// apiGetGroupWelcome is the skill group's 首问机器人 as 配置中心 shows it.
func (s *Server) apiGetGroupWelcome(r *http.Request, me string) (any, error) {
	return s.core.GroupWelcome(me, r.PathValue("dept"))
}

// keep is the sent value, or the current one when the field was left out.
func keep[T any](sent *T, current T) T {
	if sent == nil {
		return current
	}
	return *sent
}
