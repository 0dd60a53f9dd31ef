package workbench

import "time"

// Limits from SPEC.md that the core and the fixture loader both enforce.
const (
	TenantXianyu = "闲鱼BU" // R-TEN-1: the only tenant under which agents can work

	MinCardButtons   = 1  // R-VEN-2
	MaxCardButtons   = 4  // R-VEN-2
	MaxFAQTopics     = 3  // R-VEN-2: first-level questions
	MaxFAQQuestions  = 5  // R-VEN-2: second-level questions per topic
	MaxQuickPhrases  = 10 // R-VEN-2
	DefaultCapacity  = 3  // R-CAP-1: "1V3"
	AdvisedCapacity  = 6  // R-CAP-1: above this is accepted with a warning
	MaxCapacity      = 20 // our hard ceiling: a figure above it is a typo, not a setting
	MinLeadTimeDays  = 7  // R-VEN-5
	MaxDeptAdmins    = 2  // R-KPI-2: 1-2 department admin accounts per vendor
	MaxQuickReplies  = 200
	MaxQuickReplyLen = 500
	MaxTextLen       = 2000 // longest chat message accepted

	TransferText     = "转人工"  // R-RT-4
	OnlineAgentLabel = "在线客服" // R-RT-4: the quick phrase that requests a human

	IdleWarnAfter = 4 * time.Minute // R-IDLE-1
	IdleEndAfter  = 5 * time.Minute // R-IDLE-1
	// IdleWarningText is the exact R-IDLE-1 warning.
	IdleWarningText = "由于您长时间未响应客服消息,系统将在60秒后自动结束会话,如需继续咨询请向客服提问"
)

// Role is what an account may do.
type Role string

// Roles (R-VEN-3, R-KPI-2, R-CAP-1).
const (
	RoleAgent      Role = "agent"
	RoleDeptAdmin  Role = "dept_admin" // 部门管理员: an agent who may also read Service Insight
	RoleOperations Role = "operations" // CCO operations staff
)

// VendorConfig is one vendor's onboarding data (R-VEN-1..5) as the core
// takes it. The fixture loader validates it; AddVendor re-checks the limits.
type VendorConfig struct {
	ID           string
	Name         string
	BusinessLine string // 所属业务
	Hotline      string // 热线电话
	Department   string // the vendor's department / skill group (技能组)
	WorkHours    WorkHours
	BotPage      BotPage
	Welcome      string // skill-group 首问机器人 welcome (R-WEL-1); empty: none
	Closing      string // skill-group closing message; empty: none
	Accounts     []AccountConfig
}

// WorkHours is when agents are on duty (R-VEN-4), in the vendor's zone.
type WorkHours struct {
	Location *time.Location // nil means Asia/Shanghai
	Days     []time.Weekday
	From     time.Duration // since local midnight
	To       time.Duration // since local midnight; To <= From spans midnight
}

// BotPage is the 小蜜 page (R-VEN-2).
type BotPage struct {
	RobotName    string
	Greeting     string
	CardButtons  []CardButton
	FAQ          []FAQTopic
	QuickPhrases []QuickPhrase
	LinkURL      string // 小蜜链接
}

// ButtonKind says what a robot-card button does.
type ButtonKind string

// Button kinds.
const (
	ButtonHotline     ButtonKind = "hotline"      // shows the hotline
	ButtonOnlineAgent ButtonKind = "online_agent" // requests a human (R-RT-4)
	ButtonLink        ButtonKind = "link"
)

// CardButton is one jump button on the robot card.
type CardButton struct {
	Label string
	Kind  ButtonKind
	Value string // phone number or URL
}

// FAQTopic is a first-level question with its second-level questions.
type FAQTopic struct {
	Title     string
	Questions []FAQItem
}

// FAQItem is a second-level question and the bot's answer.
type FAQItem struct {
	Question string
	Answer   string
}

// QuickPhrase is a 快捷短语. Transfer phrases request a human; the others
// get Answer from the bot.
type QuickPhrase struct {
	Text     string
	Answer   string
	Transfer bool
}

// AccountConfig is an account operations creates for the vendor (R-VEN-3).
type AccountConfig struct {
	Login    string
	Name     string
	Password string // plain text in the fixture; the core stores a hash
	Role     Role
	Tenant   string // selected tenant; empty means 闲鱼BU
	Tenants  []string
	Capacity int    // 0 means DefaultCapacity
	Welcome  string // personal welcome (R-WEL-1), loses to the skill group's
	Closing  string
}

// Account returns the configured account with that login.
func (c VendorConfig) Account(login string) (AccountConfig, bool) {
	for _, a := range c.Accounts {
		if a.Login == login {
			return a, true
		}
	}
	return AccountConfig{}, false
}

// AccountWithRole returns the first configured account with that role.
func (c VendorConfig) AccountWithRole(r Role) (AccountConfig, bool) {
	for _, a := range c.Accounts {
		if a.Role == r {
			return a, true
		}
	}
	return AccountConfig{}, false
}
