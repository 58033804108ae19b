// End-to-end test of the admin page in a real headless Chromium.
//
//   cd tests/browser && npm ci
//   UPJOBS_BIN=../../target/debug/upjobs node --test admin.test.mjs
//
// Starts `upjobs serve --demo` on a free loopback port with a fresh database
// and a random admin token, drives Debian's /usr/bin/chromium through
// playwright-core, and saves a screenshot of each main view under
// target/screenshots/ (copied to docs/screenshots/ when
// UPDATE_DOCS_SCREENSHOTS=1).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const SHOTS = path.join(REPO, 'target', 'screenshots');
const DOCS_SHOTS = path.join(REPO, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const STARTUP_TIMEOUT_MS = 180_000;
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 812 };

const ADMIN_TOKEN = `e2e-${randomBytes(24).toString('hex')}`;
const RUN = randomBytes(3).toString('hex').replace(/[0-9]/g, (d) => 'ghijklmnop'[d]);
// A word that only the uploaded jobs contain (letters only, so stemming leaves it alone).
const MARKER = `zephyrquokka${RUN}`;

let tmp;
let server;
let receiver; // a local webhook endpoint (loopback only)
const received = [];
let serverLog = '';
let base;
let context;
let page;
const problems = { csp: [], pageErrors: [], external: [] };

// Shared between the steps, in order.
const created = { key: null, id: null, name: `e2e key ${RUN}` };

// ----------------------------------------------------------------- helpers

function resolveBinary() {
  const fromEnv = process.env.UPJOBS_BIN;
  if (fromEnv) return path.resolve(fromEnv);
  for (const candidate of ['debug', 'release'].map((p) => path.join(REPO, 'target', p, 'upjobs'))) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('Set UPJOBS_BIN to the upjobs binary (e.g. target/debug/upjobs).');
}

