// Request log: the tail of the server's request log, filtered by key and status.

import { getData, loadKeys, state, keyName } from './api.js';
import { h, $, replace, SortTable, timeEl, badge, fmtNum, guarded, withBusy, statusKind, showError } from './ui.js';

const section = $('#view-requests');
const form = $('#requests-filter');
let followTimer = null;

const table = new SortTable($('#requests-table'), {
  caption: 'Recent requests, newest first',
  sortKey: 'time',
  sortDir: 'desc',
  empty: 'No request matches.',
  columns: [
    { key: 'time', label: 'Time', sort: (r) => r.time, defaultDesc: true, render: (r) => timeEl(r.time) },
    { key: 'method', label: 'Method', sort: (r) => r.method, render: (r) => h('span', { class: 'mono' }, r.method) },
    { key: 'route', label: 'Route', className: 'col-wide', sort: (r) => r.route, render: (r) => h('code', { class: 'wrap' }, r.route) },
    { key: 'status', label: 'Status', numeric: true, sort: (r) => r.status, render: (r) => badge(String(r.status), statusKind(r.status)) },
    { key: 'latency', label: 'Latency', numeric: true, sort: (r) => r.latency_ms, render: (r) => `${fmtNum(Math.round((r.latency_ms ?? 0) * 10) / 10)} ms` },
    {
      key: 'key', label: 'Key', sort: (r) => keyName(r.key_id) || r.key_id || '',
      render: (r) => (r.key_id ? h('span', {}, keyName(r.key_id) || r.key_id, keyName(r.key_id) ? h('span', { class: 'cell-sub muted mono' }, r.key_id) : null) : h('span', { class: 'muted' }, '—')),
    },
    { key: 'id', label: 'Request id', render: (r) => h('code', { class: 'muted small-code' }, r.request_id) },
  ],
});

function renderKeyOptions() {
  const select = $('#requests-key');
  const current = select.value;
  replace(select, h('option', { value: '' }, 'All keys'),
    [...state.keys].sort((a, b) => a.name.localeCompare(b.name))
      .map((k) => h('option', { value: k.id }, `${k.name} (${k.prefix}…${k.last4})${k.revoked ? ' — revoked' : ''}`)));
  select.value = current;
}

async function fetchRows() {
  const params = new URLSearchParams();
  const limit = Number($('#requests-limit').value);
  const includeAdmin = $('#requests-admin').checked;
  params.set('limit', String(limit));
  // This page's own /admin/api calls crowd the log: the server leaves out
  // the successful ones unless asked (failed admin-token attempts stay).
  if (!includeAdmin) params.set('hide_admin', 'true');
  const keyId = $('#requests-key').value;
  if (keyId) params.set('key_id', keyId);
  const status = $('#requests-status').value.trim();
  if (status) {
    if (!/^[1-5]\d\d$/.test(status)) {
      showError('Status must be an HTTP status code such as 200, 401 or 429.');
      $('#requests-status').focus();
      return;
    }
    params.set('status', status);
  }
  const rows = await getData(`/admin/api/requests?${params}`);
  table.setRows(rows);
  const hidden = includeAdmin ? '' : ' (admin page calls hidden)';
  $('#requests-count').textContent = `${rows.length} requests${hidden} · updated ${new Date().toLocaleTimeString()}`;
}

export async function load() {
  await withBusy(section, () => guarded(async () => {
    if (state.keys.length === 0) await loadKeys();
    renderKeyOptions();
    await fetchRows();
  }));
}

form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
$('#requests-key').addEventListener('change', () => load());
$('#requests-limit').addEventListener('change', () => load());
$('#requests-admin').addEventListener('change', () => load());

function setFollow(on) {
  clearInterval(followTimer);
  followTimer = null;
  if (on) followTimer = setInterval(() => { if (!section.hidden) guarded(fetchRows); }, 5000);
}
$('#requests-follow').addEventListener('change', (e) => setFollow(e.target.checked));

export function stop() { setFollow(false); $('#requests-follow').checked = false; }

export const view = { id: 'requests', section, load, stop };
