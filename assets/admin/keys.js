// Keys view: list, search, sort, create (key shown once), change plan and
// overrides, revoke; and the plans table.

import { api, state, loadKeys, loadPlans, planByName, rememberSessionKey } from './api.js';
import {
  h, $, replace, SortTable, timeEl, badge, bar, fmtNum, fmtMoney, openDialog, dialogError,
  confirmDialog, copyText, notify, guarded, withBusy, debounce, simpleTable,
} from './ui.js';

const section = $('#view-keys');
const OVERRIDES = [
  { name: 'rate_limit_per_min', label: 'Requests / min', min: 1 },
  { name: 'burst', label: 'Burst', min: 1 },
  { name: 'monthly_quota', label: 'Calls / month', min: 0 },
  { name: 'retention_days', label: 'Window (days)', min: 1 },
  { name: 'spending_cap_usd', label: 'Spending cap (USD)', min: 0, step: 'any' },
];

let onKeyCreated = () => {};
/** The playground registers here to learn about new keys. */
export function setOnKeyCreated(fn) { onKeyCreated = fn; }

function isExpired(key) { return key.expires_at && new Date(key.expires_at).getTime() < Date.now(); }

function keyStatus(key) {
  if (key.revoked) return badge('Revoked', 'muted');
  if (isExpired(key)) return badge('Expired', 'warn');
  return null;
}

function hasOverrides(key) {
  return Object.values(key.overrides || {}).some((v) => v !== null && v !== undefined);
}

function quotaCell(key) {
  const quota = key.monthly_quota;
  const calls = key.calls_this_month ?? 0;
  const text = quota === null || quota === undefined
    ? h('span', {}, fmtNum(calls), h('span', { class: 'muted' }, ' / unlimited'))
    : h('span', {}, fmtNum(calls), h('span', { class: 'muted' }, ` / ${fmtNum(quota)}`));
  const ratio = quota ? calls / quota : 0;
  const kind = ratio >= 1 ? 'danger' : ratio >= 0.8 ? 'warn' : '';
  return h('div', { class: 'quota-cell' }, text, quota ? bar(calls, quota, kind) : null);
}

function overageCell(key) {
  if (!key.overage_calls) return h('span', { class: 'muted' }, '—');
  return h('span', {}, fmtNum(key.overage_calls), h('span', { class: 'muted' }, ` · ${fmtMoney(key.overage_cost_usd)}`),
    key.spending_cap_usd !== null && key.spending_cap_usd !== undefined
      ? h('span', { class: 'cell-sub muted' }, `cap ${fmtMoney(key.spending_cap_usd)}`) : null);
}

