// Summarizes a V8 CPU profile (node --cpu-prof, e.g. `bench:monitoring -- 1000 --cpu-prof`): where the worker's
// main thread spent its time, by package / Node module and by function (self time), and the inclusive time of a
// few call paths worth knowing about (TLS handshakes, JSON, the Temporal bridge).
//
//   npm run bench:profile-summary -- bench/results/profiles/CPU.<...>.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import { exitWithUsage, exitWithUsageIfAsked, flag, positional, printTable } from './lib/report.js';

const USAGE = 'npm run bench:profile-summary -- FILE.cpuprofile [--top 25]';
exitWithUsageIfAsked(USAGE);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = positional();
if (!file) exitWithUsage('which profile? (bench/results/profiles/*.cpuprofile)', USAGE);
const top = Number(flag('top') ?? 25);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function category(n: Node): string {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/dist\/([^/]+)\//.exec(url);
  return own ? `ksit ${own[1]}/` : url;
}
const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${category(n)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;

function tally(key: (n: Node) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const [id, ms] of self) {
    const k = key(byId.get(id)!);
    m.set(k, (m.get(k) ?? 0) + ms);
  }
  return [...m].sort((a, b) => b[1] - a[1]);
}

/** Time of samples with a frame matching `pred` anywhere on their stack. */
function inclusive(pred: (n: Node) => boolean): number {
  const memo = new Map<number, boolean>();
  const under = (id: number): boolean => {
    if (memo.has(id)) return memo.get(id)!;
    const n = byId.get(id)!;
    const r = pred(n) || (parent.has(id) && under(parent.get(id)!));
    memo.set(id, r);
    return r;
  };
  let t = 0;
  for (const [id, ms] of self) if (under(id)) t += ms;
  return t;
}

const pct = (ms: number) => `${((ms / total) * 100).toFixed(1)}%`;
const seconds = (p.endTime - p.startTime) / 1e6;
console.log(`${file}: ${seconds.toFixed(0)} s profiled, ${(total / 1000).toFixed(1)} s sampled on the main thread`);
printTable(
  'Self time by package / module',
  ['where', 'ms', 'share'],
  tally(category)
    .slice(0, top)
    .map(([k, ms]) => [k, Math.round(ms), pct(ms)]),
);
printTable(
  'Self time by function',
  ['function', 'ms', 'share'],
  tally(label)
    .slice(0, top)
    .map(([k, ms]) => [k, Math.round(ms), pct(ms)]),
);
const paths: [string, (n: Node) => boolean][] = [
  ['TLS connect / handshake (node:_tls_wrap, tls.connect)', (n) => /_tls_wrap|node:tls$/.test(n.callFrame.url)],
  ['undici (fetch, connections)', (n) => n.callFrame.url.includes('node_modules/undici')],
  ['client-node (request building, deserialization)', (n) => n.callFrame.url.includes('@kubernetes/client-node')],
  ['ksit activities', (n) => n.callFrame.url.includes('/dist/activities/')],
  ['Temporal SDK (activity, worker, bridge)', (n) => n.callFrame.url.includes('node_modules/@temporalio')],
  ['garbage collector', (n) => n.callFrame.functionName === '(garbage collector)'],
];
printTable(
  'Inclusive time of call paths',
  ['path', 'ms', 'share'],
  paths.map(([name, pred]) => {
    const ms = inclusive(pred);
    return [name, Math.round(ms), pct(ms)];
  }),
);
