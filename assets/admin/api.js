// The admin API client and the page's in-memory state.
//
// The admin token lives in sessionStorage only (one tab, gone when it closes)
// and travels in the Authorization header, never in a URL. Full API keys
// created here are kept in memory only, for the playground's key picker.

const TOKEN_STORAGE_KEY = 'upjobs.admin_token';

export const token = {
  get() { try { return sessionStorage.getItem(TOKEN_STORAGE_KEY); } catch { return null; } },
  set(value) { sessionStorage.setItem(TOKEN_STORAGE_KEY, value); },
  clear() { try { sessionStorage.removeItem(TOKEN_STORAGE_KEY); } catch { /* storage disabled */ } },
};

/** Shared state of the page, in memory. */
export const state = {
  keys: [],
  plans: [],
  /** Keys created in this tab: [{id, name, plan, key}]; never persisted. */
  sessionKeys: [],
};

export class ApiError extends Error {
  constructor(message, status, envelope) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.envelope = envelope;
  }
}

let unauthorizedHandler = () => {};
/** Called when the server refuses the stored token (401) outside sign-in. */
export function onUnauthorized(handler) { unauthorizedHandler = handler; }

/**
 * Calls the admin API and returns the envelope. Throws ApiError with the
 * envelope's message when the call fails.
 */
export async function api(method, path, { body, contentType, signIn = false, tokenOverride } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = tokenOverride ?? token.get();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const init = { method, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  if (body !== undefined) {
    if (body instanceof Blob || typeof body === 'string') {
      init.body = body;
      headers['Content-Type'] = contentType || 'application/octet-stream';
    } else {
      init.body = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(`Cannot reach the server (${error.message}).`, 0, null);
  }
  const text = await response.text();
  let envelope = null;
  try { envelope = text ? JSON.parse(text) : null; } catch { envelope = null; }
  if (response.status === 401) {
    const message = envelope?.message || 'Invalid or missing admin token';
    if (!signIn) unauthorizedHandler(message);
    throw new ApiError(message, 401, envelope);
  }
  if (!response.ok || !envelope || envelope.success === false) {
    const message = envelope?.message
      || `${method} ${path} failed: HTTP ${response.status}${text && !envelope ? ` — ${text.slice(0, 200)}` : ''}`;
    throw new ApiError(message, response.status, envelope);
  }
  if (!Array.isArray(envelope.data)) envelope.data = envelope.data == null ? [] : [envelope.data];
  return envelope;
}

/** GET and return `data`. */
export async function getData(path) { return (await api('GET', path)).data; }

export async function loadKeys() {
  state.keys = await getData('/admin/api/keys');
  return state.keys;
}

export const DEFAULT_PLAN_NAMES = ['starter', 'professional', 'business', 'enterprise'];

export async function loadPlans() {
  state.plans = await getData('/admin/api/plans');
  const order = (name) => { const i = DEFAULT_PLAN_NAMES.indexOf(name); return i === -1 ? 99 : i; };
  state.plans.sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name));
  return state.plans;
}

export function planByName(name) { return state.plans.find((p) => p.name === name); }

export function keyName(id) {
  if (!id) return null;
  return state.keys.find((k) => k.id === id)?.name ?? null;
}

export function rememberSessionKey(created) {
  state.sessionKeys = state.sessionKeys.filter((k) => k.id !== created.id);
  state.sessionKeys.unshift({ id: created.id, name: created.name, plan: created.plan, key: created.key, prefix: created.prefix, last4: created.last4 });
}

export function forgetSession() {
  token.clear();
  state.keys = [];
  state.plans = [];
  state.sessionKeys = [];
}
