// Playground: build a /jobs query from form controls, run it with a chosen
// API key (X-API-KEY header), show the JSON, a summary and the curl command.

import { state } from './api.js';
import { h, $, $$, replace, fmtNum, fmtMoney, timeEl, showError, clearError, copyText, simpleTable } from './ui.js';

const section = $('#view-playground');
const form = $('#pg-form');
const keyInput = $('#pg-key');
const keyPick = $('#pg-key-pick');
let nextCursor = null;
let categoriesLoadedFor = null;

// ---------------------------------------------------------------- the key

export function renderKeyPicker() {
  const current = keyPick.value;
  replace(keyPick, h('option', { value: '' }, state.sessionKeys.length ? '— paste one instead —' : '— none yet, paste one —'),
    state.sessionKeys.map((k) => {
      // The plan may have changed since the key was made: prefer the list's view.
      const listed = state.keys.find((x) => x.id === k.id);
      const plan = listed?.plan ?? k.plan;
      const revoked = listed?.revoked ? ' — revoked' : '';
      return h('option', { value: k.id }, `${k.name} · ${plan} (${k.prefix}…${k.last4})${revoked}`);
    }));
  if (state.sessionKeys.some((k) => k.id === current)) keyPick.value = current;
}

/** Called when a key is created on the keys view: offer it here. */
export function keyCreated(created) {
  renderKeyPicker();
  if (!keyInput.value) {
    keyPick.value = created.id;
    keyInput.value = created.key;
    categoriesLoadedFor = null;
  }
}

keyPick.addEventListener('change', () => {
  const chosen = state.sessionKeys.find((k) => k.id === keyPick.value);
  keyInput.value = chosen ? chosen.key : '';
  categoriesLoadedFor = null;
  if (chosen) loadCategories();
  else keyInput.focus();
});

keyInput.addEventListener('input', () => {
  const chosen = state.sessionKeys.find((k) => k.id === keyPick.value);
  if (chosen && chosen.key !== keyInput.value) keyPick.value = '';
});
keyInput.addEventListener('change', () => { if (keyInput.value.trim()) loadCategories(); });

$('#pg-key-show').addEventListener('click', (event) => {
  const button = event.currentTarget;
  const show = keyInput.type === 'password';
  keyInput.type = show ? 'text' : 'password';
  button.textContent = show ? 'Hide' : 'Show';
  button.setAttribute('aria-pressed', String(show));
});

// ------------------------------------------------------------- categories