async function startServer() {
  const bin = resolveBinary();
  assert.ok(fs.existsSync(bin), `UPJOBS_BIN does not exist: ${bin}`);
  // Only the settings this test chooses: drop any UPJOBS_* from the caller's environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('UPJOBS_')));
  env.UPJOBS_ADMIN_TOKEN = ADMIN_TOKEN;
  env.NO_COLOR = '1';
  // --webhook-allow-private: the test's webhook receiver listens on loopback.
  const child = spawn(bin, ['serve', '--db', path.join(tmp, 't.db'), '--listen', '127.0.0.1:0', '--demo', '--webhook-allow-private'], {
    env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (chunk) => { serverLog += chunk; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print its address within ${STARTUP_TIMEOUT_MS / 1000} s:\n${serverLog.slice(-4000)}`)), STARTUP_TIMEOUT_MS);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      serverLog += `${line}\n`;
      const match = /upjobs listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`server exited early (${code ?? signal}):\n${serverLog.slice(-4000)}`)); });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
  });
  return { child, url };
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000));
  if (await Promise.race([exited, timeout]) === 'timeout') {
    server.kill('SIGKILL');
    await exited;
  }
}

async function startReceiver() {
  const srv = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return srv;
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
async function eventually(check, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function adminApi(method, route, body) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const envelope = await response.json();
  assert.ok(response.ok, `${method} ${route} → ${response.status}: ${JSON.stringify(envelope)}`);
  return envelope.data;
}

async function publicGet(route, key) {
  const response = await fetch(`${base}${route}`, { headers: key ? { 'X-API-KEY': key } : {} });
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: response.status, body, headers: response.headers };
}

const tid = (id) => page.getByTestId(id);

const nextFrames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/**
 * Saves target/screenshots/<name>.png. A whole-page picture is taken by
 * growing the viewport to the page's height, so the sticky sidebar and
 * height-bound tables look as they do on a tall screen.
 */
async function screenshot(name, { fullPage = true } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const viewport = page.viewportSize();
  if (fullPage) {
    for (let i = 0; i < 3; i += 1) {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (height <= page.viewportSize().height) break;
      await page.setViewportSize({ width: viewport.width, height: Math.min(height, 4000) });
      await nextFrames();
    }
  }
  await nextFrames(); // charts settle on their final width
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled' });
  if (fullPage) await page.setViewportSize(viewport);
}

/** Opens a view from the nav (through the menu at phone width) and waits until it has loaded. */
async function gotoView(name) {
  const section = page.locator(`section[data-view="${name}"]`);
  await section.evaluate((el) => el.removeAttribute('aria-busy'));
  const link = tid(`nav-${name}`);
  if (!(await link.isVisible())) await page.locator('#menu-toggle').click();
  await link.click();
  await section.and(page.locator('[aria-busy="false"]')).waitFor();
  await assertNoAlert();
  return section;
}

async function assertNoAlert() {
  const text = (await page.locator('#alerts').textContent()).trim();
  assert.equal(text, '', `the page shows an error: ${text}`);
}

function job(n, extra = {}) {
  const posted = new Date(Date.now() - n * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const titles = ['Build a React dashboard for fleet telemetry', 'Migrate a Django shop to PostgreSQL 16', 'Design onboarding screens for a fintech app'];
  const skills = [['React', 'TypeScript', 'D3.js'], ['Python', 'Django', 'PostgreSQL'], ['Figma', 'UI Design', 'Prototyping']];
  const briefs = [
    'Our logistics startup needs live charts of truck positions, fuel use and delivery delays for dispatchers',
    'A family-run online store wants its catalogue, orders and customer accounts moved off MySQL without downtime',
    'We are launching a budgeting app for students and need friendly sign-up, bank linking and goal screens',
  ];
  return {
    id: `e2e-${RUN}-${n}`,
    title: `${titles[n % 3]} (${MARKER})`,
    // Three different jobs, not reposts of one text: the duplicate filter
    // ignores digits, so "Work 0" / "Work 1" alone made them near-duplicates.
    description: `${briefs[n % 3]} (${MARKER}). Clear milestones, weekly calls, code review. Please describe a similar project you delivered.`,
    job_type: n % 2 === 0 ? 2 : 1,
    status: 1,
    contractor_tier: 2,
    posted_on: posted,
    category: { name: 'Web Development', slug: 'web-development', group: 'Development & IT', group_slug: 'development-it' },
    budget: n % 2 === 0 ? { fixed_amount: 1500 + n * 250, currency: 'USD' } : { fixed_amount: null, currency: 'USD' },
    hourly_budget: n % 2 === 0 ? null : { min: 35, max: 70 },
    buyer: { payment_verified: true, country: 'US', city: 'Austin', timezone: 'America/Chicago', total_spent: 42000 + n, total_assignments: 12, total_jobs_with_hires: 9 },
    tags: ['e2e'],
    url: `https://www.upwork.com/jobs/~01e2e${RUN}${n}`,
    last_visited_at: posted,
    duration_label: '1 to 3 months',
    engagement: 'part-time',
    skills: skills[n % 3],
    client_activity: { total_applicants: 4 + n, total_hired: 0, total_invited_to_interview: 1, unanswered_invites: 0, invitations_sent: 2, last_buyer_activity: posted },
    location: { country: 'US', city: 'Austin', timezone: 'America/Chicago' },
    is_private: false,
    privacy_reason: '',
    ...extra,
  };
}

// ------------------------------------------------------------------- setup

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upjobs-e2e-'));
  // A fresh set of pictures for this run.
  if (fs.existsSync(SHOTS)) for (const f of fs.readdirSync(SHOTS).filter((n) => n.endsWith('.png'))) fs.rmSync(path.join(SHOTS, f));
  receiver = await startReceiver();
  ({ child: server, url: base } = await startServer());
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to (load|execute|apply)/i.test(msg.text())) problems.csp.push(msg.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.stack || error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== base) problems.external.push(request.url());
  });
});

