// Usage view: calls per day (total and per key) as SVG charts, top keys,
// refused calls, and a per-day table.

import { getData } from './api.js';
import { h, $, replace, card, fmtNum, fmtDay, guarded, withBusy, SortTable, simpleTable } from './ui.js';
import { dayBarChart, lastDays, sparkline } from './charts.js';

const section = $('#view-usage');
const DAYS = 30;
let rows = [];

function aggregate(days) {
  const index = new Map(days.map((d, i) => [d, i]));
  const total = { calls: days.map(() => 0), rateLimited: days.map(() => 0), quotaRefused: days.map(() => 0) };
  const perKey = new Map();
  for (const row of rows) {
    const i = index.get(row.day);
    if (i === undefined) continue;
    total.calls[i] += row.calls || 0;
    total.rateLimited[i] += row.rate_limited || 0;
    total.quotaRefused[i] += row.quota_refused || 0;
    let entry = perKey.get(row.key_id);
    if (!entry) {
      entry = { id: row.key_id, name: row.key_name || row.key_id, calls: 0, rateLimited: 0, quotaRefused: 0, series: days.map(() => 0), activeDays: 0 };
      perKey.set(row.key_id, entry);
    }
    entry.calls += row.calls || 0;
    entry.rateLimited += row.rate_limited || 0;
    entry.quotaRefused += row.quota_refused || 0;
    if (entry.series[i] === 0 && row.calls) entry.activeDays += 1;
    entry.series[i] += row.calls || 0;
  }
  return { total, keys: [...perKey.values()].sort((a, b) => b.calls - a.calls) };
}

const topTable = new SortTable($('#usage-top'), {
  caption: 'Top keys by calls in the last 30 days',
  sortKey: 'calls',
  sortDir: 'desc',
  empty: 'No calls in the last 30 days.',
  columns: [
    { key: 'name', label: 'Key', header: true, sort: (k) => k.name, render: (k) => h('span', {}, k.name, h('span', { class: 'cell-sub muted mono' }, k.id)) },
    { key: 'calls', label: 'Calls', numeric: true, sort: (k) => k.calls, render: (k) => fmtNum(k.calls) },
    { key: 'share', label: 'Share', numeric: true, sort: (k) => k.share, render: (k) => `${(k.share * 100).toFixed(1)}%` },
    { key: 'rl', label: 'Rate-limited', numeric: true, sort: (k) => k.rateLimited, render: (k) => fmtNum(k.rateLimited) },
    { key: 'qr', label: 'Quota-refused', numeric: true, sort: (k) => k.quotaRefused, render: (k) => fmtNum(k.quotaRefused) },
  ],
});

function renderDaysTable(days) {
  const keyId = $('#usage-key').value;
  const index = new Map(days.map((d, i) => [d, i]));
  const calls = days.map(() => 0);
  const rl = days.map(() => 0);
  const qr = days.map(() => 0);
  const active = days.map(() => new Set());
  for (const row of rows) {
    if (keyId && row.key_id !== keyId) continue;
    const i = index.get(row.day);
    if (i === undefined) continue;
    calls[i] += row.calls || 0;
    rl[i] += row.rate_limited || 0;
    qr[i] += row.quota_refused || 0;
    if (row.calls) active[i].add(row.key_id);
  }
  const tableRows = days
    .map((day, i) => ({ day, i }))
    .filter(({ i }) => calls[i] || rl[i] || qr[i])
    .map(({ day, i }) => [h('time', { datetime: day }, fmtDay(day)), fmtNum(calls[i]), fmtNum(rl[i]), fmtNum(qr[i]), fmtNum(active[i].size)])
    .reverse();
  const name = keyId ? ($('#usage-key').selectedOptions[0]?.textContent || keyId) : 'all keys';
  $('#h-usage-days').textContent = `By day · ${name}`;
  replace($('#usage-days'), simpleTable({
    caption: `Calls per day for ${name}`,
    headers: ['Day (UTC)', 'Calls', 'Rate-limited', 'Quota-refused', 'Active keys'],
    rows: tableRows,
    numeric: [1, 2, 3, 4],
    empty: 'No calls in the last 30 days.',
  }));
  $('#usage-days-note').textContent = tableRows.length ? `${tableRows.length} of ${days.length} days had activity; the others are left out.` : '';
}

function drawChart(container, options) {
  const canvas = h('div', { class: 'chart-canvas' });
  replace(container, canvas);
  container.append(dayBarChart(canvas, options));
}

function render() {
  const days = lastDays(DAYS);
  const { total, keys } = aggregate(days);
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  const totalCalls = sum(total.calls);
  const busiest = Math.max(0, ...total.calls);

  replace($('#usage-cards'),
    card('Calls', fmtNum(totalCalls), { hint: `avg ${fmtNum(Math.round(totalCalls / DAYS))} per day` }),
    card('Busiest day', fmtNum(busiest), { hint: busiest ? fmtDay(days[total.calls.indexOf(busiest)]) : 'no calls yet' }),
    card('Active keys', fmtNum(keys.filter((k) => k.calls > 0).length)),
    card('Rate-limited', fmtNum(sum(total.rateLimited)), { kind: sum(total.rateLimited) ? 'warn' : '', hint: '429: per-minute limit' }),
    card('Quota-refused', fmtNum(sum(total.quotaRefused)), { kind: sum(total.quotaRefused) ? 'warn' : '', hint: '429: monthly quota' }));

  drawChart($('#usage-total-chart'), {
    days,
    label: 'Calls per day, all keys',
    layers: [{ name: 'Calls', className: 'series-1', values: total.calls }],
  });
  drawChart($('#usage-refused-chart'), {
    days,
    height: 130,
    label: 'Refused calls per day',
    layers: [
      { name: 'Rate-limited', className: 'series-warn', values: total.rateLimited },
      { name: 'Quota-refused', className: 'series-danger', values: total.quotaRefused },
    ],
  });

  const multiples = $('#usage-per-key');
  const shown = keys.filter((k) => k.calls > 0).slice(0, 12);
  if (shown.length === 0) {
    replace(multiples, h('p', { class: 'muted empty' }, 'No key made a call in the last 30 days.'));
  } else {
    replace(multiples);
    for (const key of shown) {
      const spark = h('div', { class: 'spark-wrap' });
      const peak = Math.max(...key.series);
      multiples.append(h('figure', { class: 'multiple' },
        h('figcaption', {}, h('span', { class: 'cell-main' }, key.name), h('span', { class: 'num' }, fmtNum(key.calls))),
        spark,
        h('p', { class: 'cell-sub muted' }, `peak ${fmtNum(peak)}/day · ${key.activeDays} active ${key.activeDays === 1 ? 'day' : 'days'}`)));
      sparkline(spark, { values: key.series, label: `${key.name}: ${fmtNum(key.calls)} calls in 30 days, peak ${fmtNum(peak)} per day` });
    }
  }

  const totalForShare = totalCalls || 1;
  topTable.setRows(keys.map((k) => ({ ...k, share: k.calls / totalForShare })));

  const select = $('#usage-key');
  const current = select.value;
  replace(select, h('option', { value: '' }, 'All keys'), keys.map((k) => h('option', { value: k.id }, k.name)));
  select.value = keys.some((k) => k.id === current) ? current : '';
  renderDaysTable(days);
}

$('#usage-key').addEventListener('change', () => renderDaysTable(lastDays(DAYS)));

export async function load() {
  await withBusy(section, () => guarded(async () => {
    rows = await getData(`/admin/api/usage?days=${DAYS}`);
    render();
  }));
}

export const view = { id: 'usage', section, load };
