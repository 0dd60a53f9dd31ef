// /qr (D-QR-3): the signed entry QR code of a vendor's bot page, large
// enough to scan from a laptop screen, fetched again before it expires.
// The server serves this page to operations only; /api/qr.png checks too.
'use strict';
(() => {
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  const page = $('qr-page');
  const img = $('qr-img');
  const params = new URLSearchParams(location.search);
  let vendor = params.get('v') || '';
  let codes = 0;

  function fail(text) {
    $('qr-error').textContent = text;
    $('qr-error').hidden = false;
  }

  // A data: URL (the page's policy allows no blob: images).
  function dataURL(blob) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(r.result);
      r.onerror = () => reject(r.error);
      r.readAsDataURL(blob);
    });
  }

  async function refresh() {
    let wait = 5000; // after a failure, try again soon
    try {
      if (!vendor) {
        const vs = await RC.api('GET', '/api/vendors');
        if (!vs.length) throw new Error('no vendor');
        vendor = vs[0].id;
      }
      const res = await fetch('/api/qr.png?' + new URLSearchParams({ vendor, scale: '8' }), { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error(`${body.error || res.status}${body.message ? '：' + body.message : ''}`);
      }
      const expires = new Date(res.headers.get('X-Entry-Expires'));
      // The server's clock says how long the code lives, not this laptop's.
      const now = new Date(res.headers.get('Date') || Date.now());
      img.src = await dataURL(await res.blob());
      codes++;
      page.dataset.codes = String(codes);
      page.dataset.expires = expires.toISOString();
      $('qr-vendor').textContent = `服务商 ${vendor}`;
      $('qr-expires').textContent = `有效至 ${expires.toLocaleString('zh-CN')}，过期前自动换新`;
      $('qr-error').hidden = true;
      const life = expires - now;
      // a minute before it expires, or at half its life when it is short
      wait = life > 120000 ? life - 60000 : life / 2;
    } catch (e) {
      fail(`无法获取二维码：${e.message}`);
    }
    setTimeout(refresh, Math.max(500, wait));
  }
  refresh();
})();
