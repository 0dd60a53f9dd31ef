// 服务洞察 (R-KPI-2): a department's assessed and test figures, with the
// R-KPI-1 thresholds.
'use strict';
(() => {
  const { $, el, api } = RC;
  const pct = (v) => (v * 100).toFixed(1) + '%';
  const sec = (v) => v.toFixed(1) + ' 秒';
  const OPS = { '>=': '≥', '<=': '≤' };
  const ROWS = [
    ['service_requests', '服务请求量', String],
    ['picked_up', '接起量', String],
    ['abandoned', '排队放弃量', String],
    ['pickup_rate', '接起率', pct],
    ['abandonment_rate', '排队放弃率', pct],
    ['first_response_s', '首响时长', sec],
    ['ratings', '参评量', String],
    ['satisfaction', '即时满意度', pct],
    ['service_s', '平均服务时长', sec],
  ];

  RC.ready.then((me) => {
    $('insight-dept').value = me.department || '';
    $('insight-form').addEventListener('submit', (e) => { e.preventDefault(); load(); });
    if (me.department) load();
  });

  async function load() {
    const q = new URLSearchParams({ department: $('insight-dept').value.trim() });
    // dates are local days; the API takes RFC 3339
    if ($('insight-from').value) q.set('from', new Date($('insight-from').value + 'T00:00:00').toISOString());
    if ($('insight-to').value) q.set('to', new Date($('insight-to').value + 'T00:00:00').toISOString());
    const errBox = $('insight-error');
    errBox.hidden = true;
    try {
      const ins = await api('GET', '/api/insight?' + q.toString());
      const verdicts = new Map((ins.verdicts || []).map((v) => [v.name, v]));
      $('insight-rows').replaceChildren(...ROWS.map(([key, label, fmt]) => {
        const v = verdicts.get(key);
        const a = ins.assessed || {};
        const t = ins.test || {};
        let norm = '';
        if (v) norm = `${OPS[v.op] || v.op} ${key.endsWith('_s') ? sec(v.threshold) : pct(v.threshold)} · ${!v.measured ? '无数据' : v.pass ? '达标' : '未达标'}`;
        return el('tr', { 'data-testid': 'insight-row', 'data-kpi': key },
          el('td', { text: label }),
          el('td', { 'data-testid': 'insight-assessed', class: v && v.measured && !v.pass ? 'fail' : '', text: fmt(a[key] || 0) }),
          el('td', { 'data-testid': 'insight-test', text: fmt(t[key] || 0) }),
          el('td', { text: norm }));
      }));
    } catch (err) {
      errBox.textContent = RC.errorText(err);
      errBox.hidden = false;
    }
  }
})();
