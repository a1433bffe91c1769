// The dashboard's entry point: signs in (whoami; a login form when labd wants a token), keeps
// the watched state — one watch stream per kind shown (sessions, labs, events), nothing polled —
// and renders the page the URL fragment names: "#/" (queue and labs) or "#/labs/NAME".
import { getToken, request, setToken, WatchStream } from './api.js';
import { $, el, show, tickDurations } from './dom.js';
import { refreshLogs, renderLab } from './lab_page.js';
import { renderOverview } from './overview.js';

const KINDS = ['sessions', 'labs', 'events'];

const state = {
  me: null,  // {user, groups, admin, canWrite}
  sessions: new Map(),
  labs: new Map(),
  events: new Map(),
  streams: {},      // kind -> 'connecting' | 'live' | 'down' | 'unauthorized'
  synced: {},       // kind -> true once its stream was live
  counts: {},       // kind -> watch events applied (shown in the header's title)
};

const actions = {
  async release(name) {
    try {
      await request(`sessions/${encodeURIComponent(name)}/release`, { method: 'POST', body: {} });
      notice('');
    } catch (e) {
      notice(`release ${name}: ${e.message}`);
    }
  },
};

function notice(text) {
  $('notice').textContent = text;
  show('notice', Boolean(text));
}

function route() {
  const match = /^#\/labs\/([^/]+)$/.exec(location.hash);
  return match ? { page: 'lab', name: decodeURIComponent(match[1]) } : { page: 'overview' };
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 20);
}

function renderStreams() {
  $('streams').replaceChildren(...KINDS.map((kind) => {
    const s = state.streams[kind] || 'connecting';
    return el('span', { 'data-stream': kind, 'data-state': s,
      className: s === 'live' ? 'live' : 'down', title: `${state.counts[kind] || 0} events` },
    `${kind} ${s === 'live' ? '●' : '○'} `);
  }));
}

function render() {
  if (!state.me) return;
  const r = route();
  show('overview', r.page === 'overview');
  show('lab', r.page === 'lab');
  renderStreams();
  if (r.page === 'overview') renderOverview(state, actions);
  else renderLab(state, r.name);
}

function startStreams() {
  for (const kind of KINDS) {
    const objects = state[kind];
    new WatchStream(kind, {
      onReset: () => objects.clear(),
      onEvent: (type, object) => {
        state.counts[kind] = (state.counts[kind] || 0) + 1;
        if (type === 'DELETED') objects.delete(object.metadata.name);
        else objects.set(object.metadata.name, object);
        scheduleRender();
      },
      onState: (s) => {
        state.streams[kind] = s;
        if (s === 'live') state.synced[kind] = true;
        if (s === 'unauthorized') {  // the token was withdrawn: start over at the login form
          setToken('');
          return location.reload();
        }
        scheduleRender();
      },
    }).start();
  }
}

function signIn(message) {
  show('overview', false);
  show('lab', false);
  show('login', true);
  $('login-error').textContent = message || '';
  $('token').focus();
}

async function boot() {
  try {
    state.me = await request('whoami');
  } catch (e) {
    if (e.status === 401) return signIn(getToken() ? e.message : '');
    return notice(`labd did not answer: ${e.message}`);
  }
  show('login', false);
  $('me').textContent = state.me.user + (state.me.canWrite ? '' : ' (read-only)');
  $('me').dataset.canWrite = String(state.me.canWrite);
  $('logout').hidden = !getToken();
  startStreams();
  render();
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setToken($('token').value.trim());
  $('token').value = '';
  boot();
});
$('logout').addEventListener('click', () => {
  setToken('');
  location.reload();
});
$('logs-refresh').addEventListener('click', refreshLogs);
$('logs-lines').addEventListener('change', refreshLogs);
window.addEventListener('hashchange', render);
setInterval(tickDurations, 1000);
boot();
