// Store view: job counts, category groups, database size, ingest health,
// file upload through POST /admin/api/jobs, backup and pruning.

import { api, getData, token } from './api.js';
import {
  h, $, replace, card, fmtNum, fmtBytes, timeEl, badge, guarded, withBusy, simpleTable,
  showError, clearError, notify, confirmDialog,
} from './ui.js';
import { hBars, dayBarChart, lastDays } from './charts.js';

const section = $('#view-store');

const PLAN_ORDER = ['starter', 'professional', 'business', 'enterprise'];
function planRank(name) { const i = PLAN_ORDER.indexOf(name); return i === -1 ? PLAN_ORDER.length : i; }

function feedHealth(feed) {
  if (feed.last_error) return badge('error', 'danger');
  if (feed.last_success_at) return badge('ok', 'ok');
  return badge('waiting', 'muted');
}

function render(stats) {
  replace($('#store-cards'),
    card('Jobs stored', fmtNum(stats.jobs_total), { hint: `${fmtNum(stats.jobs_visible)} served by the API` }),
    card('Last 24 h', fmtNum(stats.jobs_last_24h), { hint: 'posted in the last day' }),
    card('Spam caught', fmtNum(stats.spam_caught), { kind: stats.spam_caught ? 'warn' : '' }),
    card('Duplicates caught', fmtNum(stats.duplicates_caught)),
    card('Database size', fmtBytes(stats.database_size_bytes), {
      title: `${fmtNum(stats.database_size_bytes)} bytes`,
      hint: stats.schema_version ? `schema v${stats.schema_version}` : null,
    }),
    card('Last ingest', stats.last_ingest_at ? timeEl(stats.last_ingest_at) : 'never', { small: true, hint: stats.last_ingest_at ? null : 'no job ingested yet' }));

  const groups = [...(stats.by_category_group || [])].sort((a, b) => b.count - a.count);
  replace($('#store-groups'), groups.length
    ? hBars(groups.map((g) => ({ label: g.group || g.group_slug || '(no category)', value: g.count })), { label: 'Jobs by category group' })
    : h('p', { class: 'muted empty' }, 'No jobs yet.'));

  const feeds = stats.feeds || [];
  replace($('#store-feeds'), simpleTable({
    caption: 'Feeds',
    headers: ['Feed', 'Health', 'Last success', 'Last error', 'Next poll'],
    rows: feeds.map((f) => [
      h('code', { class: 'wrap' }, f.url), feedHealth(f), timeEl(f.last_success_at),
      f.last_error ? h('span', { class: 'text-danger' }, f.last_error) : h('span', { class: 'muted' }, 'none'),
      timeEl(f.next_poll_at, { empty: '—' }),
    ]),
    empty: 'No feed configured (serve --feed URL).',
    classes: { 0: 'col-url' },
  }));

  const inbox = stats.inbox;
  replace($('#store-inbox'), inbox
    ? h('dl', { class: 'kv' },
      h('dt', {}, 'Inbox folder'), h('dd', {}, h('code', { class: 'wrap' }, inbox.dir)),
      h('dt', {}, 'Files done'), h('dd', {}, fmtNum(inbox.done)),
      h('dt', {}, 'Files failed'), h('dd', {}, inbox.failed ? badge(fmtNum(inbox.failed), 'danger') : '0'))
    : h('p', { class: 'muted' }, 'No inbox folder configured (serve --inbox DIR).'),
  h('dl', { class: 'kv' },
    h('dt', {}, 'Keys by plan'),
    h('dd', {}, Object.entries(stats.keys_by_plan || {}).sort(([a], [b]) => planRank(a) - planRank(b)).map(([plan, n]) => h('span', { class: 'kv-chip' }, badge(plan, `plan-${plan}`), ` ${fmtNum(n)}`)))),
  h('h3', {}, 'API requests per day'));

  const days = lastDays(30);
  const perDay = new Map((stats.requests_per_day || []).map((r) => [r.day, r.count]));
  const chart = $('#store-requests-chart');
  const canvas = h('div', { class: 'chart-canvas' });
  replace(chart, canvas);
  dayBarChart(canvas, { days, height: 140, label: 'API requests per day', layers: [{ name: 'Requests', className: 'series-2', values: days.map((d) => perDay.get(d) || 0) }] });
}

export async function load() {
  await withBusy(section, () => guarded(async () => {
    const [stats] = await getData('/admin/api/stats');
    if (stats) render(stats);
    if (stats?.version) $('#server-origin').textContent = `upjobs ${stats.version} · ${window.location.host}`;
  }));
}

