/**
 * The live page, served from the bundle itself (no files, no CDN, no front-end build):
 * plain HTML + CSS + a small browser script. It listens to /api/events and draws the chart
 * as hand-built SVG. The script is a string, not a compiled function, so coverage
 * instrumentation or minification can never alter what the browser runs.
 */

const styles = `
:root {
  --bg: #0b1020; --panel: #121a2f; --panel-edge: #1f2a44; --text: #e6ebf5; --muted: #8c98b3;
  --accent: #4f8cff; --accent-soft: rgba(79, 140, 255, 0.18); --ok: #2ecc8f; --warn: #f5a524; --grid: #23304f;
}
* { box-sizing: border-box; }
body { margin: 0; background: radial-gradient(1200px 600px at 10% -10%, #18244a 0%, var(--bg) 60%); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; min-height: 100vh; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 40px; }
header { display: flex; align-items: center; justify-content: space-between; gap: 16px; margin-bottom: 22px; }
.brand { display: flex; align-items: center; gap: 12px; }
.logo { width: 34px; height: 34px; border-radius: 10px; background: linear-gradient(135deg, #4f8cff, #8a5cff); box-shadow: 0 6px 18px rgba(79,140,255,.35); }
h1 { font-size: 20px; margin: 0; letter-spacing: .2px; }
.subtitle { color: var(--muted); font-size: 12.5px; }
.status { display: flex; align-items: center; gap: 12px; color: var(--muted); font-size: 12.5px; }
.pill { display: inline-flex; align-items: center; gap: 7px; padding: 5px 12px; border-radius: 999px; font-weight: 600; font-size: 12px;
  background: rgba(140,152,179,.15); color: var(--muted); text-transform: uppercase; letter-spacing: .6px; }
.pill::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
.pill.ok { background: rgba(46,204,143,.14); color: var(--ok); }
.pill.degraded { background: rgba(245,165,36,.16); color: var(--warn); }
.banner { display: none; margin: 0 0 18px; padding: 11px 14px; border-radius: 10px; border: 1px solid rgba(245,165,36,.45);
  background: rgba(245,165,36,.09); color: #ffd58a; font-size: 13px; }
.banner.visible { display: block; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; margin-bottom: 14px; }
.card { background: var(--panel); border: 1px solid var(--panel-edge); border-radius: 14px; padding: 16px 18px; }
.card h2 { margin: 0 0 10px; font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .7px; }
.metric { font-size: 30px; font-weight: 700; letter-spacing: -.5px; font-variant-numeric: tabular-nums; }
.metric small { font-size: 14px; font-weight: 500; color: var(--muted); margin-left: 4px; }
.grid { display: grid; grid-template-columns: 2fr 1fr; gap: 14px; margin-bottom: 14px; }
.chart-card { display: flex; flex-direction: column; }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; }
.legend { color: var(--muted); font-size: 12px; display: inline-flex; align-items: center; gap: 6px; }
.legend i { width: 10px; height: 10px; border-radius: 3px; background: #8a5cff; display: inline-block; }
#ingest-chart { width: 100%; flex: 1; min-height: 260px; display: block; }
#ingest-chart text { fill: var(--muted); font-size: 11px; }
#ingest-chart .gridline { stroke: var(--grid); stroke-width: 1; }
#ingest-chart .bar { fill: var(--accent); }
#ingest-chart .bar.current { fill: #8a5cff; }
#ingest-chart .area { fill: var(--accent-soft); }
.breakdown { list-style: none; margin: 0 0 16px; padding: 0; }
.breakdown li { display: grid; grid-template-columns: 110px 1fr 56px; align-items: center; gap: 10px; margin: 7px 0; font-size: 13px; }
.breakdown .label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.breakdown .track { height: 8px; border-radius: 6px; background: #1a2440; overflow: hidden; }
.breakdown .fill { height: 100%; border-radius: 6px; background: linear-gradient(90deg, #4f8cff, #8a5cff); }
.breakdown .value { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); font-size: 13px; padding: 8px 0; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; color: var(--muted); font-weight: 600; font-size: 11.5px; text-transform: uppercase; letter-spacing: .6px; padding: 0 10px 8px; }
td { padding: 9px 10px; border-top: 1px solid var(--panel-edge); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 260px; }
td.muted { color: var(--muted); }
.who { display: flex; align-items: center; gap: 10px; }
.avatar { width: 28px; height: 28px; border-radius: 50%; display: inline-flex; align-items: center; justify-content: center; font-size: 11px; font-weight: 700; color: #fff; flex: none; }
footer { margin-top: 18px; color: var(--muted); font-size: 12px; text-align: center; }
@media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } .grid { grid-template-columns: 1fr; } }
`;

