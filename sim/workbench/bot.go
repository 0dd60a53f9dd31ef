package workbench

import (
	"fmt"
	"strings"
	"time"
)

// Bot texts. The fallback points at the FAQ; the refusal offers the hotline
// (our decision for the case the seed leaves open, see docs/decisions.md).
const (
	BotFallback       = "抱歉，小蜜没有理解您的问题。您可以点击下方常见问题，或发送“转人工”联系人工客服。"
	BotQueued         = "正在为您转接人工客服，请稍候。"
	BotOutsideHours   = "当前不在人工客服服务时间（%s），请在服务时间内再来咨询，或拨打热线电话 %s。"
	BotNobodyOnline   = "当前没有人工客服在线，请稍后再试，或拨打热线电话 %s。"
	BotAlreadyHuman   = "您已在人工客服会话中。"
	BotHotline        = "热线电话：%s"
	BotLink           = "请访问：%s"
	TransferViaText   = "text"
	TransferViaPhrase = "quick_phrase"
	TransferViaButton = "card_button"
)

// botAnswer handles a customer message to the bot page (R-VEN-2, R-RT-3,
// R-RT-4): 转人工 or a transfer quick phrase requests a human; a quick
// phrase or a second-level FAQ question gets its answer; a first-level
// title lists its questions.
func (w *Workbench) botAnswer(c *conv, text string) {
	p := c.vendor.cfg.BotPage
	t := strings.TrimSpace(text)
	if strings.Contains(t, TransferText) {
		w.transfer(c, TransferViaText)
		return
	}
	for _, q := range p.QuickPhrases {
		if q.Text == t {
			if q.Transfer {
				w.transfer(c, TransferViaPhrase)
			} else {
				w.say(c, SenderBot, nil, q.Answer)
			}
			return
		}
	}
	for _, topic := range p.FAQ {
		if topic.Title == t {
			qs := make([]string, len(topic.Questions))
			for i, q := range topic.Questions {
				qs[i] = fmt.Sprintf("%d. %s", i+1, q.Question)
			}
			w.say(c, SenderBot, nil, strings.Join(qs, "\n"))
			return
		}
		for _, q := range topic.Questions {
			if q.Question == t {
				w.say(c, SenderBot, nil, q.Answer)
				return
			}
		}
	}
	w.say(c, SenderBot, nil, BotFallback)
}

// PressButton is a tap on a robot-card button (R-VEN-2).
func (w *Workbench) PressButton(convID, label string) error {
	w.begin()
	defer w.settle()
	c, err := w.conv(convID)
	if err != nil {
		return err
	}
	if c.state == StateEnded {
		return ruleErr(ErrConflict, "", "the conversation has ended")
	}
	for _, b := range c.vendor.cfg.BotPage.CardButtons {
		if b.Label != label {
			continue
		}
		switch b.Kind {
		case ButtonOnlineAgent:
			if c.state != StateBot {
				w.say(c, SenderBot, nil, BotAlreadyHuman)
				return nil
			}
			w.transfer(c, TransferViaButton)
		case ButtonHotline:
			w.say(c, SenderBot, nil, fmt.Sprintf(BotHotline, w.hotline(c.vendor)))
		default:
			w.say(c, SenderBot, nil, fmt.Sprintf(BotLink, b.Value))
		}
		return nil
	}
	return ruleErr(ErrNotFound, "R-VEN-2", "the robot card has no button %q", label)
}

// hotline is the number to offer: the card's hotline button, else the
// vendor record's (R-VEN-1).
func (w *Workbench) hotline(v *vendor) string { return v.cfg.RefusalHotline() }

// transfer is a service request (R-RT-4). Outside work hours (R-VEN-4) or
// with nobody 在线 it is refused with the hotline and counted as a request
// not picked up; otherwise the chat joins the skill group's queue and the
// router takes it from there.
func (w *Workbench) transfer(c *conv, via string) {
	req := c.event(EvTransferRequest)
	req.Reason = via
	w.emit(req)
	v := c.vendor
	if !v.cfg.WorkHours.InWorkHours(w.clock.Now(), v.loc) {
		w.say(c, SenderBot, nil, v.cfg.OutsideHoursText())
		e := c.event(EvUnserved)
		e.Reason = ReasonOutsideHours
		w.emit(e)
		return
	}
	if c.group.online == 0 {
		w.say(c, SenderBot, nil, v.cfg.NobodyOnlineText())
		e := c.event(EvUnserved)
		e.Reason = ReasonNobodyOnline
		w.emit(e)
		return
	}
	c.state = StateQueued
	c.group.pushBack(c)
	w.say(c, SenderBot, nil, BotQueued)
	w.emit(c.event(EvQueued))
}

var weekdayNames = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// WeekdayName is a weekday as the workbench and vendors name it (周一).
func WeekdayName(d time.Weekday) string { return weekdayNames[d] }

// String is the work hours as the bot tells customers: "周一、周二 09:00-18:00".
func (h WorkHours) String() string {
	days := make([]string, len(h.Days))
	for i, d := range h.Days {
		days[i] = weekdayNames[d]
	}
	hm := func(d time.Duration) string {
		m := int(d.Minutes())
		return fmt.Sprintf("%02d:%02d", m/60, m%60)
	}
	return fmt.Sprintf("%s %s-%s", strings.Join(days, "、"), hm(h.From), hm(h.To))
}
