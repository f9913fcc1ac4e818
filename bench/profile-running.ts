// Takes a CPU profile of a running Node process for a while, without restarting it: SIGUSR1 opens its inspector
// (127.0.0.1:9229), the Chrome DevTools Protocol starts and stops the V8 sampling profiler. Used to profile the
// worker of a monitoring run in its steady state. Summarize the output with profile-summary.js.
//
//   deploy/local/with-node.sh dist/bench/profile-running.js <pid> <seconds> <out.cpuprofile>
import { writeFileSync } from 'node:fs';
import { exitWithUsage, exitWithUsageIfAsked, sleep } from './lib/report.js';

const USAGE = 'deploy/local/with-node.sh dist/bench/profile-running.js PID SECONDS OUT.cpuprofile';
exitWithUsageIfAsked(USAGE);

const [pidArg, secondsArg, out] = process.argv.slice(2);
if (!pidArg || !secondsArg || !out) exitWithUsage('profile-running needs a pid, a number of seconds and a file', USAGE);
process.kill(Number(pidArg), 'SIGUSR1');
let target: { webSocketDebuggerUrl: string } | undefined;
for (let i = 0; i < 50 && !target; i++) {
  await sleep(200);
  target = await fetch('http://127.0.0.1:9229/json/list')
    .then(async (r) => ((await r.json()) as { webSocketDebuggerUrl: string }[])[0])
    .catch(() => undefined);
}
if (!target) throw new Error('the inspector did not open on 127.0.0.1:9229');

const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = reject;
});
let id = 0;
const pending = new Map<number, (result: unknown) => void>();
ws.onmessage = (m) => {
  const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown };
  if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
};
const call = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<unknown>((resolve) => {
    pending.set(++id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });

await call('Profiler.enable');
await call('Profiler.setSamplingInterval', { interval: 1000 });
await call('Profiler.start');
await sleep(Number(secondsArg) * 1000);
const { profile } = (await call('Profiler.stop')) as { profile: unknown };
writeFileSync(out, JSON.stringify(profile));
await call('Profiler.disable');
ws.close();
console.log(`wrote ${out}`);
process.exit(0);
