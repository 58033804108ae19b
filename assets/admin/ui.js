// DOM helpers, formatting, dialogs, alerts and a sortable table.
// Everything is built with DOM APIs: the page runs under a CSP without
// 'unsafe-inline', so there is no innerHTML templating and no style attribute.

const SVG_NS = 'http://www.w3.org/2000/svg';

function applyAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (name === 'text') el.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value' && 'value' in el) el.value = value;
    else if (name === 'checked' || name === 'selected') el[name] = Boolean(value);
    else if (name === 'style') throw new Error('inline styles are not allowed (CSP)');
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Creates an HTML element: h('button', {class: 'btn', onclick}, 'Label'). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Creates an SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

export function $(selector, root = document) { return root.querySelector(selector); }
export function $$(selector, root = document) { return [...root.querySelectorAll(selector)]; }

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// ---------------------------------------------------------------- formatting

const numberFormat = new Intl.NumberFormat(undefined);
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const moneyFormat = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function fmtNum(n) { return n === null || n === undefined || Number.isNaN(Number(n)) ? '—' : numberFormat.format(n); }
export function fmtCompact(n) { return n === null || n === undefined ? '—' : compactFormat.format(n); }
export function fmtMoney(n) { return n === null || n === undefined ? '—' : moneyFormat.format(n); }
export function fmtDay(day) { return dayFormat.format(new Date(`${day}T00:00:00Z`)); }

export function fmtBytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function fmtAbsolute(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTimeFormat.format(date);
}

/** "3 h ago", "in 2 d", "just now". */
export function fmtRelative(iso, now = Date.now()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  let text;
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a moment';
  if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86400) text = `${Math.round(abs / 3600)} h`;
  else if (abs < 86400 * 45) text = `${Math.round(abs / 86400)} d`;
  else if (abs < 86400 * 365) text = `${Math.round(abs / (86400 * 30))} mo`;
  else text = `${(abs / (86400 * 365)).toFixed(1).replace(/\.0$/, '')} y`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

/** A <time> element with the relative time as text and the absolute one as its title. */
export function timeEl(iso, { empty = 'never' } = {}) {
  if (!iso) return h('span', { class: 'muted' }, empty);
  return h('time', { datetime: iso, title: `${fmtAbsolute(iso)} (${iso})` }, fmtRelative(iso));
}

export function badge(text, kind = '') {
  return h('span', { class: ['badge', kind && `badge-${kind}`] }, text);
}

/** A thin horizontal bar; decorative: the number next to it carries the meaning. */
export function bar(value, max, kind = '') {
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const pct = `${(ratio * 100).toFixed(1)}%`;
  return s('svg', { class: ['bar', kind && `bar-${kind}`], 'aria-hidden': 'true', focusable: 'false', width: '100%', height: '6' },
    s('rect', { class: 'bar-track', x: 0, y: 0, width: '100%', height: 6, rx: 3 }),
    s('rect', { class: 'bar-fill', x: 0, y: 0, width: pct, height: 6, rx: 3 }));
}

export function statusKind(status) {
  if (status >= 500) return 'danger';
  if (status === 429) return 'warn';
  if (status >= 400) return 'danger-soft';
  if (status >= 300) return 'info';
  return 'ok';
}

// ------------------------------------------------------------- alert regions

/** Shows an error in the page's role="alert" region. */
export function showError(message) {
  const region = $('#alerts');
  const close = h('button', { type: 'button', class: 'btn small ghost', 'aria-label': 'Dismiss message', onclick: () => region.replaceChildren() }, 'Dismiss');
  replace(region, h('div', { class: 'alert' }, h('p', {}, message), close));
}

export function clearError() { $('#alerts').replaceChildren(); }

let noticeTimer;
/** A short success notice in the polite status region. */
export function notify(message) {
  const region = $('#notices');
  replace(region, h('div', { class: 'notice' }, message));
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => region.replaceChildren(), 6000);
}

/** Runs an async action and reports an API error in the alert region. */
export async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    if (error?.status === 401) return undefined; // handled by the sign-out path
    showError(error?.message || String(error));
    return undefined;
  }
}

// ----------------------------------------------------------------- dialogs

/**
 * Opens a <dialog> modally and returns focus to `returnTo` (default: the
 * element focused before) when it closes, however it closes.
 */
export function openDialog(dialog, { returnTo, focus } = {}) {
  const previous = returnTo || document.activeElement;
  const onClose = () => {
    dialog.removeEventListener('close', onClose);
    const target = typeof previous === 'function' ? previous() : previous;
    if (target && target.isConnected && typeof target.focus === 'function') target.focus();
  };
  dialog.addEventListener('close', onClose);
  const errorBox = $('.dialog-error', dialog);
  if (errorBox) errorBox.replaceChildren();
  dialog.showModal();
  const first = focus || $('[autofocus]', dialog) || $('input:not([type=hidden]):not([readonly]), select, textarea, button', dialog);
  if (first) first.focus();
}

export function dialogError(dialog, message) {
  const box = $('.dialog-error', dialog);
  if (box) replace(box, h('p', { class: 'alert' }, message));
}

for (const button of document.querySelectorAll('dialog [data-close]')) {
  button.addEventListener('click', () => button.closest('dialog').close());
}

