/**
 * The HTML report: one self-contained file (no external assets) with the summary figures,
 * bar charts drawn as inline SVG and a searchable table of meetings. Every value taken from
 * the data is escaped, so message text or titles holding markup show as text.
 */
import { formatDuration, type Summary } from '../../runtime/summary.js';

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Bar {
  label: string;
  values: number[];
}

function barChart(title: string, bars: readonly Bar[], series: readonly string[]): string {
  if (bars.length === 0) return `<figure><figcaption>${escapeHtml(title)}</figcaption><p class="empty">no data</p></figure>`;
  const colors = ['#3b6fb6', '#e0823d', '#5aa469'];
  const rowH = 18;
  const labelW = 150;
  const width = 560;
  const max = Math.max(1, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const rows = bars.map((b, i) => {
    let x = labelW;
    const y = i * rowH;
    const rects = b.values.map((v, s) => {
      const w = ((width - labelW - 60) * v) / max;
      const r = `<rect x="${x.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="${colors[s % colors.length]}"><title>${escapeHtml(series[s] ?? '')}: ${v}</title></rect>`;
      x += w;
      return r;
    });
    const total = b.values.reduce((a, v) => a + v, 0);
    return `<text x="${labelW - 6}" y="${y + rowH - 5}" text-anchor="end">${escapeHtml(b.label)}</text>${rects.join('')}<text x="${(x + 4).toFixed(1)}" y="${y + rowH - 5}">${escapeHtml(Math.round(total * 10) / 10)}</text>`;
  });
  const legend = series.length > 1 ? `<p class="legend">${series.map((s, i) => `<span style="color:${colors[i % colors.length]}">■</span> ${escapeHtml(s)}`).join(' &nbsp; ')}</p>` : '';
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>${legend}<svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${bars.length * rowH}" font-size="11">${rows.join('')}</svg></figure>`;
}

/** Extra tables for the report: rows already selected, rendered as searchable tables. */
export interface ReportTable {
  id: string;
  title: string;
  columns: readonly string[];
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Shown under the title, e.g. how many rows were left out. */
  note?: string;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 16).replace('T', ' ');
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

function searchableTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${t.columns.map((c) => `<td${typeof r[c] === 'number' || typeof r[c] === 'bigint' ? ' class="n"' : ''}>${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`)
    .join('\n');
  const id = escapeHtml(t.id);
  return `<h2>${escapeHtml(t.title)}</h2>${t.note ? `<p class="sub">${escapeHtml(t.note)}</p>` : ''}
<input class="search" type="search" data-table="${id}" placeholder="Search" aria-label="Search ${escapeHtml(t.title)}">
<table id="${id}" class="searchable"><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}

export function renderReport(s: Summary, generatedAt: Date, tables: readonly ReportTable[] = []): string {
  const figures: Array<[string, string]> = [
    ['messages read', String(s.records['messages'] ?? 0)],
    ['calendar events', String(s.records['calendar_events'] ?? 0)],
    ['meetings found', String(s.meetings.total)],
    ['huddles / ad hoc calls', `${s.meetings.huddles} / ${s.meetings.adhoc}`],
    ['messages linked', String(s.messagesLinked)],
    ['median time to schedule', formatDuration(s.medianTimeToScheduleMs)],
  ];
  const perDay = s.meetingsPerDay.slice(-45).map((d) => ({ label: d.day, values: [d.calendar, d.slack] }));
  const rows = s.topMeetings
    .map((m) => `<tr><td>${escapeHtml(m.start)}</td><td>${escapeHtml(m.title)}</td><td>${escapeHtml(m.kind)}</td><td class="n">${escapeHtml(m.messages)}</td><td class="n">${escapeHtml(m.cost.toFixed(1))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>convene report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}.sub{color:#666;margin-top:0}
.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:.8rem;margin:1.2rem 0}
.figures div{background:#f4f6f9;border-radius:6px;padding:.7rem}.figures b{display:block;font-size:1.4rem}
figure{margin:1.2rem 0}figcaption{font-weight:600;margin-bottom:.3rem}.legend{margin:.2rem 0;color:#555}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left}td.n{text-align:right}
input{padding:.4rem;width:20rem;margin:.4rem 0}.warning{background:#fff3cd;border:1px solid #e0b400;padding:.6rem;border-radius:6px}.empty{color:#888}
</style></head><body>
${
  s.lastRun && s.lastRun.degraded.length > 0
    ? `<p class="warning" role="alert">The last run (${escapeHtml(s.lastRun.runId)}) ended ${escapeHtml(s.lastRun.status)}: ${s.lastRun.degraded
        .map((c) => `${escapeHtml(c.name)} ${escapeHtml(c.status)}${c.reason ? ` (${escapeHtml(c.reason)})` : ''}`)
        .join('; ')}. Figures that depend on it are incomplete${s.lastRun.degraded.some((c) => /calend/.test(c.name)) ? ': without calendars, only Slack-only meetings are found' : ''}.</p>`
    : ''
}
<h1>How this organization coordinates its meetings</h1>
<p class="sub">convene report, generated ${escapeHtml(generatedAt.toISOString())}</p>
<section class="figures">${figures.map(([k, v]) => `<div><b>${escapeHtml(v)}</b>${escapeHtml(k)}</div>`).join('')}</section>
${barChart('Meetings per day (last 45 days)', perDay, ['on calendars', 'Slack-only'])}
${barChart('Time to schedule (first proposal → confirmation)', s.timeToSchedule.map((b) => ({ label: b.bucket, values: [b.meetings] })), ['meetings'])}
${barChart('Coordination cost by team (minutes)', s.costByTeam.map((t) => ({ label: t.team, values: [t.minutes] })), ['minutes'])}
${barChart('Busiest coordination channels (linked messages)', s.busiestChannels.map((c) => ({ label: c.name, values: [c.messages] })), ['messages'])}
${barChart('Huddles and ad hoc calls vs scheduled meetings', [{ label: 'scheduled', values: [s.meetings.calendar] }, { label: 'huddles', values: [s.meetings.huddles] }, { label: 'ad hoc calls', values: [s.meetings.adhoc] }], ['meetings'])}
<h2>Meetings that took the most coordination</h2>
<input class="search" type="search" data-table="top-meetings" placeholder="Search meetings" aria-label="Search meetings">
<table id="top-meetings"><thead><tr><th>start (UTC)</th><th>meeting</th><th>kind</th><th>messages</th><th>cost (min)</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${tables.map(searchableTable).join('\n')}
<script>
document.querySelectorAll('input.search').forEach(function (input) {
  input.addEventListener('input', function () {
    var q = input.value.toLowerCase();
    var table = document.getElementById(input.getAttribute('data-table'));
    table.querySelectorAll('tbody tr').forEach(function (tr) { tr.hidden = q !== '' && tr.textContent.toLowerCase().indexOf(q) < 0; });
  });
});
</script>
</body></html>
`;
}
