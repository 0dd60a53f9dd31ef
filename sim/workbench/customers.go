package workbench

import "strconv"

// Bounds on what operations may store for the route test (R-RT-1): the
// names and items are shown in every chat view, and test accounts are
// never released with their chats.
const (
	MaxCustomerNameLen = 64  // characters of a test customer's name
	MaxOrderItemLen    = 200 // characters of a test order's item
	// MaxTestCustomers and MaxTestOrders are kept; a new one beyond them
	// makes the oldest forgotten (its open chats keep their copy).
	MaxTestCustomers = 10_000
	MaxTestOrders    = 10_000
)

// Customer is a buyer who enters the bot page. Test customers are made by
// operations for the route test (R-RT-1) and are left out of Service Insight.
type Customer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Test bool   `json:"test"`

	group *group // a test customer's vendor (D-ACL-2)
}

// Order is a customer's order; a conversation carries one so the agent sees
// what it is about.
type Order struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Item     string `json:"item"`
	Test     bool   `json:"test"`
}

func itoa(n int) string { return strconv.Itoa(n) }

// prefixed is prefix+itoa(n) in one allocation (ids are made per chat).
func prefixed(prefix string, n int) string {
	var b [40]byte
	return string(strconv.AppendInt(append(b[:0], prefix...), int64(n), 10))
}

func (w *Workbench) operations(by string) (*account, error) {
	a, ok := w.accounts.Lookup(by)
	if !ok || a.role != RoleOperations {
		return nil, ruleErr(ErrForbidden, "R-RT-1", "only operations staff create test accounts and orders")
	}
	return a, nil
}

// CreateTestCustomer makes a test customer account (R-RT-1, operations only).
func (w *Workbench) CreateTestCustomer(by, name string) (Customer, error) {
	w.begin()
	defer w.settle()
	op, err := w.operations(by)
	if err != nil {
		return Customer{}, err
	}
	if err := checkLen("a test customer's name", name, MaxCustomerNameLen); err != nil {
		return Customer{}, err
	}
	c := w.newCustomer(name, true)
	c.group = op.group
	w.testCustomers = keepNewest(w.testCustomers, c.ID, MaxTestCustomers, func(id string) {
		if c := w.customers[id]; c != nil && c.Test {
			delete(w.customers, id)
		}
	})
	return *c, nil
}

// checkLen refuses text longer than n characters (R-RT-1).
func checkLen(what, text string, n int) error {
	if len(text) > n && len([]rune(text)) > n {
		return ruleErr(ErrInvalid, "R-RT-1", "%s is at most %d characters", what, n)
	}
	return nil
}

// keepNewest appends id to a FIFO of at most n ids, forgetting the oldest.
func keepNewest(ids []string, id string, n int, forget func(string)) []string {
	if len(ids) >= n {
		forget(ids[0])
		ids[0] = ""
		ids = ids[1:]
	}
	return append(ids, id)
}

func (w *Workbench) newCustomer(name string, test bool) *Customer {
	w.nextCustomer++
	c := &Customer{Name: name, Test: test}
	if name != "" {
		c.ID = prefixed("u", w.nextCustomer)
	} else {
		// "u12顾客12": the id and the name share one allocation.
		var b [64]byte
		buf := strconv.AppendInt(append(b[:0], 'u'), int64(w.nextCustomer), 10)
		k := len(buf)
		buf = strconv.AppendInt(append(buf, "顾客"...), int64(w.nextCustomer), 10)
		both := string(buf)
		c.ID, c.Name = both[:k], both[k:]
	}
	w.customers[c.ID] = c
	return c
}

// CreateTestOrder makes a test order for a test customer (R-RT-1).
func (w *Workbench) CreateTestOrder(by, customer, item string) (Order, error) {
	w.begin()
	defer w.settle()
	op, err := w.operations(by)
	if err != nil {
		return Order{}, err
	}
	c, ok := w.customers[customer]
	if !ok || (c.Test && c.group != op.group) {
		return Order{}, ErrNotFound // another vendor's test customer (D-ACL-2)
	}
	if !c.Test {
		return Order{}, ruleErr(ErrInvalid, "R-RT-1", "test orders belong to test customer accounts")
	}
	if err := checkLen("an order's item", item, MaxOrderItemLen); err != nil {
		return Order{}, err
	}
	w.nextOrder++
	o := &Order{ID: "TEST-" + itoa(w.nextOrder), Customer: c.ID, Item: item, Test: true}
	w.orders[o.ID] = o
	w.testOrders = keepNewest(w.testOrders, o.ID, MaxTestOrders, func(id string) { delete(w.orders, id) })
	return *o, nil
}

// CheckEntry says whether operations account by may sign an entry to
// vendor for the customer and order (either may be empty): its own
// vendor's bot page (D-ACL-2), a test customer of that vendor and an order
// of that customer (R-RT-1).
func (w *Workbench) CheckEntry(by, vendor, customer, order string) error {
	op, err := w.operations(by)
	if err != nil {
		return ruleErr(ErrForbidden, "R-RT-3", "entry QR codes come from CCO operations")
	}
	v, ok := w.vendors[vendor]
	if !ok {
		return ruleErr(ErrNotFound, "R-VEN-1", "no vendor %q", vendor)
	}
	if op.group != v.group {
		return ruleErr(ErrForbidden, "R-RT-3", "entry QR codes of %s come from its own operations accounts", vendor)
	}
	return w.checkEntry(v, customer, order)
}

// checkEntry: the customer exists (a test customer of this vendor) and
// the order is the customer's.
func (w *Workbench) checkEntry(v *vendor, customer, order string) error {
	if customer != "" {
		c, ok := w.customers[customer]
		if !ok || (c.group != nil && c.group != v.group) {
			return ruleErr(ErrNotFound, "R-RT-1", "no customer %q", customer)
		}
	}
	if order != "" {
		if o, ok := w.orders[order]; !ok || o.Customer != customer {
			return ruleErr(ErrNotFound, "R-RT-1", "order %s is not the customer's", order)
		}
	}
	return nil
}

// Customer returns a customer by ID.
func (w *Workbench) Customer(id string) (Customer, error) {
	c, ok := w.customers[id]
	if !ok {
		return Customer{}, ErrNotFound
	}
	return *c, nil
}

// Order returns an order by ID.
func (w *Workbench) Order(id string) (Order, error) {
	o, ok := w.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	return *o, nil
}