const markup = `
<main>
  <header>
    <div class="brand">
      <div class="logo" aria-hidden="true"></div>
      <div>
        <h1>streamstack · live users</h1>
        <div class="subtitle">producer → Kafka → Spark → Cassandra, refreshed live</div>
      </div>
    </div>
    <div class="status">
      <span id="updated">connecting…</span>
      <span id="status-pill" class="pill" data-testid="status">connecting</span>
    </div>
  </header>
  <div id="banner" class="banner" role="alert" data-testid="reason"></div>
  <section class="cards">
    <div class="card"><h2>Total users</h2><div class="metric" id="total-users" data-testid="total-users">–</div></div>
    <div class="card"><h2>Last minute</h2><div class="metric" id="last-minute" data-testid="last-minute">–</div></div>
    <div class="card"><h2 id="window-title">Last 30 minutes</h2><div class="metric" id="window-total" data-testid="window-total">–</div></div>
    <div class="card"><h2>End-to-end latency</h2><div class="metric" id="latency" data-testid="latency">–</div></div>
  </section>
  <section class="grid">
    <div class="card chart-card"><div class="card-head"><h2>Ingested per minute</h2><span class="legend"><i></i>current minute, still filling</span></div><svg id="ingest-chart" role="img" aria-label="users ingested per minute"></svg></div>
    <div class="card">
      <h2>By gender</h2><ul class="breakdown" id="by-gender" data-testid="by-gender"></ul>
      <h2>By country</h2><ul class="breakdown" id="by-country" data-testid="by-country"></ul>
    </div>
  </section>
  <section class="card">
    <h2>Latest users</h2>
    <table>
      <thead><tr><th>User</th><th>Country</th><th>E-mail</th><th>Ingested</th></tr></thead>
      <tbody id="latest-users" data-testid="latest-users"></tbody>
    </table>
  </section>
  <footer>JSON API: <code>/api/stats</code> · live stream: <code>/api/events</code></footer>
</main>
`;