after(async () => {
  await context?.close().catch(() => {});
  await stopServer();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve()));
  if (tmp) {
    fs.mkdirSync(path.join(REPO, 'target'), { recursive: true });
    fs.writeFileSync(path.join(REPO, 'target', 'browser-test-server.log'), serverLog);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    if (passed !== steps) {
      console.error(`docs/screenshots not updated: ${steps - passed} of ${steps} steps failed`);
      return;
    }
    fs.mkdirSync(DOCS_SHOTS, { recursive: true });
    for (const file of fs.readdirSync(SHOTS).filter((f) => f.endsWith('.png'))) {
      fs.copyFileSync(path.join(SHOTS, file), path.join(DOCS_SHOTS, file));
    }
  }
});

// ------------------------------------------------------------------- steps

let steps = 0;
let passed = 0;
/** it() that counts passes, so that docs screenshots are only refreshed by a green run. */
function step(name, fn) {
  steps += 1;
  it(name, async () => { await fn(); passed += 1; });
}

describe('admin page', { timeout: 600_000 }, () => {
  step('is served from the binary with a strict CSP and refuses the API without a token', async () => {
    const html = await fetch(`${base}/admin`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') || '', /text\/html/);
    const csp = html.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(html.headers.get('x-frame-options') || '', /deny/i);
    const body = await html.text();
    assert.match(body, /src="\/admin\/admin\.js"/);
    for (const file of ['admin.js', 'admin.css', 'api.js', 'ui.js', 'charts.js', 'keys.js', 'playground.js']) {
      const response = await fetch(`${base}/admin/${file}`);
      assert.equal(response.status, 200, `/admin/${file}`);
      assert.match(response.headers.get('content-type') || '', file.endsWith('.css') ? /text\/css/ : /javascript/, `/admin/${file} content-type`);
    }
    const refused = await fetch(`${base}/admin/api/keys`);
    assert.equal(refused.status, 401);
    const envelope = await refused.json();
    assert.equal(envelope.success, false);
    assert.equal(envelope.message, 'Invalid or missing admin token');
  });

  step('refuses a wrong admin token', async () => {
    await page.goto(`${base}/admin`);
    await tid('token-input').waitFor();
    await screenshot('signin');
    await tid('token-input').fill(`wrong-${ADMIN_TOKEN}`);
    await tid('sign-in').click();
    await tid('sign-in-error').waitFor();
    assert.match(await tid('sign-in-error').textContent(), /wrong admin token/i);
    assert.equal(await tid('nav-keys').isVisible(), false);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    // The field is cleared and focused for another try.
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'token-input');
  });

  step('signs in with the admin token, kept in sessionStorage only', async () => {
    await tid('token-input').fill(ADMIN_TOKEN);
    await tid('token-input').press('Enter');
    await tid('nav-keys').waitFor();
    await page.locator('section[data-view="keys"][aria-busy="false"]').waitFor();
    await assertNoAlert();
    const storage = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: localStorage.length }));
    assert.deepEqual(storage.session, [ADMIN_TOKEN]);
    assert.equal(storage.local, 0);
    assert.ok(!page.url().includes(ADMIN_TOKEN));
    // --demo made one key per plan.
    const apiKeys = await adminApi('GET', '/admin/api/keys');
    assert.ok(apiKeys.length >= 4, `demo keys: ${apiKeys.length}`);
    for (const key of apiKeys) await tid(`key-row-${key.id}`).waitFor();
    await screenshot('keys');
  });

  step('creates a key and shows it once, with a copy button and focus returned', async () => {
    // Escape closes the dialog and focus goes back to the button that opened it.
    await tid('create-key').click();
    await tid('key-name').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'key-name');
    await page.keyboard.press('Escape');
    await tid('key-name').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'create-key');

    await tid('create-key').click();
    await tid('create-key-submit').click(); // no name: refused in the dialog
    await page.locator('#create-key-dialog .dialog-error .alert').waitFor();
    await tid('key-name').fill(created.name);
    await tid('key-plan').selectOption('starter');
    await tid('key-email').fill('e2e@example.com');
    await tid('create-key-submit').click();

    await tid('new-key-value').waitFor();
    created.key = await tid('new-key-value').inputValue();
    assert.match(created.key, /^upj_[A-Za-z0-9]{32,}$/);
    assert.match(await page.locator('#new-key-dialog').textContent(), /shown only once/i);
    await screenshot('new-key', { fullPage: false });

    await tid('copy-key').click();
    await page.locator('#copy-status', { hasText: 'Copied' }).waitFor();
    const clipboard = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
    if (clipboard !== null) assert.equal(clipboard, created.key);

    await tid('close-new-key').click();
    await tid('new-key-value').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'create-key');
    assert.equal(await tid('new-key-value').inputValue(), '', 'the full key leaves the dialog when it closes');

    const listed = (await adminApi('GET', '/admin/api/keys')).find((k) => k.name === created.name);
    assert.ok(listed, 'the new key is listed by the admin API');
    created.id = listed.id;
    assert.equal(listed.plan, 'starter');
    assert.equal(listed.last4, created.key.slice(-4));
    assert.ok(created.key.startsWith(listed.prefix), `prefix ${listed.prefix}`);
    const row = tid(`key-row-${created.id}`);
    await row.waitFor();
    const rowText = await row.textContent();
    assert.ok(rowText.includes(`${listed.prefix}…${listed.last4}`), rowText);
    assert.ok(!rowText.includes(created.key));
    const leaked = await page.evaluate((key) => ({
      html: document.documentElement.outerHTML.includes(key),
      storage: JSON.stringify({ ...sessionStorage, ...localStorage }).includes(key),
      url: location.href.includes(key),
    }), created.key);
    assert.deepEqual(leaked, { html: false, storage: false, url: false });

    // The search box narrows the list to the new key.
    await tid('keys-search').fill(created.name);
    await page.waitForFunction(() => document.querySelectorAll('#keys-table tbody tr[data-testid^="key-row-"]').length === 1);
    await tid('keys-search').fill('');
    await page.waitForFunction(() => document.querySelectorAll('#keys-table tbody tr[data-testid^="key-row-"]').length > 1);

    // Sortable headers announce their order.
    const nameHeader = page.locator('#keys-table th[data-key="name"]');
    await nameHeader.locator('button').click();
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'ascending');
    await nameHeader.locator('button').press('Enter');
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'descending');
  });

  step('the new key works against /jobs', async () => {
    const jobs = await publicGet('/jobs?limit=5', created.key);
    assert.equal(jobs.status, 200, JSON.stringify(jobs.body));
    assert.equal(jobs.body.success, true);
    assert.ok(Array.isArray(jobs.body.data));
    assert.equal(jobs.body.count, jobs.body.data.length);
    assert.ok(jobs.body.data.length > 0, 'the demo store has jobs in a starter window');
    const usage = await publicGet('/usage', created.key);
    assert.equal(usage.status, 200);
    assert.equal(usage.body.data[0].plan, 'starter');

    // Traffic for the usage view: a second starter key (burst 20) driven past its limit.
    const [traffic] = await adminApi('POST', '/admin/api/keys', { name: `traffic ${RUN}`, plan: 'starter' });
    const statuses = [];
    for (let i = 0; i < 24; i += 1) statuses.push((await publicGet('/jobs?limit=1', traffic.key)).status);
    assert.ok(statuses.includes(200) && statuses.includes(429), `statuses: ${statuses.join(',')}`);
  });

  step("changes the key's plan", async () => {
    const row = tid(`key-row-${created.id}`);
    await row.getByTestId('change-plan').click();
    await tid('edit-plan').waitFor();
    assert.equal(await tid('edit-plan').inputValue(), 'starter');
    await tid('edit-plan').selectOption('business');
    await tid('edit-key-submit').click();
    await tid('edit-plan').waitFor({ state: 'hidden' });
    await row.locator('[data-field="plan"]', { hasText: 'business' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'change-plan');
    const listed = (await adminApi('GET', '/admin/api/keys')).find((k) => k.id === created.id);
    assert.equal(listed.plan, 'business');
    const usage = await publicGet('/usage', created.key);
    assert.equal(usage.body.data[0].plan, 'business');
    assert.equal(usage.body.data[0].rate_limit_per_min, listed.rate_limit_per_min);
  });

  step('subscribes two webhooks for the new key (one healthy, one failing)', async () => {
    const subscribe = async (url, description) => {
      const response = await fetch(`${base}/webhooks`, {
        method: 'POST',
        headers: { 'X-API-KEY': created.key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ url, description, filters: { q: MARKER } }),
      });
      const body = await response.json();
      assert.equal(response.status, 201, JSON.stringify(body));
      return body.data[0];
    };
    created.hookOk = await subscribe(`http://127.0.0.1:${receiver.address().port}/hooks/upjobs`, 'e2e receiver');
    // Port 1 on loopback: nothing listens there, so every attempt fails.
    created.hookBad = await subscribe('http://127.0.0.1:1/unreachable', 'e2e unreachable endpoint');
  });

  step('ingests an uploaded NDJSON file and shows the per-record report', async () => {
    await gotoView('store');
    const lines = [job(0), job(1), job(2)].map((j) => JSON.stringify(j));
    const bad = job(3);
    delete bad.title;
    lines.push(JSON.stringify(bad));
    const file = path.join(tmp, `e2e-${RUN}.ndjson`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    await tid('upload-input').setInputFiles(file);
    await tid('upload-submit').click();
    const report = tid('upload-report');
    await report.locator('h3', { hasText: 'Report for' }).waitFor();
    const count = async (field) => Number((await report.locator(`[data-field="${field}"] strong`).textContent()).replace(/\D/g, ''));
    assert.equal(await count('inserted'), 3, await report.textContent());
    assert.equal(await count('rejected'), 1);
    const rejectedRow = report.locator('tbody tr');
    assert.equal(await rejectedRow.count(), 1);
    assert.match(await rejectedRow.textContent(), /^4/);
    await assertNoAlert();

    // More rejected records than the API lists (1,000): the report counts them all.
    const bulk = path.join(tmp, `e2e-${RUN}-bad.ndjson`);
    fs.writeFileSync(bulk, `${Array.from({ length: 1100 }, (_, n) => JSON.stringify({ id: `bad-${n}` })).join('\n')}\n`);
    await tid('upload-input').setInputFiles(bulk);
    await tid('upload-submit').click();
    await report.locator('h3', { hasText: `e2e-${RUN}-bad.ndjson` }).waitFor();
    assert.equal(await count('rejected'), 1100, await report.textContent());
    await report.locator('p', { hasText: '… and 900 more rejected records.' }).waitFor();

    const found = await publicGet(`/jobs?q=${MARKER}&limit=10`, created.key);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body.data.map((j) => j.id).sort(), [0, 1, 2].map((n) => `e2e-${RUN}-${n}`));
    await page.locator('section[data-view="store"][aria-busy="false"]').waitFor();
    await screenshot('store');
  });

  step('runs a query in the playground, with curl and next page', async () => {
    await gotoView('playground');
    // The key created in this session is offered (and preselected).
    await tid('pg-key-pick').selectOption(created.id);
    assert.equal(await tid('pg-key').inputValue(), created.key);
    await tid('pg-q').fill(MARKER);
    await page.locator('#pg-limit').fill('2');
    await page.locator('#pg-sort').selectOption('posted_on_desc');
    await tid('pg-run').click();
    await page.locator('#pg-outcome.ok').waitFor();
    const first = JSON.parse(await tid('pg-result').textContent());
    assert.equal(first.success, true);
    assert.deepEqual(first.data.map((j) => j.id), [`e2e-${RUN}-0`, `e2e-${RUN}-1`]);
    assert.ok(first.next_cursor, 'a next_cursor for the third match');

    const curl = await tid('pg-curl').textContent();
    assert.ok(curl.includes(`${base}/jobs?`), curl);
    assert.ok(curl.includes(`q=${MARKER}`) && curl.includes('limit=2') && curl.includes('sort=posted_on_desc'), curl);
    assert.ok(curl.includes('X-API-KEY: $UPJOBS_API_KEY') && !curl.includes(created.key), curl);
    await screenshot('playground');

    await tid('pg-next').click();
    await page.waitForFunction((id) => document.querySelector('#pg-result')?.textContent.includes(id), `e2e-${RUN}-2`);
    const second = JSON.parse(await tid('pg-result').textContent());
    assert.deepEqual(second.data.map((j) => j.id), [`e2e-${RUN}-2`]);

    // A bad filter shows the API's message in the alert region.
    await page.locator('#pg-cursor').fill('');
    await page.locator('details:has(#pg-budget_min) > summary').click(); // a collapsed section
    await page.locator('#pg-budget_min').fill('-5');
    await tid('pg-run').click();
    await page.locator('#pg-outcome.error').waitFor();
    assert.match(await page.locator('#alerts').textContent(), /budget_min/);
    await page.locator('#pg-budget_min').fill('');
  });

  step('revokes the key after a confirmation; /jobs then refuses it', async () => {
    await gotoView('keys');
    const row = tid(`key-row-${created.id}`);
    await row.getByTestId('revoke').click();
    await tid('confirm-yes').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'confirm-no', 'the safe choice has the focus');
    await screenshot('revoke-confirm', { fullPage: false });
    await tid('confirm-yes').click();
    await row.getByText('Revoked').first().waitFor();
    assert.equal(await row.getByTestId('revoke').count(), 0);
    const listed = (await adminApi('GET', '/admin/api/keys')).find((k) => k.id === created.id);
    assert.equal(listed.revoked, true);
    const refused = await publicGet('/jobs?limit=1', created.key);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.success, false);
  });

  step('shows usage charts that match the usage API', async () => {
    const section = await gotoView('usage');
    assert.ok(await section.locator('#usage-total-chart svg[role="img"]').count() >= 1);
    const rows = await adminApi('GET', '/admin/api/usage?days=30');
    const total = rows.reduce((n, r) => n + r.calls, 0);
    const limited = rows.reduce((n, r) => n + r.rate_limited, 0);
    const cardValue = async (label) => {
      const card = section.locator('.card').filter({ has: page.locator('.card-label', { hasText: new RegExp(`^${label}$`) }) });
      return Number((await card.locator('.card-value').textContent()).replace(/\D/g, ''));
    };
    // The page loaded the same endpoint a moment ago; counts only grow.
    assert.ok(await cardValue('Calls') <= total, 'calls card');
    assert.ok(await cardValue('Rate-limited') <= limited, 'rate-limited card');
    assert.ok(total > 0, 'usage rows exist after the calls above');
    await screenshot('usage');
  });

  step('shows the data-quality list', async () => {
    const section = await gotoView('quality');
    const caught = await adminApi('GET', '/admin/api/quality');
    const rows = await section.locator('tbody tr[data-testid^="quality-row-"]').count();
    assert.equal(rows, caught.length);
    await screenshot('quality');

    // Overrule one decision and see the verdict come back from the API.
    const target = caught.find((item) => item.kind === 'duplicate' && !item.verdict)
      || caught.find((item) => item.kind === 'spam' && !item.verdict);
    if (target) {
      const row = tid(`quality-row-${target.id}`);
      const verdict = target.kind === 'duplicate' ? 'not_duplicate' : 'not_spam';
      await row.getByTestId(target.kind === 'duplicate' ? 'verdict-not-duplicate' : 'verdict-not-spam').click();
      await row.getByText(/overruled: not a/).waitFor();
      const after = (await adminApi('GET', '/admin/api/quality')).find((item) => item.id === target.id);
      assert.equal(after?.verdict, verdict);
      await assertNoAlert();
    }
  });

  step('shows the webhook subscriptions with their health', async () => {
    // The uploaded jobs matched both subscriptions: wait for the first attempts.
    await eventually(async () => {
      const hooks = await adminApi('GET', '/admin/api/webhooks');
      const ok = hooks.find((w) => w.id === created.hookOk?.id);
      const bad = hooks.find((w) => w.id === created.hookBad?.id);
      return ok?.last_success_at && bad?.last_failure_at;
    }, 15_000);
    const section = await gotoView('webhooks');
    const hooks = await adminApi('GET', '/admin/api/webhooks');
    assert.equal(await section.locator('tbody tr[data-testid^="webhook-row-"]').count(), hooks.length);
    for (const hook of [created.hookOk, created.hookBad]) {
      const listed = hooks.find((w) => w.id === hook.id);
      assert.ok(listed, `webhook ${hook.id} is listed`);
      assert.equal(listed.key_id, created.id);
      const row = tid(`webhook-row-${hook.id}`);
      assert.ok((await row.textContent()).includes(hook.url));
      assert.ok((await row.textContent()).includes(`q=${MARKER}`));
    }
    assert.ok(received.length >= 1, 'the receiver got a delivery');
    await screenshot('webhooks');
  });

  step('shows the request log, filtered by status', async () => {
    const section = await gotoView('requests');
    await section.locator('tbody tr').first().waitFor();
    await page.locator('#requests-status').fill('401');
    await section.evaluate((el) => el.removeAttribute('aria-busy'));
    await page.locator('#requests-filter button[type="submit"]').click();
    await page.locator('section[data-view="requests"][aria-busy="false"]').waitFor();
    await assertNoAlert();
    const statuses = await section.locator('tbody td .badge').allTextContents();
    assert.ok(statuses.length >= 1, 'the refused call above is in the log');
    assert.ok(statuses.every((s) => s === '401'), statuses.join(','));
    await page.locator('#requests-status').fill('');
    await section.evaluate((el) => el.removeAttribute('aria-busy'));
    await page.locator('#requests-filter button[type="submit"]').click();
    await page.locator('section[data-view="requests"][aria-busy="false"]').waitFor();
    // The page's own successful admin calls are left out by the server, so
    // the keyed calls above fill the rows however busy the page was.
    const rows = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent));
    assert.ok(rows.some((row) => row.includes('/jobs')), rows.join('\n'));
    const logged = await adminApi('GET', '/admin/api/requests?limit=1000&hide_admin=true');
    assert.ok(logged.every((r) => !r.route.startsWith('/admin') || r.status >= 400), JSON.stringify(logged));
    await screenshot('requests');
  });

  step('is usable at phone width (375 px)', async () => {
    // A long name without spaces wraps instead of widening the table.
    const longName = `long${'x'.repeat(180)}`;
    await adminApi('POST', '/admin/api/keys', { name: longName, plan: 'starter' });
    await gotoView('keys');
    const table = await page.locator('#keys-table').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(table <= 0, `the keys table scrolls sideways by ${table}px at desktop width`);
    await page.setViewportSize(PHONE);
    await gotoView('keys');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await screenshot('mobile-keys', { fullPage: false });
    await page.locator('#menu-toggle').click();
    await tid('nav-usage').waitFor();
    assert.equal(await page.locator('#menu-toggle').getAttribute('aria-expanded'), 'true');
    await screenshot('mobile-menu', { fullPage: false });
    await gotoView('usage');
    assert.equal(await tid('nav-usage').isVisible(), false, 'the menu closes after choosing');
    await screenshot('mobile-usage', { fullPage: false });
    await page.setViewportSize(DESKTOP);
  });

  step('returns to sign-in when the stored token is no longer accepted, from any view', async () => {
    // As after the operator changed UPJOBS_ADMIN_TOKEN: the playground never
    // calls the admin API, so the page checks the token when it starts.
    await page.evaluate(() => sessionStorage.setItem('upjobs.admin_token', 'a-token-the-server-does-not-know'));
    await page.goto(`${base}/admin#/playground`);
    await page.reload(); // a new hash alone does not start the page again
    await tid('token-input').waitFor();
    assert.match(await tid('sign-in-error').textContent(), /no longer accepts/i);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await tid('token-input').fill(ADMIN_TOKEN);
    await tid('token-input').press('Enter');
    await tid('nav-keys').waitFor();
  });

  step('signs out', async () => {
    await gotoView('keys');
    await tid('sign-out').click();
    await tid('token-input').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.equal(await tid('nav-keys').isVisible(), false);
  });

  step('broke no CSP rule, threw no error and contacted no other origin', async () => {
    const violations = await page.evaluate(() => window.__csp || []);
    assert.deepEqual([...problems.csp, ...violations], []);
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(problems.external, []);
  });
});
