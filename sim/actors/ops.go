package actors

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/png" // QR codes come as PNG
	"net/http"
	"net/url"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	wb "routecheck/sim/workbench"
)

// Ops is a CCO operations user: test accounts and orders (R-RT-1), entry
// QR codes (R-RT-3), the event log.
type Ops struct {
	c     *client
	Login string
}

// NewOps returns an operations user for the workbench at base.
func NewOps(base, login string) *Ops { return &Ops{c: newClient(base), Login: login} }

// SignIn logs in.
func (o *Ops) SignIn(ctx context.Context, password string) (Account, error) {
	return o.c.signIn(ctx, o.Login, password)
}

// TestCustomer is a test customer account.
type TestCustomer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Test bool   `json:"test"`
}

// TestOrder is a test order.
type TestOrder struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Item     string `json:"item"`
	Test     bool   `json:"test"`
}

// CreateTestCustomer makes a test customer account (R-RT-1).
func (o *Ops) CreateTestCustomer(ctx context.Context, name string) (TestCustomer, error) {
	var c TestCustomer
	err := o.c.do(ctx, http.MethodPost, "/api/test-customers", map[string]string{"name": name}, &c)
	return c, err
}

// CreateTestOrder makes a test order for a test customer (R-RT-1).
func (o *Ops) CreateTestOrder(ctx context.Context, customer, item string) (TestOrder, error) {
	var ord TestOrder
	err := o.c.do(ctx, http.MethodPost, "/api/test-orders", map[string]string{"customer": customer, "item": item}, &ord)
	return ord, err
}

// QRCode fetches the entry QR code PNG for a customer and order.
func (o *Ops) QRCode(ctx context.Context, vendor, customer, order string) ([]byte, error) {
	q := url.Values{"vendor": {vendor}, "customer": {customer}, "order": {order}}
	var png []byte
	err := o.c.do(ctx, http.MethodGet, "/api/qr.png?"+q.Encode(), nil, &png)
	return png, err
}

// Entry is a fresh entry URL and its token.
type Entry struct {
	URL     string `json:"url"`
	Token   string `json:"token"`
	Expires string `json:"expires"`
}

// Entry asks for an entry URL without the QR image.
func (o *Ops) Entry(ctx context.Context, vendor, customer, order string) (Entry, error) {
	var e Entry
	err := o.c.do(ctx, http.MethodPost, "/api/entry", map[string]string{"vendor": vendor, "customer": customer, "order": order}, &e)
	return e, err
}

// Events reads the workbench event log after seq, page by page until the
// newest event.
func (o *Ops) Events(ctx context.Context, after int64) ([]wb.Event, error) {
	var all []wb.Event
	for {
		var evs []wb.Event
		if err := o.c.do(ctx, http.MethodGet, "/api/events?after="+strconv.FormatInt(after, 10), nil, &evs); err != nil {
			return all, err
		}
		if len(evs) == 0 {
			return all, nil
		}
		all = append(all, evs...)
		after = evs[len(evs)-1].Seq
	}
}

// RouterView lists a department's agents as the router sees them.
func (o *Ops) RouterView(ctx context.Context, dept string) ([]Account, error) {
	var out []Account
	err := o.c.do(ctx, http.MethodGet, "/api/departments/"+url.PathEscape(dept)+"/agents", nil, &out)
	return out, err
}

// DecodeQR reads the text of a QR code PNG, as a phone camera would.
func DecodeQR(png []byte) (string, error) {
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		return "", fmt.Errorf("QR image: %w", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("QR image: %w", err)
	}
	// Like a phone camera, look again harder before giving up; the pure
	// reading handles a clean, unrotated code whose finder patterns the
	// detector can miss.
	var res *gozxing.Result
	for _, hints := range []map[gozxing.DecodeHintType]any{
		nil,
		{gozxing.DecodeHintType_TRY_HARDER: true},
		{gozxing.DecodeHintType_PURE_BARCODE: true},
	} {
		if res, err = qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			return res.GetText(), nil
		}
	}
	return "", fmt.Errorf("QR decode: %w", err)
}

// API calls any workbench route with the operations session.
func (o *Ops) API(ctx context.Context, method, path string, in, out any) error {
	return o.c.do(ctx, method, path, in, out)
}
