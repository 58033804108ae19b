// Data-quality view: jobs caught as spam or duplicates, with the rules'
// reasons, and buttons to overrule them.

import { api, getData } from './api.js';
import { h, $, SortTable, timeEl, badge, fmtNum, guarded, withBusy, notify, confirmDialog, debounce } from './ui.js';

const section = $('#view-quality');
let items = [];

const VERDICT_LABEL = { spam: 'confirmed spam', not_spam: 'overruled: not spam', not_duplicate: 'overruled: not a duplicate' };

function reasonsCell(item) {
  const reasons = item.reasons || [];
  if (item.caughtAs === 'duplicate' && reasons.length === 0) {
    if (item.verdict === 'not_duplicate' && !item.duplicate_of) {
      return h('span', {}, 'Caught as a duplicate of an earlier job; the operator kept it.');
    }
    return h('span', {}, 'Same posting as ', item.duplicate_of ? h('code', {}, item.duplicate_of) : 'an earlier job', item.verdict === 'not_duplicate' ? ' (overruled)' : '');
  }
  return h('ul', { class: 'reasons' }, reasons.map((r) => h('li', {},
    h('span', { class: 'reason-rule' }, r.rule),
    r.weight !== undefined && r.weight !== null ? h('span', { class: 'reason-weight muted' }, ` +${r.weight}`) : null,
    r.evidence ? h('q', { class: 'reason-evidence' }, r.evidence) : null)),
  item.duplicate_of ? h('li', {}, 'duplicate of ', h('code', {}, item.duplicate_of)) : null);
}

async function setVerdict(item, verdict) {
  await guarded(async () => {
    await api('POST', `/admin/api/jobs/${encodeURIComponent(item.id)}/verdict`, { body: { verdict } });
    notify(`“${item.title}”: ${VERDICT_LABEL[verdict]}.`);
    await load();
    document.querySelector(`[data-testid="quality-row-${CSS.escape(item.id)}"] button`)?.focus();
  });
}

async function deleteJob(item) {
  const yes = await confirmDialog({ title: 'Delete this job?', text: `“${item.title}” (${item.id}) is removed from the store. A feed may bring it back.`, confirm: 'Delete job' });
  if (!yes) return;
  await guarded(async () => {
    await api('DELETE', `/admin/api/jobs/${encodeURIComponent(item.id)}`);
    notify(`Job ${item.id} deleted.`);
    await load();
  });
}

function actions(item) {
  const buttons = [];
  if (item.caughtAs === 'spam') {
    if (item.verdict === 'not_spam') buttons.push(h('button', { type: 'button', class: 'btn small', onclick: () => setVerdict(item, 'spam') }, 'Back to spam'));
    else buttons.push(h('button', { type: 'button', class: 'btn small', 'data-testid': 'verdict-not-spam', onclick: () => setVerdict(item, 'not_spam') }, 'Not spam'));
    if (item.verdict === null || item.verdict === undefined) buttons.push(h('button', { type: 'button', class: 'btn small ghost', onclick: () => setVerdict(item, 'spam') }, 'Confirm spam'));
  } else if (item.verdict !== 'not_duplicate') {
    buttons.push(h('button', { type: 'button', class: 'btn small', 'data-testid': 'verdict-not-duplicate', onclick: () => setVerdict(item, 'not_duplicate') }, 'Not a duplicate'));
  }
  buttons.push(h('button', { type: 'button', class: 'btn small danger-ghost', 'aria-label': `Delete job ${item.title}`, onclick: () => deleteJob(item) }, 'Delete'));
  return h('div', { class: 'button-row tight' }, buttons);
}

const table = new SortTable($('#quality-table'), {
  caption: 'Jobs caught as spam or duplicates',
  sortKey: 'posted',
  sortDir: 'desc',
  empty: 'Nothing caught — or nothing matches the filters.',
  rowAttrs: (item) => ({ 'data-testid': `quality-row-${item.id}`, class: item.verdict && item.verdict !== 'spam' ? 'row-dim' : undefined }),
  columns: [
    {
      key: 'title', label: 'Job', header: true, className: 'col-wide', sort: (i) => i.title,
      render: (i) => h('div', {}, h('span', { class: 'cell-main' }, i.title || '(untitled)'), h('span', { class: 'cell-sub muted mono' }, i.id)),
    },
    { key: 'posted', label: 'Posted', sort: (i) => i.posted_on, defaultDesc: true, render: (i) => timeEl(i.posted_on, { empty: '—' }) },
    { key: 'kind', label: 'Caught as', sort: (i) => i.caughtAs, render: (i) => badge(i.caughtAs, i.caughtAs === 'spam' ? 'danger-soft' : 'info') },
    { key: 'score', label: 'Score', numeric: true, sort: (i) => i.spam_score, render: (i) => (i.spam_score === null || i.spam_score === undefined ? '—' : fmtNum(Math.round(i.spam_score * 100) / 100)) },
    { key: 'reasons', label: 'Reasons', className: 'col-wide', render: reasonsCell },
    { key: 'verdict', label: 'Verdict', sort: (i) => i.verdict || '', render: (i) => (i.verdict ? badge(VERDICT_LABEL[i.verdict] || i.verdict, i.verdict === 'spam' ? 'danger-soft' : 'ok') : h('span', { class: 'muted' }, 'not reviewed')) },
    { key: 'actions', label: h('span', { class: 'visually-hidden' }, 'Actions'), className: 'actions', render: actions },
  ],
});

function applyFilters() {
  const query = $('#quality-search').value.trim().toLowerCase();
  const kind = $('#quality-kind').value;
  const verdict = $('#quality-verdict').value;
  const rows = items.filter((i) => {
    if (kind && i.caughtAs !== kind) return false;
    if (verdict === 'none' && i.verdict) return false;
    if (verdict === 'overruled' && !i.verdict) return false;
    if (!query) return true;
    return [i.title, i.id, i.duplicate_of, ...(i.reasons || []).flatMap((r) => [r.rule, r.evidence])]
      .some((f) => f && String(f).toLowerCase().includes(query));
  });
  table.setRows(rows);
  const spam = items.filter((i) => i.caughtAs === 'spam').length;
  $('#quality-count').textContent = `${rows.length} shown · ${fmtNum(spam)} spam · ${fmtNum(items.length - spam)} duplicates`;
}

$('#quality-search').addEventListener('input', debounce(applyFilters, 120));
$('#quality-kind').addEventListener('change', applyFilters);
$('#quality-verdict').addEventListener('change', applyFilters);

export async function load() {
  await withBusy(section, () => guarded(async () => {
    // What the rules caught it as, even once overruled (the server may then
    // report another kind and drop duplicate_of).
    items = (await getData('/admin/api/quality')).map((item) => ({
      ...item,
      caughtAs: item.kind === 'spam' || item.kind === 'duplicate' ? item.kind : item.verdict === 'not_duplicate' ? 'duplicate' : 'spam',
    }));
    applyFilters();
  }));
}

export const view = { id: 'quality', section, load };
