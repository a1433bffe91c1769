// Small DOM helpers. Data from labd only ever goes into text nodes and attributes, never into
// markup, so an object name or event message cannot inject HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function $(id) { return document.getElementById(id); }

export function show(id, visible) { $(id).hidden = !visible; }

// Replaces the rows of a table's tbody.
export function setRows(tableId, rows) {
  $(tableId).tBodies[0].replaceChildren(...rows);
}

// "4s", "3m12s", "2h05m", "3d4h".
export function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

// A cell whose text is the time since `iso`, refreshed by tickDurations() every second.
export function sinceCell(iso, className = '') {
  const cell = el('td', { className: (className + ' since').trim() });
  if (iso) {
    cell.dataset.since = iso;
    cell.textContent = formatDuration(Date.now() - Date.parse(iso));
  }
  return cell;
}

export function tickDurations() {
  for (const cell of document.querySelectorAll('[data-since]'))
    cell.textContent = formatDuration(Date.now() - Date.parse(cell.dataset.since));
}

export function ago(iso) {
  return iso ? formatDuration(Date.now() - Date.parse(iso)) + ' ago' : '';
}