const table = new SortTable($('#keys-table'), {
  caption: 'API keys',
  sortKey: 'created',
  sortDir: 'desc',
  empty: 'No keys match.',
  rowAttrs: (key) => ({ 'data-testid': `key-row-${key.id}`, class: key.revoked || isExpired(key) ? 'row-dim' : undefined }),
  columns: [
    {
      key: 'name', label: 'Name', header: true, sort: (k) => k.name,
      render: (k) => h('div', {}, h('span', { class: 'cell-main' }, k.name, ' ', keyStatus(k)),
        k.email ? h('span', { class: 'cell-sub muted' }, k.email) : null,
        h('span', { class: 'cell-sub muted mono' }, k.id)),
    },
    {
      key: 'plan', label: 'Plan', sort: (k) => ['starter', 'professional', 'business', 'enterprise'].indexOf(k.plan),
      render: (k) => h('div', {}, h('span', { 'data-field': 'plan' }, badge(k.plan, `plan-${k.plan}`)),
        h('span', { class: 'cell-sub muted nowrap', title: `burst ${fmtNum(k.burst)}` }, `${fmtNum(k.rate_limit_per_min)}/min`,
          hasOverrides(k) ? h('span', { class: 'tag', title: 'Some limits are overridden for this key' }, 'custom') : null)),
    },
    { key: 'prefix', label: 'Key', sort: (k) => k.prefix, render: (k) => h('code', { class: 'key-mask' }, `${k.prefix}…${k.last4}`) },
    { key: 'created', label: 'Created', sort: (k) => k.created_at, defaultDesc: true, render: (k) => timeEl(k.created_at) },
    { key: 'expires', label: 'Expires', sort: (k) => k.expires_at, render: (k) => timeEl(k.expires_at, { empty: 'never' }) },
    { key: 'last_used', label: 'Last used', sort: (k) => k.last_used_at, defaultDesc: true, render: (k) => timeEl(k.last_used_at, { empty: 'never' }) },
    { key: 'calls', label: 'Calls this month', numeric: true, className: 'col-quota', sort: (k) => k.calls_this_month, render: quotaCell },
    { key: 'overage', label: 'Overage', numeric: true, sort: (k) => k.overage_cost_usd, render: overageCell },
    {
      key: 'actions', label: h('span', { class: 'visually-hidden' }, 'Actions'), className: 'actions',
      render: (k) => (k.revoked ? h('span', { class: 'muted' }, `revoked`, k.revoked_at ? [' ', timeEl(k.revoked_at)] : null)
        : h('div', { class: 'button-row tight' },
          h('button', { type: 'button', class: 'btn small', 'data-testid': 'change-plan', 'aria-label': `Change plan and limits of ${k.name}`, onclick: (e) => openEdit(k, e.currentTarget) }, 'Change plan'),
          h('button', { type: 'button', class: 'btn small danger-ghost', 'data-testid': 'revoke', 'aria-label': `Revoke ${k.name}`, onclick: () => revoke(k) }, 'Revoke'))),
    },
  ],
});

function applyFilters() {
  const query = $('#keys-search').value.trim().toLowerCase();
  const plan = $('#keys-plan-filter').value;
  const showRevoked = $('#keys-show-revoked').checked;
  const rows = state.keys.filter((k) => {
    if (!showRevoked && k.revoked) return false;
    if (plan && k.plan !== plan) return false;
    if (!query) return true;
    return [k.name, k.email, k.id, k.prefix, k.last4, `${k.prefix}…${k.last4}`, k.plan]
      .some((field) => field && String(field).toLowerCase().includes(query));
  });
  table.setRows(rows);
  $('#keys-count').textContent = `${rows.length} of ${state.keys.length} keys`;
}

$('#keys-search').addEventListener('input', debounce(applyFilters, 120));
$('#keys-plan-filter').addEventListener('change', applyFilters);
$('#keys-show-revoked').addEventListener('change', applyFilters);

function planSummary(plan) {
  const quota = plan.monthly_quota === null ? 'unlimited' : `${fmtNum(plan.monthly_quota)}/month`;
  return `${plan.name} — ${fmtNum(plan.rate_limit_per_min)}/min, ${quota}`;
}

function fillPlanSelect(select, selected) {
  const names = state.plans.length ? state.plans : [{ name: 'starter' }, { name: 'professional' }, { name: 'business' }, { name: 'enterprise' }];
  replace(select, names.map((p) => h('option', { value: p.name, selected: p.name === selected }, p.rate_limit_per_min ? planSummary(p) : p.name)));
  if (selected) select.value = selected;
}

function renderPlanFilter() {
  const select = $('#keys-plan-filter');
  const current = select.value;
  replace(select, h('option', { value: '' }, 'All plans'), state.plans.map((p) => h('option', { value: p.name }, p.name)));
  select.value = current;
}

