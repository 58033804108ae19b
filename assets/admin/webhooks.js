// Webhooks view: every subscription with its owner, filters and delivery health.

import { getData, loadKeys, state } from './api.js';
import { h, $, replace, SortTable, card, timeEl, badge, fmtNum, guarded, withBusy, statusKind } from './ui.js';

const section = $('#view-webhooks');

function health(hook) {
  if (!hook.active) return { label: 'disabled', kind: 'muted', rank: 3 };
  if (hook.key_blocked_reason) return { label: 'key cannot receive', kind: 'muted', rank: 3 };
  const success = hook.last_success_at ? Date.parse(hook.last_success_at) : 0;
  const failure = hook.last_failure_at ? Date.parse(hook.last_failure_at) : 0;
  if (failure > success) return { label: 'failing', kind: 'danger', rank: 2 };
  if (hook.failures_last_24h > 0) return { label: 'flaky', kind: 'warn', rank: 1 };
  if (success) return { label: 'healthy', kind: 'ok', rank: 0 };
  return { label: 'no deliveries yet', kind: 'muted', rank: 0 };
}

export function filterSummary(filters) {
  const entries = Object.entries(filters || {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (entries.length === 0) return 'every new job';
  return entries.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`).join(' · ');
}

function attempts(hook) {
  const list = hook.recent_attempts || [];
  if (list.length === 0) return h('span', { class: 'muted' }, 'none');
  const failed = list.filter((a) => a.error || !a.status_code || a.status_code >= 300).length;
  return h('details', { class: 'attempts' },
    h('summary', {}, `${list.length} recent`, failed ? h('span', { class: 'text-danger' }, ` · ${failed} failed`) : null),
    h('ol', {}, list.map((a) => h('li', {},
      timeEl(a.time), ' ',
      a.status_code ? badge(String(a.status_code), statusKind(a.status_code)) : badge('no answer', 'danger'),
      a.latency_ms !== null && a.latency_ms !== undefined ? h('span', { class: 'muted' }, ` ${fmtNum(a.latency_ms)} ms`) : null,
      a.error ? h('span', { class: 'cell-sub text-danger' }, a.error) : null))));
}

const table = new SortTable($('#webhooks-table'), {
  caption: 'Webhook subscriptions',
  sortKey: 'health',
  sortDir: 'desc',
  empty: 'No webhook subscriptions. Business and Enterprise keys create them with POST /webhooks.',
  rowAttrs: (hook) => ({ 'data-testid': `webhook-row-${hook.id}`, class: hook.active ? undefined : 'row-dim' }),
  columns: [
    {
      key: 'url', label: 'Endpoint', header: true, className: 'col-wide', sort: (w) => w.url,
      render: (w) => h('div', {}, h('code', { class: 'wrap cell-main' }, w.url),
        w.description ? h('span', { class: 'cell-sub' }, w.description) : null,
        h('span', { class: 'cell-sub muted mono' }, w.id)),
    },
    {
      key: 'owner', label: 'Owner key', sort: (w) => w.key_name,
      render: (w) => {
        const owner = state.keys.find((k) => k.id === w.key_id);
        return h('div', {}, w.key_name || owner?.name || '—', owner?.revoked ? [' ', badge('revoked', 'muted')] : null,
          h('span', { class: 'cell-sub muted mono' }, w.key_id));
      },
    },
    { key: 'filters', label: 'Filters', className: 'col-wide', render: (w) => h('span', { class: 'filters' }, filterSummary(w.filters)) },
    {
      key: 'health', label: 'Health', sort: (w) => health(w).rank,
      render: (w) => h('div', {}, badge(health(w).label, health(w).kind), (w.disabled_reason || w.key_blocked_reason) ? h('span', { class: 'cell-sub muted' }, w.disabled_reason || `Nothing is sent: ${w.key_blocked_reason}.`) : null),
    },
    {
      key: 'deliveries', label: 'Last success / failure', sort: (w) => w.last_failure_at, defaultDesc: true,
      render: (w) => h('dl', { class: 'mini-kv' },
        h('dt', {}, 'success'), h('dd', {}, timeEl(w.last_success_at)),
        h('dt', {}, 'failure'), h('dd', {}, timeEl(w.last_failure_at))),
    },
    { key: 'failures', label: 'Failures 24 h', numeric: true, sort: (w) => w.failures_last_24h, render: (w) => (w.failures_last_24h ? h('span', { class: 'text-danger' }, fmtNum(w.failures_last_24h)) : '0') },
    { key: 'attempts', label: 'Recent attempts', render: attempts },
  ],
});

export async function load() {
  await withBusy(section, () => guarded(async () => {
    const [hooks] = await Promise.all([getData('/admin/api/webhooks'), state.keys.length ? null : loadKeys()]);
    const counts = { healthy: 0, failing: 0, disabled: 0 };
    for (const w of hooks) {
      const label = health(w).label;
      if (label === 'failing' || label === 'flaky') counts.failing += 1;
      else if (label === 'disabled') counts.disabled += 1;
      else counts.healthy += 1;
    }
    replace($('#webhooks-cards'),
      card('Subscriptions', fmtNum(hooks.length)),
      card('Healthy or idle', fmtNum(counts.healthy)),
      card('Failing', fmtNum(counts.failing), { kind: counts.failing ? 'danger' : '' }),
      card('Disabled', fmtNum(counts.disabled), { kind: counts.disabled ? 'warn' : '' }),
      card('Failed attempts, 24 h', fmtNum(hooks.reduce((n, w) => n + (w.failures_last_24h || 0), 0))));
    table.setRows(hooks);
  }));
}

export const view = { id: 'webhooks', section, load };
