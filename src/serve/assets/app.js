// The convene dashboard: live status over server-sent events (/api/events), health, alerts,
// run history and a meetings explorer, all from the REST API. Every value from the server is
// put on the page as text (textContent), never as markup.
'use strict';

const POINTS = 120;
const series = { throughput: [], latency: [], errors: [] };
let lastErrorCount = null;
let meetingOffset = 0;
const PAGE = 25;

const $ = (id) => document.getElementById(id);
const fmt = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits }));

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function row(cells, numeric = []) {
  const tr = document.createElement('tr');
  cells.forEach((c, i) => tr.appendChild(el('td', c, numeric.includes(i) ? 'num' : undefined)));
  return tr;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

async function api(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
  return body;
}

// ---- charts (canvas) ----

function drawLine(canvas, values, options = {}) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const finite = values.filter((v) => v !== null && Number.isFinite(v));
  const extra = (options.norm || []).filter((v) => v !== null && Number.isFinite(v));
  const max = Math.max(1, ...finite, ...extra) * 1.1;
  const left = 44;
  const bottom = h - 16;
  ctx.strokeStyle = '#e5e7eb';
  ctx.fillStyle = '#6b7280';
  ctx.font = '11px system-ui, sans-serif';
  for (let i = 0; i <= 3; i++) {
    const y = bottom - (bottom - 6) * (i / 3);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(w, y);
    ctx.stroke();
    ctx.fillText(fmt((max * i) / 3, max < 10 ? 1 : 0), 2, y + 4);
  }
  const n = Math.max(options.slots || values.length, 2);
  const x = (i) => left + ((w - left - 4) * i) / (n - 1);
  const y = (v) => bottom - (bottom - 6) * (v / max);
  const path = (vals, color, width) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    let started = false;
    vals.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      if (!started) ctx.moveTo(x(i), y(v));
      else ctx.lineTo(x(i), y(v));
      started = true;
    });
    ctx.stroke();
    ctx.lineWidth = 1;
  };
  if (options.norm) {
    ctx.setLineDash([4, 3]);
    path(options.norm, '#9ca3af', 1.5);
    ctx.setLineDash([]);
  }
  path(values, options.color || '#2563eb', 2);
  if (options.dots) {
    ctx.fillStyle = options.color || '#2563eb';
    values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      ctx.beginPath();
      ctx.arc(x(i), y(v), 3, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
  if (options.marks) {
    ctx.fillStyle = '#dc2626';
    options.marks.forEach((m, i) => {
      if (!m || values[i] === null) return;
      ctx.beginPath();
      ctx.moveTo(x(i), y(values[i]) - 9);
      ctx.lineTo(x(i) - 5, y(values[i]) - 1);
      ctx.lineTo(x(i) + 5, y(values[i]) - 1);
      ctx.fill();
    });
  }
  if (finite.length === 0) {
    ctx.fillStyle = '#9ca3af';
    ctx.fillText(options.empty || 'no data yet', left + 8, h / 2);
  }
}

function push(name, value) {
  series[name].push(value);
  if (series[name].length > POINTS) series[name].shift();
}

function drawLive() {
  drawLine($('chart-throughput'), series.throughput, { slots: POINTS, empty: 'no run in progress' });
  drawLine($('chart-latency'), series.latency, { slots: POINTS, color: '#7c3aed', empty: 'no batches yet' });
  drawLine($('chart-errors'), series.errors, { slots: POINTS, color: '#dc2626', empty: 'no run in progress' });
}

// ---- status ----

function showStatus(s) {
  const run = s.run;
  const last = s.lastRun;
  $('run-state').textContent = run
    ? `${run.command} ${run.runId} running for ${duration(run.elapsedSeconds)}${s.source === 'live-file' ? ` (pid ${s.writerPid})` : ''}`
    : last
      ? `idle; last run ${last.status} at ${new Date(last.finishedAt || last.startedAt).toLocaleString()}`
      : 'idle; no run yet';
  $('stat-read').textContent = fmt(run ? run.read : last ? last.read : null);
  $('stat-rate').textContent = fmt(run ? run.ratePerSecond : last ? last.throughput : null, 1);
  $('stat-stored').textContent = fmt(run ? run.stored : last ? last.stored : null);
  $('stat-problems').textContent = fmt(run ? run.problems + run.errors : last ? (last.problems || 0) + (last.errors || 0) : null);
  $('stat-latency').textContent = run && run.batchP95Ms !== null ? `${fmt(run.batchP95Ms, 1)} ms` : '–';
  $('stat-eta').textContent = run && run.etaSeconds !== null ? duration(run.etaSeconds) : '–';
  $('stat-meetings').textContent = fmt(s.totals ? s.totals.meetings : null);
  $('stat-messages').textContent = fmt(s.totals ? s.totals.messages : null);
  const body = $('stages').tBodies[0];
  body.replaceChildren();
  for (const st of run ? run.stages : []) body.appendChild(row([st.name, st.state, fmt(st.read), fmt(st.stored), fmt(st.ratePerSecond, 1)], [2, 3, 4]));
  push('throughput', run ? run.ratePerSecond : 0);
  push('latency', run ? run.batchP95Ms : null);
  const errs = run ? run.problems + run.errors : null;
  push('errors', errs === null ? 0 : lastErrorCount === null ? 0 : Math.max(0, errs - lastErrorCount));
  lastErrorCount = errs;
  drawLive();
  if (last && last.runId !== showStatus.lastRunId) {
    showStatus.lastRunId = last.runId;
    loadRuns();
  }
}

function showHealth(h) {
  const overall = $('overall');
  overall.className = `light ${h.overall}`;
  overall.title = `overall: ${h.overall}`;
  const list = $('health');
  list.replaceChildren();
  for (const c of h.components) {
    const li = el('li');
    li.dataset.status = c.status;
    li.appendChild(el('span', null, `light ${c.status}`));
    li.appendChild(el('span', c.name, 'name'));
    li.appendChild(el('span', c.why, 'why'));
    list.appendChild(li);
  }
  const alerts = $('alerts');
  alerts.replaceChildren();
  if (h.alerts.length === 0) alerts.appendChild(el('li', 'none', 'muted'));
  for (const a of h.alerts) alerts.appendChild(el('li', `${a.subject}: ${a.message}`, a.severity));
}

// ---- runs ----

async function loadRuns() {
  try {
    const { runs } = await api('/api/runs?limit=30');
    const body = $('runs').tBodies[0];
    body.replaceChildren();
    for (const r of runs) {
      const tr = row(
        [new Date(r.startedAt).toLocaleString(), `${r.command}${r.mode ? ` (${r.mode})` : ''}`, r.status, fmt(r.read), fmt(r.seconds, 1), fmt(r.throughput, 1), fmt(r.throughputNorm, 1), r.errorRate === null ? '–' : `${(100 * r.errorRate).toFixed(2)} %`, r.anomalies.length ? `▲ ${r.anomalies.join(', ')}` : ''],
        [3, 4, 5, 6, 7],
      );
      if (r.anomalies.length) tr.className = 'anomaly';
      body.appendChild(tr);
    }
    const chrono = runs.filter((r) => r.status !== 'running').reverse();
    drawLine($('chart-runs'), chrono.map((r) => r.throughput), { norm: chrono.map((r) => r.throughputNorm), marks: chrono.map((r) => r.anomalies.length > 0), dots: true, empty: 'no finished runs yet' });
  } catch (err) {
    $('runs').tBodies[0].replaceChildren(row([`could not load runs: ${err.message}`]));
  }
}

// ---- meetings explorer ----

function meetingQuery() {
  const form = new FormData($('meeting-search'));
  const q = new URLSearchParams();
  for (const [k, v] of form.entries()) if (String(v).trim() !== '') q.set(k, String(v).trim());
  q.set('limit', String(PAGE));
  q.set('offset', String(meetingOffset));
  return q;
}

async function loadMeetings() {
  $('meeting-error').textContent = '';
  try {
    const { rows } = await api(`/api/meetings?${meetingQuery()}`);
    const body = $('meetings').tBodies[0];
    body.replaceChildren();
    for (const m of rows) {
      const tr = row([m.start_time ? new Date(m.start_time).toLocaleString() : '', m.kind, m.title || '(untitled)', m.channel || '', m.organizer || '', fmt(m.messages), fmt(m.cost_minutes, 1)], [5, 6]);
      tr.dataset.id = m.id;
      tr.addEventListener('click', () => {
        for (const other of body.rows) other.classList.remove('selected');
        tr.classList.add('selected');
        loadMeeting(m.id);
      });
      body.appendChild(tr);
    }
    if (rows.length === 0) body.appendChild(row(['no meetings match']));
    $('page').textContent = rows.length ? `${meetingOffset + 1}–${meetingOffset + rows.length}` : '';
    $('prev').disabled = meetingOffset === 0;
    $('next').disabled = rows.length < PAGE;
  } catch (err) {
    $('meeting-error').textContent = err.message;
  }
}

async function loadMeeting(id) {
  try {
    const { meeting, messages } = await api(`/api/meetings/${encodeURIComponent(id)}`);
    $('meeting-detail').hidden = false;
    $('detail-title').textContent = meeting.title || '(untitled meeting)';
    $('detail-meta').textContent = `${meeting.kind} · ${meeting.status} · ${meeting.start_time ? new Date(meeting.start_time).toLocaleString() : ''} · ${messages.length} linked messages`;
    const body = $('detail-messages').tBodies[0];
    body.replaceChildren();
    for (const m of messages) body.appendChild(row([new Date(m.time).toLocaleString(), m.channel, m.user_id || '', m.signal || '', m.text || '']));
  } catch (err) {
    $('meeting-error').textContent = err.message;
  }
}

// ---- wiring ----

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('status', (e) => {
    $('connection').textContent = '';
    showStatus(JSON.parse(e.data));
  });
  events.addEventListener('health', (e) => showHealth(JSON.parse(e.data)));
  events.addEventListener('problem', (e) => {
    $('connection').textContent = JSON.parse(e.data).error;
  });
  events.onerror = () => {
    $('connection').textContent = 'disconnected; retrying…';
  };
}

document.addEventListener('DOMContentLoaded', () => {
  $('meeting-search').addEventListener('submit', (e) => {
    e.preventDefault();
    meetingOffset = 0;
    loadMeetings();
  });
  $('prev').addEventListener('click', () => {
    meetingOffset = Math.max(0, meetingOffset - PAGE);
    loadMeetings();
  });
  $('next').addEventListener('click', () => {
    meetingOffset += PAGE;
    loadMeetings();
  });
  drawLive();
  connect();
  loadRuns();
  loadMeetings();
});