function renderPlans() {
  const counts = {};
  for (const key of state.keys) if (!key.revoked) counts[key.plan] = (counts[key.plan] || 0) + 1;
  const rows = state.plans.map((p) => [
    badge(p.name, `plan-${p.name}`),
    fmtNum(p.rate_limit_per_min),
    fmtNum(p.burst),
    p.monthly_quota === null ? 'unlimited' : fmtNum(p.monthly_quota),
    p.monthly_quota === null ? '—' : p.overage ? `overage at ${fmtMoney(p.overage_price_usd)}/call` : 'refused (429)',
    p.retention_days === null ? 'all history' : `${fmtNum(p.retention_days)} days`,
    p.webhooks ? 'yes' : 'no',
    fmtNum(counts[p.name] || 0),
    h('button', { type: 'button', class: 'btn small', 'data-testid': `edit-plan-${p.name}`, 'aria-label': `Edit plan ${p.name}`, onclick: (e) => openPlan(p, e.currentTarget) }, 'Edit'),
  ]);
  replace($('#plans-table'), simpleTable({
    caption: 'Plans',
    headers: ['Plan', 'Requests/min', 'Burst', 'Calls/month', 'Past the quota', 'Window', 'Webhooks', 'Active keys', h('span', { class: 'visually-hidden' }, 'Actions')],
    rows,
    numeric: [1, 2, 3, 7],
    empty: 'No plans.',
  }));
}

export async function load() {
  await withBusy(section, () => guarded(async () => {
    await Promise.all([loadKeys(), loadPlans()]);
    renderPlanFilter();
    applyFilters();
    renderPlans();
  }));
}

// ------------------------------------------------------------ overrides UI

function renderOverrideInputs(container, prefix, planName, values = {}) {
  const plan = planByName(planName) || {};
  replace(container, OVERRIDES.map((o) => {
    const id = `${prefix}-${o.name}`;
    const planValue = plan[o.name];
    const placeholder = planValue === null ? (o.name === 'monthly_quota' ? 'unlimited' : o.name === 'retention_days' ? 'all' : 'none')
      : planValue === undefined ? '' : String(planValue);
    return h('div', { class: 'field' },
      h('label', { for: id }, o.label),
      h('input', {
        id, name: o.name, type: 'number', min: o.min, step: o.step || '1', inputmode: o.step ? 'decimal' : 'numeric',
        placeholder, value: values[o.name] ?? '', 'data-testid': id,
      }));
  }));
}

function updatePlaceholders(container, planName) {
  const plan = planByName(planName);
  if (!plan) return;
  for (const o of OVERRIDES) {
    const input = container.querySelector(`[name="${o.name}"]`);
    if (!input) continue;
    const v = plan[o.name];
    input.placeholder = v === null ? (o.name === 'monthly_quota' ? 'unlimited' : o.name === 'retention_days' ? 'all' : 'none') : v === undefined ? '' : String(v);
  }
}

