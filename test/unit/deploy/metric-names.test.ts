// The Grafana dashboard and the alert rules may query only metrics the worker exports (workers/metrics/names.ts),
// Temporal's runtime metrics (prefix temporal_) and Prometheus's own `up`: a renamed metric must fail here, not
// on a dark dashboard in production. Every expression must also parse as PromQL (Prometheus's own grammar).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { KSIT_METRIC_NAMES } from '../../../workers/metrics/names.js';
import { CHART } from './tools.js';

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Grafana's variables replaced by values PromQL accepts ($__rate_interval in a range, $cluster in a matcher). */
const grafanaToPromql = (expr: string) =>
  expr.replace(/\$__\w+|\$\{\w+\}/g, (v) => (v.startsWith('$__') ? '5m' : 'x')).replace(/\$\w+/g, 'x');

/**
 * Parses a PromQL expression with Prometheus's own grammar (the one its UI uses) and returns the metric names it
 * selects, or throws naming the expression when it does not parse.
 */
function metricNames(expr: string): string[] {
  const text = grafanaToPromql(expr);
  const tree = parser.parse(text);
  const names = new Set<string>();
  let error: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) error ??= node.from;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.add(text.slice(id.from, id.to));
      }
    },
  });
  if (error !== undefined) throw new Error(`PromQL does not parse at ${error}: ${text}`);
  return [...names];
}

function allowed(name: string): boolean {
  const known = KSIT_METRIC_NAMES as readonly string[];
  if (name === 'up' || name.startsWith('temporal_') || known.includes(name)) return true;
  // Histogram series; a counter (name ending _total, by Prometheus convention) has none.
  const suffix = HISTOGRAM_SUFFIXES.find((s) => name.endsWith(s));
  const base = suffix ? name.slice(0, -suffix.length) : '';
  return !!suffix && !base.endsWith('_total') && known.includes(base);
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; query?: string | { query?: string } }[] };
}

function dashboardQueries(): { where: string; expr: string }[] {
  const dashboard = JSON.parse(
    readFileSync(join(CHART, 'files', 'dashboards', 'ksit-fleet.json'), 'utf8'),
  ) as Dashboard;
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const v of dashboard.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    // label_values(metric, label): the metric is what must exist.
    const m = q?.match(/^label_values\(\s*([^,]+?)\s*,\s*\w+\s*\)$/);
    if (m?.[1]) out.push({ where: `variable ${v.name}`, expr: m[1] });
  }
  return out;
}

function alertQueries(): { where: string; expr: string }[] {
  const rules = parse(readFileSync(join(CHART, 'files', 'alerts.yaml'), 'utf8')) as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  return rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert ?? r.record}`, expr: r.expr })));
}

describe('metric names in the dashboard and the alert rules', () => {
  it('the extractor finds metric names and ignores functions, labels, keywords and variables; bad PromQL throws', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (cluster, le) (rate(ksit_health_check_lag_seconds_bucket{cluster=~"$cluster"}[$__rate_interval]))) > 60',
      ),
    ).toEqual(['ksit_health_check_lag_seconds_bucket']);
    expect(metricNames('absent(up{job="ksit-worker"} == 1)')).toEqual(['up']);
    expect(
      metricNames('count(max by (cluster) (ksit_cluster_reachable{cluster=~"${cluster}"}) == 0) or vector(0)'),
    ).toEqual(['ksit_cluster_reachable']);
    expect(metricNames('a_total / ignoring(x) group_left(y) b offset 5m')).toEqual(['a_total', 'b']);
    expect(() => metricNames('sum(rate(x[5m])')).toThrow('PromQL does not parse');
    expect(() => metricNames('max by (cluster) ksit_cluster_reachable{cluster="a" == 0')).toThrow('does not parse');
  });

  it('the contract is not empty and the check rejects a name outside it', () => {
    expect(KSIT_METRIC_NAMES.length).toBeGreaterThan(0);
    expect(allowed('ksit_install_duration_seconds_bucket')).toBe(true);
    expect(allowed('ksit_installs_total')).toBe(true);
    expect(allowed('ksit_no_such_metric')).toBe(false);
    expect(allowed('ksit_installs_total_bucket')).toBe(false);
  });

  it('every metric the dashboard and the alerts query is exported (names.ts), `up`, or temporal_*', () => {
    const queries = [...dashboardQueries(), ...alertQueries()];
    expect(queries.length).toBeGreaterThan(20);
    const used = new Map<string, string[]>();
    for (const { where, expr } of queries) {
      const names = metricNames(expr);
      expect({ where, expr, names: names.length > 0 }).toEqual({ where, expr, names: true });
      for (const n of names) used.set(n, [...(used.get(n) ?? []), where]);
    }
    const unknown = [...used].filter(([n]) => !allowed(n)).map(([n, where]) => `${n} (${where.join(', ')})`);
    expect(unknown).toEqual([]);
    // The alerts and the dashboard between them cover every metric the worker exports.
    const covered = new Set(
      [...used.keys()].map((n) => HISTOGRAM_SUFFIXES.reduce((x, s) => (x.endsWith(s) ? x.slice(0, -s.length) : x), n)),
    );
    expect(KSIT_METRIC_NAMES.filter((n) => !covered.has(n))).toEqual([]);
  });

  it('the alerts and the dashboard select the worker by the job name that compose and the chart give it', () => {
    const jobs = new Set<string>();
    for (const { expr } of [...dashboardQueries(), ...alertQueries()]) {
      for (const m of expr.matchAll(/\bjob="([^"]+)"/g)) jobs.add(m[1] ?? '');
    }
    expect([...jobs]).toEqual(['ksit-worker']);
    const prometheus = readFileSync(join(CHART, '..', '..', 'compose', 'prometheus', 'prometheus.yml'), 'utf8');
    expect(prometheus).toMatch(/job_name: ksit-worker\n/);
    expect(readFileSync(join(CHART, 'templates', '_helpers.tpl'), 'utf8')).toContain(
      '{{- define "ksit.metricsJob" -}}ksit-worker{{- end }}',
    );
  });
});
