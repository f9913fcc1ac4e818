import { describe, expect, it } from '@jest/globals';
import { growthOverLast, rssPlotSvg } from '../../../bench/lib/rss-plot.js';

const minutes = (n: number, kibAt: (m: number) => number) =>
  Array.from({ length: n * 2 + 1 }, (_, i) => ({ atS: i * 30, kib: kibAt(i / 2) }));

describe('growthOverLast', () => {
  it('reads a flat curve with garbage-collection swings as flat', () => {
    const samples = minutes(120, (m) => 300_000 * (1 + (Math.round(m * 2) % 2 ? 0.03 : -0.03)));
    expect(Math.abs(growthOverLast(samples, 3600).percent)).toBeLessThan(0.5);
  });

  it('sees a steady leak in the last hour only', () => {
    // Flat for an hour, then 10% more over the second hour.
    const samples = minutes(120, (m) => 300_000 * (m < 60 ? 1 : 1 + ((m - 60) / 60) * 0.1));
    const { fromS, percent } = growthOverLast(samples, 3600);
    expect(fromS).toBe(3600);
    expect(percent).toBeCloseTo(10, 0);
  });
});

describe('rssPlotSvg', () => {
  it('draws one point per sample and shades the judged window', () => {
    const svg = rssPlotSvg(
      minutes(10, () => 2048),
      'RSS & more',
      300,
    );
    expect(svg).toContain('RSS &amp; more');
    expect(svg.match(/ L/g)).toHaveLength(20);
    expect(svg).toContain('fill="#eaf2f8"');
  });
});
