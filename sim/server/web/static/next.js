// rcSafeNext is where the login page may send the agent after signing in:
// `next` only when the browser's own URL parser resolves it to this origin
// (then its path, query and fragment), else fallback. A prefix test is not
// enough: browsers read '/\evil.example/' as '//evil.example/' and drop the
// tab of '/\t/evil.example/', so both leave the site.
'use strict';
function rcSafeNext(next, origin, fallback) {
  if (!next) return fallback;
  let u;
  try {
    u = new URL(next, origin);
  } catch (e) {
    return fallback;
  }
  if (u.origin !== origin) return fallback;
  return u.pathname + u.search + u.hash;
}