/** A confirmation dialog; resolves true when the user confirms. */
export function confirmDialog({ title, text, confirm = 'Confirm', danger = true }) {
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  const yes = $('#confirm-yes');
  yes.textContent = confirm;
  yes.className = `btn ${danger ? 'danger' : 'primary'}`;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    const done = () => { dialog.removeEventListener('close', done); resolve(dialog.returnValue === 'yes'); };
    dialog.addEventListener('close', done);
    // The safe choice gets the focus first.
    openDialog(dialog, { focus: $('#confirm-no') });
  });
}

/** Copies text, with a fallback for non-secure contexts (plain HTTP on a LAN address). */
export async function copyText(text, fallbackInput) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* fall through */ }
  if (fallbackInput) {
    fallbackInput.focus();
    fallbackInput.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
  return false;
}

// ------------------------------------------------------------ sortable table

/**
 * A table with sortable column headers (buttons with aria-sort on the th).
 * columns: [{key, label, sort?: row => value, render: row => node|string, numeric?, className?}]
 */
export class SortTable {
  constructor(container, { columns, caption, sortKey, sortDir = 'asc', rowAttrs, empty = 'Nothing to show.' }) {
    this.container = container;
    this.columns = columns;
    this.caption = caption;
    this.sortKey = sortKey;
    this.sortDir = sortDir;
    this.rowAttrs = rowAttrs;
    this.empty = empty;
    this.rows = [];
  }

  setRows(rows) { this.rows = rows; this.render(); }

  sorted() {
    const column = this.columns.find((c) => c.key === this.sortKey);
    if (!column || !column.sort) return this.rows;
    const dir = this.sortDir === 'asc' ? 1 : -1;
    return [...this.rows].sort((a, b) => {
      const va = column.sort(a);
      const vb = column.sort(b);
      if (va === vb) return 0;
      if (va === null || va === undefined) return 1; // empty values last either way
      if (vb === null || vb === undefined) return -1;
      if (typeof va === 'string' && typeof vb === 'string') return dir * va.localeCompare(vb, undefined, { sensitivity: 'base', numeric: true });
      return dir * (va < vb ? -1 : 1);
    });
  }

  toggle(key) {
    const focusKey = key;
    if (this.sortKey === key) this.sortDir = this.sortDir === 'asc' ? 'desc' : 'asc';
    else {
      this.sortKey = key;
      const column = this.columns.find((c) => c.key === key);
      this.sortDir = column?.numeric || column?.defaultDesc ? 'desc' : 'asc';
    }
    this.render();
    $(`th[data-key="${focusKey}"] button`, this.container)?.focus();
  }

  render() {
    const head = h('tr', {}, this.columns.map((column) => {
      const sorted = this.sortKey === column.key;
      const ariaSort = sorted ? (this.sortDir === 'asc' ? 'ascending' : 'descending') : (column.sort ? 'none' : undefined);
      const content = column.sort
        ? h('button', { type: 'button', class: 'th-sort', onclick: () => this.toggle(column.key) },
          column.label, h('span', { class: 'sort-icon', 'aria-hidden': 'true' }, sorted ? (this.sortDir === 'asc' ? '▲' : '▼') : '↕'))
        : column.label;
      return h('th', { scope: 'col', 'data-key': column.key, 'aria-sort': ariaSort, class: [column.numeric && 'num', column.className] }, content);
    }));
    // Keep the focus on the same control of the same row across a re-render.
    const active = document.activeElement;
    let restore = null;
    if (active && active !== document.body && this.container.contains(active)) {
      const rowId = active.closest('tr')?.dataset.testid;
      const control = active.dataset.testid;
      if (rowId && control) restore = `tr[data-testid="${CSS.escape(rowId)}"] [data-testid="${CSS.escape(control)}"]`;
    }
    const rows = this.sorted();
    const body = h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: this.columns.length, class: 'empty' }, this.empty))
      : rows.map((row) => h('tr', this.rowAttrs ? this.rowAttrs(row) : {},
        this.columns.map((column) => h(column.header ? 'th' : 'td', {
          class: [column.numeric && 'num', column.className], scope: column.header ? 'row' : undefined,
          'data-label': typeof column.label === 'string' ? column.label : undefined,
        }, column.render(row))))));
    replace(this.container, h('table', {}, this.caption ? h('caption', { class: 'visually-hidden' }, this.caption) : null, h('thead', {}, head), body));
    if (restore) this.container.querySelector(restore)?.focus();
  }
}

/** A simple non-sortable table. */
export function simpleTable({ caption, headers, rows, empty = 'Nothing to show.', numeric = [], classes = {} }) {
  const cls = (i) => [numeric.includes(i) && 'num', classes[i]];
  return h('table', {},
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((label, i) => h('th', { scope: 'col', class: cls(i) }, label)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, empty))
      : rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', {
        class: cls(i), 'data-label': typeof headers[i] === 'string' ? headers[i] : undefined,
      }, cell))))));
}

export function card(label, value, { hint, kind, title, small } = {}) {
  return h('div', { class: ['card', kind && `card-${kind}`, small && 'card-small'], title },
    h('p', { class: 'card-label' }, label),
    h('p', { class: 'card-value' }, value),
    hint ? h('p', { class: 'card-hint' }, hint) : null);
}

/** Marks a view busy while it loads (tests wait for aria-busy="false"). */
export async function withBusy(section, action) {
  section.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}

export function debounce(fn, ms = 200) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}