function readOverride(input) {
  const raw = input.value.trim();
  if (raw === '') return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${input.labels?.[0]?.textContent || input.name} must be a non-negative number.`);
  return n;
}

function dateToExpiry(value) { return value ? `${value}T23:59:59Z` : null; }
function expiryToDate(iso) { return iso ? String(iso).slice(0, 10) : ''; }

// ------------------------------------------------------------- create key

const createDialog = $('#create-key-dialog');
const createForm = $('#create-key-form');
const createButton = $('#create-key');

createButton.addEventListener('click', async () => {
  if (!state.plans.length) await guarded(loadPlans);
  createForm.reset();
  fillPlanSelect($('#key-plan'), state.plans.find((p) => p.name === 'starter') ? 'starter' : state.plans[0]?.name);
  renderOverrideInputs($('[data-overrides]', createForm), 'key', $('#key-plan').value);
  openDialog(createDialog, { returnTo: createButton, focus: $('#key-name') });
});

$('#key-plan').addEventListener('change', () => updatePlaceholders($('[data-overrides]', createForm), $('#key-plan').value));

createForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $('#key-name').value.trim();
  if (!name) {
    dialogError(createDialog, 'Give the key a name, e.g. the customer or the app that uses it.');
    $('#key-name').focus();
    return;
  }
  const email = $('#key-email').value.trim();
  if (email && !$('#key-email').checkValidity()) {
    dialogError(createDialog, 'That e-mail address does not look right.');
    $('#key-email').focus();
    return;
  }
  const body = { name, plan: $('#key-plan').value };
  if (email) body.email = email;
  const expires = $('#key-expires').value;
  if (expires) body.expires_at = dateToExpiry(expires);
  try {
    for (const input of createForm.querySelectorAll('[data-overrides] input')) {
      const value = readOverride(input);
      if (value !== null) body[input.name] = value;
    }
  } catch (error) {
    dialogError(createDialog, error.message);
    return;
  }
  const submit = createForm.querySelector('[type=submit]');
  submit.disabled = true;
  try {
    const envelope = await api('POST', '/admin/api/keys', { body });
    const created = envelope.data[0];
    createDialog.close();
    showNewKey(created);
    rememberSessionKey(created);
    onKeyCreated(created);
    await load();
  } catch (error) {
    if (error.status !== 401) dialogError(createDialog, error.message);
  } finally {
    submit.disabled = false;
  }
});

// -------------------------------------------------------- show key once

const newKeyDialog = $('#new-key-dialog');
const newKeyInput = $('#new-key-value');

function showNewKey(created) {
  $('#new-key-name').textContent = created.name;
  $('#new-key-title').textContent = `Key created: ${created.name}`;
  newKeyInput.value = created.key;
  $('#copy-status').textContent = '';
  openDialog(newKeyDialog, { returnTo: createButton, focus: $('#copy-key') });
}

$('#copy-key').addEventListener('click', async () => {
  const ok = await copyText(newKeyInput.value, newKeyInput);
  $('#copy-status').textContent = ok ? 'Copied to the clipboard.' : 'Copy failed: select the key and copy it by hand.';
  if (!ok) { newKeyInput.focus(); newKeyInput.select(); }
});
newKeyInput.addEventListener('focus', () => newKeyInput.select());
// The full key leaves the DOM as soon as the dialog closes (memory only):
// at once when one of its buttons closes it, and on the `close` event (which
// comes a task later) when Escape does.
function closeNewKey() {
  newKeyInput.value = '';
  newKeyDialog.close();
}
$('#close-new-key').addEventListener('click', closeNewKey);
$('#new-key-playground').addEventListener('click', () => {
  closeNewKey();
  window.location.hash = '#/playground';
});
newKeyDialog.addEventListener('close', () => { newKeyInput.value = ''; });

// ---------------------------------------------------- change plan / edit

const editDialog = $('#edit-key-dialog');
const editForm = $('#edit-key-form');
let editing = null;

async function openEdit(key, opener) {
  if (!state.plans.length) await guarded(loadPlans);
  editing = key;
  $('#edit-key-title').textContent = `Change plan and limits — ${key.name}`;
  $('#edit-key-ident').textContent = `${key.prefix}…${key.last4} · ${key.id}`;
  $('#edit-name').value = key.name;
  $('#edit-email').value = key.email || '';
  $('#edit-expires').value = expiryToDate(key.expires_at);
  fillPlanSelect($('#edit-plan'), key.plan);
  renderOverrideInputs($('[data-overrides]', editForm), 'edit', key.plan, key.overrides || {});
  openDialog(editDialog, { returnTo: () => document.querySelector(`[data-testid="key-row-${CSS.escape(key.id)}"] [data-testid="change-plan"]`) || opener, focus: $('#edit-plan') });
}

$('#edit-plan').addEventListener('change', () => updatePlaceholders($('[data-overrides]', editForm), $('#edit-plan').value));

editForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!editing) return;
  const key = editing;
  const body = {};
  const name = $('#edit-name').value.trim();
  if (!name) { dialogError(editDialog, 'The name cannot be empty.'); $('#edit-name').focus(); return; }
  if (name !== key.name) body.name = name;
  const email = $('#edit-email').value.trim();
  if (email && !$('#edit-email').checkValidity()) { dialogError(editDialog, 'That e-mail address does not look right.'); return; }
  if ((email || null) !== (key.email || null)) body.email = email || null;
  const plan = $('#edit-plan').value;
  if (plan !== key.plan) body.plan = plan;
  const expires = $('#edit-expires').value;
  if (expires !== expiryToDate(key.expires_at)) body.expires_at = dateToExpiry(expires);
  try {
    for (const input of editForm.querySelectorAll('[data-overrides] input')) {
      const value = readOverride(input);
      const before = key.overrides?.[input.name] ?? null;
      if (value !== before) body[input.name] = value;
    }
  } catch (error) {
    dialogError(editDialog, error.message);
    return;
  }
  if (Object.keys(body).length === 0) { editDialog.close(); return; }
  const submit = editForm.querySelector('[type=submit]');
  submit.disabled = true;
  try {
    await api('PATCH', `/admin/api/keys/${encodeURIComponent(key.id)}`, { body });
    editDialog.close();
    notify(body.plan ? `${key.name} is now on the ${body.plan} plan.` : `${key.name} updated.`);
    await load();
  } catch (error) {
    if (error.status !== 401) dialogError(editDialog, error.message);
  } finally {
    submit.disabled = false;
  }
});

// ---------------------------------------------------------------- revoke

async function revoke(key) {
  const yes = await confirmDialog({
    title: `Revoke “${key.name}”?`,
    text: `Requests with ${key.prefix}…${key.last4} are refused from the next one on. This cannot be undone; the owner will need a new key.`,
    confirm: 'Revoke key',
  });
  if (!yes) return;
  await guarded(async () => {
    await api('DELETE', `/admin/api/keys/${encodeURIComponent(key.id)}`);
    notify(`Key “${key.name}” revoked.`);
    await load();
    // The button that opened the dialog is gone; keep focus in the table.
    const row = document.querySelector(`[data-testid="key-row-${CSS.escape(key.id)}"]`);
    const target = row?.querySelector('th') || $('#h-keys');
    target.setAttribute('tabindex', '-1');
    target.focus();
  });
}

// ------------------------------------------------------------------ plans

const planDialog = $('#plan-dialog');
const planForm = $('#plan-form');
let editingPlan = null;

function openPlan(plan, opener) {
  editingPlan = plan;
  $('#plan-title').textContent = `Edit plan: ${plan.name}`;
  $('#plan-rate').value = plan.rate_limit_per_min ?? '';
  $('#plan-burst').value = plan.burst ?? '';
  $('#plan-quota').value = plan.monthly_quota ?? '';
  $('#plan-retention').value = plan.retention_days ?? '';
  $('#plan-price').value = plan.overage_price_usd ?? '';
  $('#plan-overage').checked = Boolean(plan.overage);
  $('#plan-webhooks').checked = Boolean(plan.webhooks);
  openDialog(planDialog, { returnTo: () => document.querySelector(`[data-testid="edit-plan-${CSS.escape(plan.name)}"]`) || opener });
}

planForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!editingPlan) return;
  const num = (id, { nullable = false } = {}) => {
    const raw = $(id).value.trim();
    if (raw === '') {
      if (nullable) return null;
      throw new Error(`${$(id).labels[0].textContent} is required.`);
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${$(id).labels[0].textContent} must be a non-negative number.`);
    return n;
  };
  let body;
  try {
    body = {
      name: editingPlan.name,
      rate_limit_per_min: num('#plan-rate'),
      burst: num('#plan-burst'),
      monthly_quota: num('#plan-quota', { nullable: true }),
      retention_days: num('#plan-retention', { nullable: true }),
      overage_price_usd: num('#plan-price', { nullable: true }) ?? 0,
      overage: $('#plan-overage').checked,
      webhooks: $('#plan-webhooks').checked,
    };
  } catch (error) {
    dialogError(planDialog, error.message);
    return;
  }
  try {
    await api('PUT', `/admin/api/plans/${encodeURIComponent(editingPlan.name)}`, { body });
    planDialog.close();
    notify(`Plan ${editingPlan.name} saved.`);
    await load();
  } catch (error) {
    if (error.status !== 401) dialogError(planDialog, error.message);
  }
});

export const view = { id: 'keys', section, load };
