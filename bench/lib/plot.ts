// A small SVG line chart writer (no plotting library): panels of series against a log-scaled x axis.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitoringRow } from '../monitoring-scale.js';
import { resultsDir } from './report.js';

interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  points: [number, number][];
}

interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  /** Decades on the y axis instead of a linear scale from 0. */
  logY?: boolean;
}

const W = 460;
const H = 320;
const M = { left: 62, right: 16, top: 34, bottom: 78 };

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(p: Panel, xs: number[], offsetX: number): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const lo = Math.log10(Math.min(...xs) / 1.25);
  const hi = Math.log10(Math.max(...xs) * 1.25);
  const x = (v: number) => M.left + ((Math.log10(v) - lo) / (hi - lo)) * pw;
  const ys = p.series.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => Number.isFinite(v) && v > 0);
  const ymax = niceMax(Math.max(...ys));
  const dLo = Math.floor(Math.log10(Math.min(...ys)));
  const dHi = Math.ceil(Math.log10(Math.max(...ys)));
  const y = p.logY
    ? (v: number) => M.top + ph - ((Math.log10(Math.max(v, 10 ** dLo)) - dLo) / Math.max(1, dHi - dLo)) * ph
    : (v: number) => M.top + ph - (v / ymax) * ph;
  const ticks = p.logY
    ? Array.from({ length: Math.max(1, dHi - dLo) + 1 }, (_, i) => 10 ** (dLo + i))
    : [0, 1, 2, 3, 4].map((i) => (ymax * i) / 4);
  const out: string[] = [`<g transform="translate(${offsetX},0)">`];
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(p.title)}</text>`);
  for (const v of ticks) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${+v.toPrecision(3)}</text>`,
    );
  }
  for (const v of xs) {
    out.push(
      `<line x1="${x(v)}" x2="${x(v)}" y1="${M.top}" y2="${M.top + ph}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${M.top + ph + 16}" text-anchor="middle" font-size="11">${v}</text>`,
    );
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
    `<text x="${M.left + pw / 2}" y="${M.top + ph + 34}" text-anchor="middle" font-size="12">monitors (log scale)</text>`,
    `<text transform="translate(16,${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`,
  );
  p.series.forEach((s, i) => {
    const pts = s.points.filter(([, v]) => Number.isFinite(v)).sort((a, b) => a[0] - b[0]);
    const d = pts.map(([a, b], j) => `${j ? 'L' : 'M'}${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`,
    );
    for (const [a, b] of pts) out.push(`<circle cx="${x(a)}" cy="${y(b)}" r="3" fill="${s.color}"/>`);
    const lx = M.left + (i % 2) * (pw / 2);
    const ly = M.top + ph + 50 + Math.floor(i / 2) * 15;
    out.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`,
      `<text x="${lx + 22}" y="${ly}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

export function svg(panels: Panel[], xs: number[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * panels.length}" height="${H}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((p, i) => panel(p, xs, i * W)),
    '</svg>',
  ].join('\n');
}

/**
 * bench/results/monitoring.svg: check lag and CPU per interval against the number of monitors, for ksit as it is
 * (rows without a label) and, when measured, before the connection-pool fix (rows labelled "before").
 */
export function writeMonitoringPlot(rows: MonitoringRow[]): string {
  const of = (label: string) => rows.filter((r) => r.label === label).sort((a, b) => a.monitors - b.monitors);
  const now = of('');
  const before = of('before');
  const xs = [...new Set(rows.filter((r) => r.label === '' || r.label === 'before').map((r) => r.monitors))].sort(
    (a, b) => a - b,
  );
  const pts = (rs: MonitoringRow[], f: (r: MonitoringRow) => number) =>
    rs.map((r) => [r.monitors, f(r)] as [number, number]);
  const perInterval = (cpu: number, r: MonitoringRow) => cpu / r.intervals;
  const lag: Series[] = [
    { name: 'ksit p99', color: '#c0392b', points: pts(now, (r) => r.ksit.checks.lagP99Ms) },
    { name: 'ksit p50', color: '#e67e22', points: pts(now, (r) => r.ksit.checks.lagP50Ms) },
    { name: 'floor p99', color: '#2c3e50', dashed: true, points: pts(now, (r) => r.floor.checks.lagP99Ms) },
  ];
  const cpu: Series[] = [
    { name: 'ksit worker', color: '#c0392b', points: pts(now, (r) => perInterval(r.ksit.cpuSeconds, r)) },
    { name: 'floor', color: '#2c3e50', dashed: true, points: pts(now, (r) => perInterval(r.floor.cpuSeconds, r)) },
    { name: 'Temporal server', color: '#8e44ad', points: pts(now, (r) => perInterval(r.ksit.temporalCpuSeconds, r)) },
  ];
  if (before.length > 0) {
    lag.push({
      name: 'ksit p99, before fix',
      color: '#f1948a',
      dashed: true,
      points: pts(before, (r) => r.ksit.checks.lagP99Ms),
    });
    cpu.push({
      name: 'ksit worker, before fix',
      color: '#f1948a',
      dashed: true,
      points: pts(before, (r) => perInterval(r.ksit.cpuSeconds, r)),
    });
  }
  const file = join(resultsDir, 'monitoring.svg');
  writeFileSync(
    file,
    svg(
      [
        { title: 'Health check lag (due -> done)', yLabel: 'milliseconds (log scale)', series: lag, logY: true },
        { title: 'CPU per 30 s health interval', yLabel: 'CPU seconds per interval', series: cpu },
      ],
      xs,
    ),
  );
  return file;
}
