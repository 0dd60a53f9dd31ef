package workbench

import "maps"

// Rules lists the SPEC.md rules this core enforces, each with where (a new
// map each call). The tests check that every one of them is named by at
// least one test.
func Rules() map[string]string { return maps.Clone(rules) }

var rules = map[string]string{
	"R-VEN-1":  "AddVendor: vendor record, hotline offered when a transfer is refused",
	"R-VEN-2":  "AddVendor limits; bot page answers FAQ and quick phrases",
	"R-VEN-3":  "accounts with hashed passwords, one skill group per vendor",
	"R-VEN-4":  "work hours in the vendor's zone gate transfers",
	"R-RT-1":   "test customers and orders, made by operations, tagged as test",
	"R-RT-2":   "an agent who is 在线 takes chats",
	"R-RT-3":   "entering the bot page; knowledge shown and answered",
	"R-RT-4":   "转人工 text, 在线客服 phrase or card button request a human",
	"R-RT-5":   "the agent sees the customer's message and replies",
	"R-WB-1":   "Login; 马上上班 is SetStatus(在线)",
	"R-WB-2":   "在线 / 小休 / 离线 semantics",
	"R-NTF-1":  "notifications honour desktop and sound switches",
	"R-CAP-1":  "capacity default 3, operations only, above 6 warns",
	"R-TEN-1":  "only 闲鱼BU agents go online",
	"R-KPI-1":  "KPIs from the event log by the SPEC formulas",
	"R-KPI-2":  "Service Insight for the department's admins and operations",
	"R-QR-1":   "常用语 add, delete, import",
	"R-WEL-1":  "skill-group welcome beats the agent's own; never a response",
	"R-IDLE-1": "warning at 4:00, end at 5:00 of customer silence",
}
