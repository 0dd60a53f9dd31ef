// The preflight page's test window: it tells its opener it opened, and
// the opener closes it (R-NTF-1: pop-ups and redirects allowed).
'use strict';
if (window.opener) {
  window.opener.postMessage({ rcPreflight: 'popup-open' }, location.origin);
}
