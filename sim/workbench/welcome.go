package workbench

// GroupWelcomeView is the skill group's 首问机器人: what 配置中心 shows and
// saves (R-WEL-1).
type GroupWelcomeView struct {
	Department string `json:"department"`
	Welcome    string `json:"welcome"`
	Closing    string `json:"closing"`
}

// GroupWelcome returns the skill group's welcome and closing messages, to
// those who may change them: operations, or the department's admin.
func (w *Workbench) GroupWelcome(by, department string) (GroupWelcomeView, error) {
	g, ok := w.groups[department]
	if !ok {
		return GroupWelcomeView{}, ErrNotFound
	}
	if !w.configuresGroup(by, g) {
		return GroupWelcomeView{}, ruleErr(ErrForbidden, "R-WEL-1", "only operations or the department's admin may read the skill group's welcome")
	}
	return GroupWelcomeView{Department: g.name, Welcome: g.welcome, Closing: g.closing}, nil
}

// UpdateGroupWelcome is SetGroupWelcome for the fields given: a nil one
// keeps its current value, so a form that saves one message cannot erase
// the other.
func (w *Workbench) UpdateGroupWelcome(by, department string, welcome, closing *string) error {
	g, ok := w.groups[department]
	if !ok {
		return ErrNotFound
	}
	wel, clo := g.welcome, g.closing
	if welcome != nil {
		wel = *welcome
	}
	if closing != nil {
		clo = *closing
	}
	return w.SetGroupWelcome(by, department, wel, clo)
}

// configuresGroup says whether the account may read and change the skill
// group's 首问机器人: the vendor's operations (D-ACL-2) or the department's
// own admin.
func (w *Workbench) configuresGroup(by string, g *group) bool {
	a, ok := w.accounts.Lookup(by)
	return ok && (a.role == RoleOperations || a.role == RoleDeptAdmin) && a.group == g
}
