// upjobs admin page: sign-in, navigation between views, sign-out.
//
// Layout of the modules (plain ES modules, no build step):
//   api.js        admin API client, token in sessionStorage, in-memory state
//   ui.js         DOM builder, formatters, dialogs, alert regions, sortable table
//   charts.js     hand-drawn SVG charts
//   keys.js       keys and plans          usage.js     usage charts and tables
//   store.js      store stats, upload     quality.js   spam and duplicates
//   webhooks.js   subscriptions' health   requests.js  request log tail
//   playground.js /jobs query builder

import { api, token, onUnauthorized, forgetSession } from './api.js';
import { $, $$, clearError } from './ui.js';
import * as keys from './keys.js';
import * as usage from './usage.js';
import * as store from './store.js';
import * as quality from './quality.js';
import * as webhooks from './webhooks.js';
import * as requests from './requests.js';
import * as playground from './playground.js';

const VIEWS = Object.fromEntries([keys, usage, store, quality, webhooks, requests, playground].map((m) => [m.view.id, m.view]));
const DEFAULT_VIEW = 'keys';

const signinScreen = $('#signin');
const appScreen = $('#app');
const signinForm = $('#signin-form');
const tokenInput = $('#token-input');
const signinError = $('#sign-in-error');
const menuToggle = $('#menu-toggle');

keys.setOnKeyCreated((created) => playground.keyCreated(created));

// ---------------------------------------------------------------- sign-in

function showSignin(message) {
  appScreen.hidden = true;
  signinScreen.hidden = false;
  if (message) {
    signinError.textContent = message;
    signinError.hidden = false;
  } else {
    signinError.textContent = '';
    signinError.hidden = true;
  }
  tokenInput.value = '';
  tokenInput.setAttribute('aria-invalid', message ? 'true' : 'false');
  tokenInput.focus();
}

function showApp() {
  signinScreen.hidden = true;
  appScreen.hidden = false;
  $('#server-origin').textContent = window.location.host;
  route({ focus: false });
}

signinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const candidate = tokenInput.value.trim();
  if (!candidate) {
    showSignin('Enter the admin token.');
    return;
  }
  const button = $('[data-testid="sign-in"]');
  button.disabled = true;
  try {
    // Check the token against a cheap endpoint before keeping it.
    await api('GET', '/admin/api/plans', { signIn: true, tokenOverride: candidate });
    token.set(candidate);
    tokenInput.value = '';
    showApp();
  } catch (error) {
    showSignin(error.status === 401
      ? 'Wrong admin token: the server refused it. Check UPJOBS_ADMIN_TOKEN or the token file.'
      : `Could not sign in: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

function signOut(message) {
  for (const view of Object.values(VIEWS)) view.stop?.();
  forgetSession();
  playground.reset();
  clearError();
  for (const dialog of $$('dialog[open]')) dialog.close();
  showSignin(message);
}

$('#sign-out').addEventListener('click', () => signOut());
onUnauthorized(() => signOut('The server no longer accepts the admin token. Sign in again.'));

// ----------------------------------------------------------------- routing

let currentView = null;

function routeName() {
  const match = /^#\/([a-z]+)/.exec(window.location.hash);
  return match && VIEWS[match[1]] ? match[1] : DEFAULT_VIEW;
}

function route({ focus = true } = {}) {
  if (!token.get()) return;
  const name = routeName();
  const view = VIEWS[name];
  if (currentView && currentView !== view) currentView.stop?.();
  for (const v of Object.values(VIEWS)) v.section.hidden = v !== view;
  for (const link of $$('#nav a[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  $('#menu-label').textContent = $(`#nav a[data-route="${name}"]`).textContent;
  document.title = `${$(`#nav a[data-route="${name}"]`).textContent} · upjobs admin`;
  setMenu(false);
  clearError();
  $('#notices').replaceChildren();
  currentView = view;
  view.load();
  if (focus) $('h1', view.section)?.focus();
}

window.addEventListener('hashchange', () => {
  if (window.location.hash.startsWith('#/')) route();
});

// The skip link moves focus without touching the hash, which holds the route.
$('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  $('#main').focus();
});

// A click on the current view's link reloads it (hashchange does not fire).
for (const link of $$('#nav a[data-route]')) {
  link.addEventListener('click', () => {
    if (link.getAttribute('href') === window.location.hash) {
      setMenu(false);
      currentView?.load();
      $('h1', currentView.section)?.focus();
    }
  });
}

for (const button of $$('[data-refresh]')) {
  button.addEventListener('click', () => currentView?.load());
}

// ----------------------------------------------------- phone-width menu

function setMenu(open) {
  appScreen.classList.toggle('nav-open', open);
  menuToggle.setAttribute('aria-expanded', String(open));
}

menuToggle.addEventListener('click', () => {
  const open = menuToggle.getAttribute('aria-expanded') !== 'true';
  setMenu(open);
  if (open) $('#nav a[aria-current="page"]')?.focus();
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && appScreen.classList.contains('nav-open')) {
    setMenu(false);
    menuToggle.focus();
  }
});

// ------------------------------------------------------------------ start

if (token.get()) {
  showApp();
  // A stored token may have been changed on the server since (views such as
  // the playground never call the admin API): check it once, and a 401
  // signs out through onUnauthorized.
  api('GET', '/admin/api/plans').catch(() => {});
} else {
  showSignin();
}