// Browser code: keep it free of template literals and "${" so it can live inside this TS string.
const clientScript = `
(function () {
  'use strict';
  var svgNamespace = 'http://www.w3.org/2000/svg';
  var latestSnapshot = null;
  var numberFormat = new Intl.NumberFormat('en-US');

  function byId(id) { return document.getElementById(id); }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svgElement(tag, attributes) {
    var node = document.createElementNS(svgNamespace, tag);
    for (var name in attributes) node.setAttribute(name, String(attributes[name]));
    return node;
  }
  function clock(iso) {
    if (!iso) return '–';
    var date = new Date(iso);
    return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function minuteLabel(iso) {
    var date = new Date(iso);
    return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  }
  // Round the axis maximum up to 1, 2 or 5 times a power of ten so ticks are readable.
  function niceMaximum(value) {
    if (value <= 4) return 4;
    var magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * magnitude >= value) return steps[i] * magnitude;
    return 10 * magnitude;
  }
  var avatarColours = ['#4f8cff', '#8a5cff', '#2ecc8f', '#f5a524', '#ef5d7a', '#22b8cf', '#c76bf0', '#7bc043'];
  // Stable colour per user id; ids often differ only in their last digits, so mix well.
  function avatarColour(text) {
    var hash = 2166136261;
    for (var i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
    hash = Math.imul(hash ^ (hash >>> 15), 2246822507);
    return avatarColours[((hash ^ (hash >>> 13)) >>> 0) % avatarColours.length];
  }
  function capitalized(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  function drawChart(points) {
    var svg = byId('ingest-chart');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var width = Math.max(320, svg.clientWidth || 700);
    var height = Math.max(180, svg.clientHeight || 260);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    var left = 44, right = 10, top = 10, bottom = 26;
    var plotWidth = width - left - right, plotHeight = height - top - bottom;
    var maximum = 0;
    points.forEach(function (point) { maximum = Math.max(maximum, point.count); });
    var axisMaximum = niceMaximum(maximum);
    for (var tick = 0; tick <= 4; tick++) {
      var value = axisMaximum * tick / 4;
      var y = top + plotHeight - plotHeight * tick / 4;
      svg.appendChild(svgElement('line', { 'class': 'gridline', x1: left, x2: width - right, y1: y, y2: y }));
      var label = svgElement('text', { x: left - 8, y: y + 4, 'text-anchor': 'end' });
      label.textContent = numberFormat.format(Math.round(value * 10) / 10);
      svg.appendChild(label);
    }
    var slot = plotWidth / Math.max(1, points.length);
    var barWidth = Math.max(2, slot * 0.68);
    var labelEvery = Math.max(1, Math.ceil(points.length / 8));
    points.forEach(function (point, index) {
      var barHeight = axisMaximum === 0 ? 0 : plotHeight * point.count / axisMaximum;
      var x = left + index * slot + (slot - barWidth) / 2;
      var bar = svgElement('rect', {
        'class': index === points.length - 1 ? 'bar current' : 'bar',
        x: x.toFixed(1), y: (top + plotHeight - barHeight).toFixed(1), width: barWidth.toFixed(1), height: Math.max(0, barHeight).toFixed(1),
        rx: Math.min(3, barWidth / 2), 'data-count': point.count, 'data-minute': point.minute
      });
      var title = svgElement('title', {});
      title.textContent = minuteLabel(point.minute) + ': ' + numberFormat.format(point.count) + ' users';
      bar.appendChild(title);
      svg.appendChild(bar);
      if ((points.length - 1 - index) % labelEvery === 0) {
        var text = svgElement('text', { x: (left + index * slot + slot / 2).toFixed(1), y: height - 8, 'text-anchor': 'middle' });
        text.textContent = minuteLabel(point.minute);
        svg.appendChild(text);
      }
    });
    svg.setAttribute('data-rendered', 'true');
    svg.setAttribute('data-total', String(points.reduce(function (sum, point) { return sum + point.count; }, 0)));
  }

  function drawBreakdown(listId, entries, limit) {
    var list = byId(listId);
    list.textContent = '';
    if (!entries.length) { list.appendChild(element('li', 'empty', 'no data yet')); return; }
    var shown = entries.slice(0, limit);
    if (entries.length > limit) {
      var rest = entries.slice(limit).reduce(function (sum, entry) { return sum + entry.count; }, 0);
      shown.push({ key: (entries.length - limit) + ' more', count: rest });
    }
    var largest = shown.reduce(function (max, entry) { return Math.max(max, entry.count); }, 1);
    shown.forEach(function (entry) {
      var item = element('li');
      item.setAttribute('data-key', entry.key);
      item.setAttribute('data-count', String(entry.count));
      var label = element('span', 'label', capitalized(entry.key));
      label.title = entry.key;
      var track = element('span', 'track');
      var fill = element('span', 'fill');
      fill.style.display = 'block';
      fill.style.width = (100 * entry.count / largest).toFixed(1) + '%';
      track.appendChild(fill);
      item.appendChild(label);
      item.appendChild(track);
      item.appendChild(element('span', 'value', numberFormat.format(entry.count)));
      list.appendChild(item);
    });
  }

  function drawLatest(users) {
    var body = byId('latest-users');
    body.textContent = '';
    if (!users.length) {
      var row = element('tr');
      var cell = element('td', 'empty', 'no users yet');
      cell.colSpan = 4;
      row.appendChild(cell);
      body.appendChild(row);
      return;
    }
    users.forEach(function (user) {
      var row = element('tr');
      var name = ((user.firstName || '') + ' ' + (user.lastName || '')).trim() || user.username || user.id;
      var who = element('td');
      var wrapper = element('div', 'who');
      var initials = ((user.firstName || '?').charAt(0) + (user.lastName || '').charAt(0)).toUpperCase();
      var avatar = element('span', 'avatar', initials);
      avatar.style.background = avatarColour(user.id);
      wrapper.appendChild(avatar);
      wrapper.appendChild(element('span', '', name));
      who.appendChild(wrapper);
      row.appendChild(who);
      row.appendChild(element('td', '', user.country || '–'));
      row.appendChild(element('td', 'muted', user.email || '–'));
      row.appendChild(element('td', 'muted', clock(user.ingestedAt)));
      body.appendChild(row);
    });
  }

  function render(snapshot) {
    latestSnapshot = snapshot;
    var pill = byId('status-pill');
    pill.className = 'pill ' + snapshot.status;
    pill.textContent = snapshot.status === 'ok' ? 'live' : 'degraded';
    pill.setAttribute('data-status', snapshot.status);
    var banner = byId('banner');
    if (snapshot.status === 'ok') { banner.className = 'banner'; banner.textContent = ''; }
    else {
      banner.className = 'banner visible';
      banner.textContent = 'Degraded: ' + (snapshot.reason || 'unknown reason') + (snapshot.stale ? ' — showing the last numbers read at ' + clock(snapshot.generatedAt) : '');
    }
    byId('updated').textContent = snapshot.generatedAt ? 'updated ' + clock(snapshot.generatedAt) : 'no data yet';
    byId('total-users').textContent = numberFormat.format(snapshot.totalUsers);
    var points = snapshot.ingestPerMinute || [];
    var lastMinute = points.length ? points[points.length - 1].count : 0;
    byId('last-minute').textContent = numberFormat.format(lastMinute);
    byId('window-title').textContent = 'Last ' + points.length + ' minutes';
    byId('window-total').textContent = numberFormat.format(points.reduce(function (sum, point) { return sum + point.count; }, 0));
    var latency = byId('latency');
    latency.textContent = '';
    if (snapshot.averageLatencyMs === null || snapshot.averageLatencyMs === undefined) latency.textContent = '–';
    else {
      var seconds = snapshot.averageLatencyMs / 1000;
      latency.appendChild(document.createTextNode(seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)));
      latency.appendChild(element('small', '', 's'));
    }
    drawChart(points);
    drawBreakdown('by-gender', snapshot.byGender || [], 4);
    drawBreakdown('by-country', snapshot.byCountry || [], 7);
    drawLatest(snapshot.latestUsers || []);
    document.body.setAttribute('data-snapshots', String(Number(document.body.getAttribute('data-snapshots') || '0') + 1));
  }

  function connect() {
    var source = new EventSource('/api/events');
    source.addEventListener('snapshot', function (event) { render(JSON.parse(event.data)); });
    source.onerror = function () {
      var pill = byId('status-pill');
      pill.className = 'pill degraded';
      pill.textContent = 'reconnecting';
    };
  }

  window.addEventListener('resize', function () { if (latestSnapshot) drawChart(latestSnapshot.ingestPerMinute || []); });
  connect();
})();
`;

export interface PageOptions {
  pushIntervalMs: number;
}

export function renderDashboardPage(options: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="dashboard-push-interval-ms" content="${options.pushIntervalMs}">
<title>streamstack · live users</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%234f8cff'/%3E%3C/svg%3E">
<style>${styles}</style>
</head>
<body>
${markup}
<script>${clientScript}</script>
</body>
</html>
`;
}
