package workbench

import "fmt"

// WorkbenchURL is where vendors' agents log into X-Space (R-WB-1), as the
// seed's 服务商上班操作指南 gives it. The go-live checklist and the preflight
// page point agents there.
const WorkbenchURL = "https://xianyu.service.xixikf.cn/"

// RefusalHotline is the number the bot gives when it refuses a transfer
// (D-RT-1): the robot card's hotline button, else the vendor record's.
func (c VendorConfig) RefusalHotline() string {
	for _, b := range c.BotPage.CardButtons {
		if b.Kind == ButtonHotline && b.Value != "" {
			return b.Value
		}
	}
	return c.Hotline
}

// OutsideHoursText is what the bot answers a transfer request outside the
// work hours (R-VEN-4, D-RT-1).
func (c VendorConfig) OutsideHoursText() string {
	return fmt.Sprintf(BotOutsideHours, c.WorkHours.String(), c.RefusalHotline())
}

// NobodyOnlineText is what the bot answers a transfer request when no agent
// of the skill group is 在线 (R-RT-2, D-RT-1).
func (c VendorConfig) NobodyOnlineText() string {
	return fmt.Sprintf(BotNobodyOnline, c.RefusalHotline())
}
