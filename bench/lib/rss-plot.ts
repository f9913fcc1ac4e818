// An SVG line chart of one process's RSS over time (the soak's curve): linear axes, minutes against MiB, with the
// window a verdict is computed on shaded, so the plot shows what the figure was taken from.

export interface RssSample {
  atS: number;
  kib: number;
}

const W = 760;
const H = 360;
const M = { left: 64, right: 20, top: 36, bottom: 48 };

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** `shadeFromS`: the start of the window the title's verdict is about (e.g. the last hour), in the samples' seconds. */
export function rssPlotSvg(samples: RssSample[], title: string, shadeFromS?: number): string {
  const pts = samples.map((s) => [s.atS / 60, s.kib / 1024] as const);
  const xMax = Math.max(1, ...pts.map(([x]) => x));
  const yMaxRaw = Math.max(1, ...pts.map(([, y]) => y));
  const yStep = niceStep(yMaxRaw, 5);
  const yMax = Math.ceil((yMaxRaw * 1.05) / yStep) * yStep;
  const xStep = niceStep(xMax, 8);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (v: number) => M.left + (v / xMax) * pw;
  const y = (v: number) => M.top + ph - (v / yMax) * ph;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  if (shadeFromS !== undefined) {
    const x0 = x(shadeFromS / 60);
    out.push(`<rect x="${x0}" y="${M.top}" width="${M.left + pw - x0}" height="${ph}" fill="#eaf2f8"/>`);
  }
  for (let v = 0; v <= yMax + 1e-9; v += yStep)
    out.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${+v.toPrecision(4)}</text>`,
    );
  for (let v = 0; v <= xMax + 1e-9; v += xStep)
    out.push(
      `<text x="${x(v)}" y="${M.top + ph + 16}" text-anchor="middle" font-size="11">${+v.toPrecision(4)}</text>`,
    );
  const d = pts.map(([a, b], i) => `${i ? 'L' : 'M'}${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ');
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
    `<path d="${d}" fill="none" stroke="#c0392b" stroke-width="2"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle" font-size="12">minutes since the soak started</text>`,
    `<text transform="translate(16,${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">worker RSS (MiB)</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/**
 * Growth of RSS over the last `windowS` seconds, from the least-squares line through the samples in it (single
 * samples swing by a few percent with each garbage collection, so two end points would judge the noise): the
 * line's rise over the window, as a percentage of its value at the window's start.
 */
export function growthOverLast(samples: RssSample[], windowS: number): { fromS: number; percent: number } {
  const fromS = samples.at(-1)!.atS - windowS;
  const inside = samples.filter((s) => s.atS >= fromS);
  if (inside.length < 2) return { fromS, percent: 0 };
  const n = inside.length;
  const mx = inside.reduce((a, s) => a + s.atS, 0) / n;
  const my = inside.reduce((a, s) => a + s.kib, 0) / n;
  const sxx = inside.reduce((a, s) => a + (s.atS - mx) ** 2, 0);
  const slope = inside.reduce((a, s) => a + (s.atS - mx) * (s.kib - my), 0) / sxx;
  const start = my + slope * (fromS - mx);
  return { fromS, percent: Math.round(((slope * windowS) / start) * 1000) / 10 };
}