async function loadCategories() {
  const key = keyInput.value.trim();
  const status = $('#pg-cat-status');
  if (!key) { status.textContent = 'Set a key first: categories come from GET /categories.'; return; }
  if (categoriesLoadedFor === key) return;
  status.textContent = 'Loading categories…';
  try {
    const response = await fetch('/categories', { headers: { 'X-API-KEY': key, Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    const envelope = await response.json().catch(() => null);
    if (!response.ok || !envelope?.success) throw new Error(envelope?.message || `HTTP ${response.status}`);
    fillCategorySelects(envelope.data || []);
    categoriesLoadedFor = key;
    status.textContent = `${fmtNum(envelope.data.length)} categories in this key's window.`;
  } catch (error) {
    status.textContent = `Could not load categories: ${error.message}`;
  }
}
$('#pg-load-categories').addEventListener('click', () => { categoriesLoadedFor = null; loadCategories(); });

function fillCategorySelects(categories) {
  const groupSelect = $('#pg-category_group');
  const categorySelect = $('#pg-category');
  const selectedGroups = new Set([...groupSelect.selectedOptions].map((o) => o.value));
  const selectedCats = new Set([...categorySelect.selectedOptions].map((o) => o.value));
  const groups = new Map();
  for (const c of categories) {
    if (!groups.has(c.group_slug)) groups.set(c.group_slug, { name: c.group, slug: c.group_slug, count: 0, categories: [] });
    const g = groups.get(c.group_slug);
    g.count += c.count || 0;
    g.categories.push(c);
  }
  const sortedGroups = [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  replace(groupSelect, sortedGroups.map((g) => h('option', { value: g.slug, selected: selectedGroups.has(g.slug) }, `${g.name} (${fmtNum(g.count)})`)));
  replace(categorySelect, sortedGroups.map((g) => h('optgroup', { label: g.name },
    g.categories.sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => h('option', { value: c.slug, selected: selectedCats.has(c.slug) }, `${c.name} (${fmtNum(c.count)})`)))));
}

// ------------------------------------------------------------------ query

/** The query string from every non-empty named control; repeated names become comma lists. */
export function buildParams() {
  const params = new URLSearchParams();
  const values = new Map();
  for (const [name, value] of new FormData(form)) {
    const text = String(value).trim();
    if (!text) continue;
    if (!values.has(name)) values.set(name, []);
    values.get(name).push(text);
  }
  for (const [name, list] of values) params.set(name, list.join(','));
  if (params.has('cursor')) params.delete('offset');
  return params;
}

function curlFor(params) {
  const url = `${window.location.origin}/jobs${params.toString() ? `?${params}` : ''}`;
  return `curl -sS -H "X-API-KEY: $UPJOBS_API_KEY" '${url.replace(/'/g, "'\\''")}'`;
}

function updateCurl() { $('#pg-curl').textContent = curlFor(buildParams()); }
form.addEventListener('input', updateCurl);
form.addEventListener('change', updateCurl);

function jobBudget(job) {
  if (job.budget?.fixed_amount !== undefined && job.budget?.fixed_amount !== null && job.job_type !== 1) {
    return job.budget.currency && job.budget.currency !== 'USD' ? `${fmtNum(job.budget.fixed_amount)} ${job.budget.currency}` : fmtMoney(job.budget.fixed_amount);
  }
  if (job.hourly_budget) return `${fmtMoney(job.hourly_budget.min)}–${fmtMoney(job.hourly_budget.max)}/h`;
  return '—';
}

function renderJobs(jobs) {
  if (!jobs.length || typeof jobs[0] !== 'object') { $('#pg-jobs').replaceChildren(); return; }
  replace($('#pg-jobs'), simpleTable({
    caption: 'Jobs returned',
    headers: ['Title', 'Type', 'Budget', 'Client', 'Posted'],
    rows: jobs.map((j) => [
      h('span', {}, j.title ?? h('span', { class: 'muted' }, '(not in fields)'), h('span', { class: 'cell-sub muted mono' }, j.id)),
      j.job_type === 1 ? 'hourly' : j.job_type === 2 ? 'fixed' : '—',
      jobBudget(j),
      j.buyer ? `${j.buyer.country || '—'}${j.buyer.payment_verified ? ' · verified' : ''}` : '—',
      j.posted_on ? timeEl(j.posted_on) : '—',
    ]),
  }));
}

async function run({ cursor } = {}) {
  const key = keyInput.value.trim();
  if (!key) {
    showError('Choose or paste an API key first.');
    keyInput.focus();
    return;
  }
  if (cursor) {
    $('#pg-cursor').value = cursor;
    $('#pg-offset').value = '';
  }
  const params = buildParams();
  $('#pg-curl').textContent = curlFor(params);
  const runButton = $('#pg-run');
  runButton.disabled = true;
  const status = $('#pg-outcome');
  status.className = 'pg-outcome muted';
  status.textContent = 'Running…';
  section.setAttribute('aria-busy', 'true');
  const started = performance.now();
  try {
    const response = await fetch(`/jobs${params.toString() ? `?${params}` : ''}`, {
      headers: { 'X-API-KEY': key, Accept: 'application/json' }, cache: 'no-store', credentials: 'omit',
    });
    const elapsed = Math.round(performance.now() - started);
    const text = await response.text();
    let body = null;
    try { body = JSON.parse(text); } catch { /* shown raw below */ }
    $('#pg-result').textContent = body ? JSON.stringify(body, null, 2) : text;
    const parts = [`HTTP ${response.status}`, `${fmtNum(elapsed)} ms`];
    if (body?.success) {
      parts.push(`${fmtNum(body.count)} jobs`);
      if (body.total !== undefined) parts.push(`${fmtNum(body.total)} matches in total`);
    }
    const rl = response.headers.get('X-RateLimit-Remaining');
    if (rl !== null) {
      // Remaining counts the bucket (burst deep), which refills at the per-minute rate.
      const burst = response.headers.get('X-RateLimit-Burst') ?? '?';
      const perMinute = response.headers.get('X-RateLimit-Limit') ?? '?';
      parts.push(`${rl} of ${burst} requests left (refills ${perMinute}/min)`);
    }
    const quota = response.headers.get('X-Quota-Remaining');
    if (quota !== null && quota !== '') parts.push(`${quota} calls left this month`);
    status.textContent = parts.join(' · ');
    if (response.ok && body?.success) {
      clearError();
      status.className = 'pg-outcome ok';
      renderJobs(body.data || []);
      nextCursor = body.next_cursor || null;
    } else {
      status.className = 'pg-outcome error';
      $('#pg-jobs').replaceChildren();
      nextCursor = null;
      const message = body?.message || `The query failed with HTTP ${response.status}.`;
      // Beside the Run button too: the page's alert may be scrolled away.
      status.textContent = `${parts.join(' · ')}: ${message}`;
      status.scrollIntoView({ block: 'nearest' });
      showError(message);
    }
  } catch (error) {
    status.className = 'pg-outcome error';
    status.textContent = `Request failed: ${error.message}`;
    status.scrollIntoView({ block: 'nearest' });
    showError(`Request failed: ${error.message}`);
    nextCursor = null;
  } finally {
    runButton.disabled = false;
    $('#pg-next').disabled = !nextCursor;
    section.setAttribute('aria-busy', 'false');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  // A new query starts from the first page.
  $('#pg-cursor').value = '';
  run();
});
$('#pg-next').addEventListener('click', () => { if (nextCursor) run({ cursor: nextCursor }); });

$('#pg-reset').addEventListener('click', () => {
  // Keep the key; clear the filters only.
  for (const el of $$('[name]', form)) {
    if (el.type === 'checkbox') el.checked = false;
    else if (el.tagName === 'SELECT') { for (const o of el.options) o.selected = false; if (!el.multiple) el.selectedIndex = 0; }
    else el.value = '';
  }
  nextCursor = null;
  $('#pg-next').disabled = true;
  updateCurl();
});

$('#pg-copy-curl').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  const ok = await copyText($('#pg-curl').textContent);
  button.textContent = ok ? 'Copied' : 'Copy failed';
  setTimeout(() => { button.textContent = 'Copy'; }, 2000);
});

export function load() {
  renderKeyPicker();
  if (!keyInput.value && state.sessionKeys.length) {
    keyPick.value = state.sessionKeys[0].id;
    keyInput.value = state.sessionKeys[0].key;
  }
  updateCurl();
  if (keyInput.value && categoriesLoadedFor !== keyInput.value.trim()) loadCategories();
  section.setAttribute('aria-busy', 'false');
}

export function reset() {
  keyInput.value = '';
  keyPick.value = '';
  categoriesLoadedFor = null;
  nextCursor = null;
  $('#pg-result').textContent = '';
  $('#pg-jobs').replaceChildren();
  $('#pg-outcome').textContent = 'Not run yet.';
  $('#pg-next').disabled = true;
}

export const view = { id: 'playground', section, load };