// ------------------------------------------------------------------ upload

async function detectContentType(file) {
  const head = await file.slice(0, 4096).text();
  const first = head.replace(/^\uFEFF/, '').trimStart()[0];
  return first === '[' ? 'application/json' : 'application/x-ndjson';
}

function renderReport(file, report) {
  const rejected = report.rejected || [];
  // The API lists at most 1,000 rejected records; rejected_count is them all.
  const rejectedCount = report.rejected_count ?? rejected.length;
  const shown = rejected.slice(0, 200);
  const el = $('#upload-report');
  replace(el,
    h('h3', {}, `Report for ${file.name}`),
    h('ul', { class: 'report-chips', 'aria-label': 'Ingest summary' },
      h('li', { 'data-field': 'inserted' }, h('strong', {}, fmtNum(report.inserted)), ' inserted'),
      h('li', { 'data-field': 'updated' }, h('strong', {}, fmtNum(report.updated)), ' updated'),
      h('li', { 'data-field': 'duplicates' }, h('strong', {}, fmtNum(report.duplicates)), ' duplicates'),
      h('li', { 'data-field': 'spam' }, h('strong', {}, fmtNum(report.spam)), ' spam'),
      h('li', { 'data-field': 'rejected', class: rejectedCount ? 'chip-danger' : '' }, h('strong', {}, fmtNum(rejectedCount)), ' rejected')),
    rejected.length ? h('div', { class: 'table-wrap' }, simpleTable({
      caption: 'Rejected records',
      headers: ['Line', 'Id', 'Error'],
      rows: shown.map((r) => [fmtNum(r.line), r.id ? h('code', {}, r.id) : h('span', { class: 'muted' }, '—'), r.error]),
      numeric: [0],
    })) : h('p', { class: 'muted' }, 'Every record was accepted.'),
    rejectedCount > shown.length ? h('p', { class: 'muted' }, `… and ${fmtNum(rejectedCount - shown.length)} more rejected records.`) : null);
}

$('#upload-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('#upload-input');
  const file = input.files?.[0];
  if (!file) {
    showError('Choose an NDJSON or JSON file to upload first.');
    input.focus();
    return;
  }
  clearError();
  const button = $('#upload-submit');
  button.disabled = true;
  const report = $('#upload-report');
  replace(report, h('p', { class: 'muted' }, `Uploading ${file.name} (${fmtBytes(file.size)})…`));
  try {
    const contentType = await detectContentType(file);
    const envelope = await api('POST', '/admin/api/jobs', { body: file, contentType });
    renderReport(file, envelope.data[0] || {});
    notify(`${file.name} ingested.`);
    load();
  } catch (error) {
    replace(report, h('p', { class: 'text-danger' }, `Upload failed: ${error.message}`));
    if (error.status !== 401) showError(error.message);
  } finally {
    button.disabled = false;
  }
});

// ------------------------------------------------------------ maintenance

$('#store-backup').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    // The bearer token cannot ride on a plain link, so fetch and hand the blob over.
    const response = await fetch('/admin/api/backup', { headers: { Authorization: `Bearer ${token.get()}` }, cache: 'no-store' });
    if (!response.ok) {
      let message = `Backup failed: HTTP ${response.status}`;
      try { message = (await response.json()).message || message; } catch { /* not JSON */ }
      throw new Error(message);
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const stamp = new Date().toISOString().replace(/[:]/g, '').slice(0, 15);
    const link = h('a', { href: url, download: `upjobs-backup-${stamp}.db`, class: 'visually-hidden' }, 'download');
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    notify(`Backup downloaded (${fmtBytes(blob.size)}).`);
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
});

$('#store-prune').addEventListener('click', async () => {
  const yes = await confirmDialog({
    title: 'Run retention pruning now?',
    text: 'Deletes jobs older than the longest window any active key can see, and old request-log and delivery rows. It runs in small batches while the server keeps serving.',
    confirm: 'Prune now',
  });
  if (!yes) return;
  await guarded(async () => {
    const envelope = await api('POST', '/admin/api/prune');
    const result = envelope.data[0] || {};
    const parts = [];
    if (result.jobs_deleted !== undefined) parts.push(`${fmtNum(result.jobs_deleted)} jobs`);
    if (result.request_log_deleted !== undefined) parts.push(`${fmtNum(result.request_log_deleted)} request-log rows`);
    notify(envelope.message || (parts.length ? `Pruning done: ${parts.join(' and ')} deleted.` : 'Pruning done.'));
    await load();
  });
});

export const view = { id: 'store', section, load };
