// One lab's page: its topology as labd draws it (GET .../labs/NAME/graph, SVG laid out by
// Graphviz) with every node coloured by its live state, the node table, conditions, events, and
// a node's last log lines (GET .../labs/NAME/logs). The picture is fetched again only when the
// lab's generation (its spec) changes; states are recoloured on every watch event.
import { request } from './api.js';
import { $, el, setRows, show } from './dom.js';
import { conditionChips, eventItem, labEvents, labNodes, phaseBadge, readyCount } from './overview.js';

let drawnKey = '';    // "name@generation" of the picture shown
let logsLab = '';
let logsNode = '';

export function nodeStateClass(node) {
  if (!node) return 'st-unknown';
  if (node.ready) return 'st-ready';
  const state = String(node.state || '').toLowerCase();
  if (state === 'running') return 'st-starting';
  if (state === 'exited' || state === 'failed' || state === 'dead') return 'st-failed';
  return 'st-pending';
}

function nodeStatuses(lab) {
  const byName = new Map();
  for (const n of (lab.status || {}).nodes || []) byName.set(n.name, n);
  return byName;
}

function colourTopology(lab) {
  const statuses = nodeStatuses(lab);
  for (const group of $('topology').querySelectorAll('g.node')) {
    if (!group.id.startsWith('node-')) continue;
    const status = statuses.get(group.id.slice('node-'.length));
    group.classList.remove('st-ready', 'st-starting', 'st-pending', 'st-failed', 'st-unknown');
    group.classList.add(nodeStateClass(status));
    group.dataset.state = status ? status.state : '';
  }
}

async function drawTopology(state, name, key) {
  drawnKey = key;
  try {
    const text = await request(`labs/${encodeURIComponent(name)}/graph?format=svg`, { as: 'text' });
    if (drawnKey !== key) return;  // the page moved on meanwhile
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    $('topology').replaceChildren(document.importNode(svg, true));
    const lab = state.labs.get(name);
    if (lab) colourTopology(lab);
  } catch (e) {
    if (drawnKey === key) {
      drawnKey = '';
      $('topology').replaceChildren(el('p', { className: 'error' }, 'cannot draw: ' + e.message));
    }
  }
}

function nodeRow(node, status, name) {
  const addresses = Object.entries((status || {}).addresses || {}).map(([net, ip]) => `${net} ${ip}`);
  return el('tr', { 'data-node': node.name },
    el('td', {}, node.name),
    el('td', {}, el('span', { className: 'state ' + nodeStateClass(status) },
      status ? status.state : '—')),
    el('td', {}, status && status.ready ? 'yes' : 'no'),
    el('td', {}, addresses.join(', ')),
    el('td', {}, (status || {}).message || ''),
    el('td', {}, el('button', { className: 'logs-button', type: 'button',
      onclick: () => showLogs(name, node.name) }, 'Logs')));
}

export async function showLogs(lab, node) {
  logsLab = lab;
  logsNode = node;
  $('logs-node').textContent = `of ${node}`;
  $('logs-refresh').disabled = false;
  $('logs-error').textContent = '';
  const lines = $('logs-lines').value;
  try {
    const query = new URLSearchParams({ node, tailLines: lines });
    const text = await request(`labs/${encodeURIComponent(lab)}/logs?${query}`, { as: 'text' });
    if (logsLab !== lab || logsNode !== node) return;
    $('logs').textContent = text || '(no output)';
    $('logs').dataset.node = node;
  } catch (e) {
    $('logs-error').textContent = e.message;
  }
}

export function refreshLogs() {
  if (logsLab && logsNode) showLogs(logsLab, logsNode);
}

export function renderLab(state, name) {
  if (logsLab !== name) {
    logsLab = '';
    logsNode = '';
    $('logs').textContent = 'Choose a node\'s "Logs" button.';
    $('logs-node').textContent = '';
    $('logs-refresh').disabled = true;
  }
  $('lab-name').textContent = name;
  const lab = state.labs.get(name);
  show('lab-missing', !lab && state.synced.labs);
  if (!lab) {
    $('lab-phase').replaceChildren();
    $('topology').replaceChildren();
    drawnKey = '';
    setRows('nodes', []);
    return;
  }
  const status = lab.status || {};
  $('lab-phase').replaceChildren(phaseBadge(status.phase));
  $('lab-summary').replaceChildren(
    `provider ${(lab.spec || {}).provider || 'docker'} · ${readyCount(lab)} nodes ready · `,
    status.heldBy ? el('span', {}, 'held by session ', el('b', {}, status.heldBy)) : 'not held');
  const key = `${name}@${lab.metadata.generation}`;
  if (key !== drawnKey) drawTopology(state, name, key);
  else colourTopology(lab);
  const statuses = nodeStatuses(lab);
  setRows('nodes', labNodes(lab).map((n) => nodeRow(n, statuses.get(n.name), name)));
  $('lab-conditions').replaceChildren(...((status.conditions || []).map((c) =>
    el('li', {}, conditionChips({ status: { conditions: [c] } }), ' ', c.reason || '', ' ',
      c.message || ''))));
  $('lab-events').replaceChildren(...labEvents(state, name).slice(0, 30).map(eventItem));
}
