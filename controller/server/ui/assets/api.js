// labd's API as the dashboard uses it: the bearer token (kept in this tab's sessionStorage and
// sent only as an Authorization header, never in a URL, so it lands in no access log or
// history), JSON and text requests, and watch streams: fetch() reading the NDJSON watch of one
// kind, resumed from the last resourceVersion after a disconnect (from scratch after a 410).
export const API = '/apis/labctl.dev/v1alpha1';
const TOKEN_KEY = 'labctl.token';

export function getToken() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const h = { ...extra };
  const token = getToken();
  if (token) h.Authorization = 'Bearer ' + token;
  return h;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function failure(res) {
  let message = `HTTP ${res.status}`;
  try {
    const body = await res.json();
    if (body.message) message = body.message;
  } catch (e) { /* not a Status object */ }
  return new ApiError(res.status, message);
}

// path: relative to the API group ("whoami"). Rejects with ApiError on a non-2xx answer.
export async function request(path, { method = 'GET', body, as = 'json' } = {}) {
  const init = { method, cache: 'no-store', headers: headers() };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${API}/${path}`, init);
  if (!res.ok) throw await failure(res);
  return as === 'json' ? res.json() : res.text();
}

// One long-lived watch of a kind (labs, sessions, events). handlers:
//   onReset()             a fresh replay follows: forget every object of this kind
//   onEvent(type, object) ADDED, MODIFIED or DELETED
//   onState(state)        'connecting', 'live', 'down' (retrying) or 'unauthorized' (stopped)
export class WatchStream {
  constructor(plural, handlers) {
    this.plural = plural;
    this.handlers = handlers;
    this.resourceVersion = '';
    this.lastError = '';
  }

  start() { this.run(); }

  async run() {
    let delay = 500;
    this.handlers.onState('connecting');
    for (;;) {
      try {
        const query = new URLSearchParams({ watch: '1', allowWatchBookmarks: '1' });
        if (this.resourceVersion) query.set('resourceVersion', this.resourceVersion);
        const res = await fetch(`${API}/${this.plural}?${query}`,
          { cache: 'no-store', headers: headers() });
        if (res.status === 401) return this.handlers.onState('unauthorized');
        if (res.status === 410) {
          this.resourceVersion = '';
          continue;
        }
        if (!res.ok) throw await failure(res);
        if (!this.resourceVersion) this.handlers.onReset();
        this.handlers.onState('live');
        delay = 500;
        await this.read(res.body.getReader());
      } catch (e) {
        this.lastError = e.message;
      }
      this.handlers.onState('down');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) this.handle(JSON.parse(line));  // empty lines are keep-alives
      }
    }
  }

  handle(event) {
    if (event.type === 'ERROR') {
      // 410: this watcher fell behind; the stream ends and the next one starts from scratch.
      if (event.object && event.object.code === 410) this.resourceVersion = '';
      return;
    }
    const rv = event.object && event.object.metadata && event.object.metadata.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type !== 'BOOKMARK') this.handlers.onEvent(event.type, event.object);
  }
}
