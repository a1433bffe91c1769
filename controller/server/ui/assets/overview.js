// The overview page: the session queue (active and waiting sessions in queue order, recently
// finished ones folded away) and the labs with their phase, ready nodes, holder, conditions and
// latest events. Pure rendering of the watched state.
import { $, ago, el, setRows, show, sinceCell } from './dom.js';

const FINISHED = new Set(['Released', 'Expired', 'Cancelled', 'Failed']);
const MAX_FINISHED = 20;

export function phaseBadge(phase) {
  return el('span', { className: 'phase phase-' + (phase || 'Unknown') }, phase || '…');
}

export function labLink(name) {
  return el('a', { href: '#/labs/' + encodeURIComponent(name) }, name);
}

// The events about Lab `name`, newest first.
export function labEvents(state, name) {
  const events = [];
  for (const e of state.events.values()) {
    const about = e.involvedObject || {};
    if (about.kind === 'Lab' && about.name === name) events.push(e);
  }
  const time = (e) => e.lastTimestamp || e.firstTimestamp || '';
  return events.sort((a, b) => time(b).localeCompare(time(a)));
}

export function eventItem(e) {
  return el('li', { className: 'event-' + (e.type || 'Normal') },
    el('span', { className: 'ev-reason' }, e.reason || ''), ' ', e.message || '',
    e.count > 1 ? ` (×${e.count})` : '', ' ',
    el('span', { className: 'ev-age' }, ago(e.lastTimestamp || e.firstTimestamp)));
}

export function conditionChips(lab) {
  return ((lab.status || {}).conditions || []).map((c) => el('span', {
    className: 'cond ' + String(c.status).toLowerCase(),
    title: [c.reason, c.message].filter(Boolean).join(': '),
  }, `${c.type}=${c.status}`));
}

// The lab's nodes: spec.nodes of a docker lab; a lab made from a topology file (containerlab,
// netlab) declares none there, so the nodes its status reports.
export function labNodes(lab) {
  const declared = (lab.spec || {}).nodes || [];
  if (declared.length) return declared;
  return ((lab.status || {}).nodes || []).map((n) => ({ name: n.name }));
}

// "2/4": nodes ready out of the lab's nodes.
export function readyCount(lab) {
  const nodes = (lab.status || {}).nodes || [];
  return `${nodes.filter((n) => n.ready).length}/${labNodes(lab).length}`;
}

function mayRelease(me, session) {
  if (!me || !me.canWrite) return false;
  return me.admin || (session.status || {}).owner === me.user;
}

function queueOrder(a, b) {
  const sa = a.status || {}, sb = b.status || {};
  const rank = (s) => (s.phase === 'Active' ? 0 : 1);
  if (rank(sa) !== rank(sb)) return rank(sa) - rank(sb);
  if ((sa.position || 0) !== (sb.position || 0)) return (sa.position || 0) - (sb.position || 0);
  return Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion);
}

function sessionRow(session, state, actions) {
  const status = session.status || {}, spec = session.spec || {};
  const name = session.metadata.name;
  const active = status.phase === 'Active';
  return el('tr', { 'data-session': name, 'data-phase': status.phase || '' },
    el('td', { className: 'num position' }, active ? '▶' : (status.position ?? '')),
    el('td', { className: 'name' }, name),
    el('td', { className: 'holder' }, spec.holder || ''),
    el('td', { className: 'owner' }, status.owner || ''),
    el('td', { className: 'lab' }, spec.lab ? labLink(spec.lab) : ''),
    el('td', { className: 'phase-cell' }, phaseBadge(status.phase)),
    sinceCell(active ? status.activeSince : session.metadata.creationTimestamp),
    el('td', {}, mayRelease(state.me, session) &&
      el('button', { className: 'release', type: 'button', onclick: () => actions.release(name) },
        'Release')));
}

function finishedRow(session) {
  const status = session.status || {}, spec = session.spec || {};
  return el('tr', { className: 'finished', 'data-session': session.metadata.name,
    'data-phase': status.phase },
  el('td', {}, session.metadata.name), el('td', {}, spec.holder || ''),
  el('td', {}, status.owner || ''), el('td', {}, spec.lab ? labLink(spec.lab) : ''),
  el('td', {}, phaseBadge(status.phase)), el('td', {}, ago(status.finishedAt)),
  el('td', {}, status.reason || ''));
}

function renderQueue(state, actions) {
  const open = [], finished = [];
  for (const s of state.sessions.values())
    (FINISHED.has((s.status || {}).phase) ? finished : open).push(s);
  open.sort(queueOrder);
  finished.sort((a, b) => ((b.status || {}).finishedAt || '')
    .localeCompare((a.status || {}).finishedAt || ''));
  setRows('queue', open.map((s) => sessionRow(s, state, actions)));
  show('queue-empty', open.length === 0);
  setRows('finished', finished.slice(0, MAX_FINISHED).map(finishedRow));
  $('finished-count').textContent = finished.length;
}

function labRow(lab, state) {
  const status = lab.status || {};
  const name = lab.metadata.name;
  return el('tr', { 'data-lab': name, 'data-phase': status.phase || '' },
    el('td', { className: 'name' }, labLink(name)),
    el('td', {}, (lab.spec || {}).provider || ''),
    el('td', { className: 'phase-cell' }, phaseBadge(status.phase)),
    el('td', { className: 'num ready' }, readyCount(lab)),
    el('td', { className: 'held-by' }, status.heldBy || ''),
    el('td', {}, conditionChips(lab)),
    el('td', {}, el('ul', { className: 'events' }, labEvents(state, name).slice(0, 2).map(eventItem))));
}

function renderLabs(state) {
  const labs = [...state.labs.values()]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  setRows('labs', labs.map((lab) => labRow(lab, state)));
  show('labs-empty', labs.length === 0);
}

export function renderOverview(state, actions) {
  renderQueue(state, actions);
  renderLabs(state);
}
