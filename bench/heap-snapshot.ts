// Heap snapshots of a running worker, main thread and workflow thread, and what fills them: the figures behind
// BENCHMARKS.md's per-monitor memory breakdown.
//
//   npm run bench:heap -- <worker pid> [--out PREFIX]   (writes PREFIX.main.heapsnapshot, PREFIX.thread1...)
//   npm run bench:heap -- --summary FILE.heapsnapshot    (the summary of a snapshot taken earlier)
//
// It opens the worker's inspector (SIGUSR1, as `node --inspect` would; loopback only), takes a snapshot of the
// main thread (activities, API clients, watch caches) and of each worker thread (the workflow cache) over the
// Chrome DevTools Protocol, and prints self size by kind of object. A snapshot pauses the worker for seconds and
// raises its RSS while it is written: take it after the figures of a run, never during its window.
import { readFileSync, writeFileSync } from 'node:fs';
import { exitWithUsageIfAsked, flag, positional, printTable, sleep } from './lib/report.js';

const USAGE =
  'npm run bench:heap -- <worker pid> [--out PREFIX]   |   npm run bench:heap -- --summary FILE.heapsnapshot';
exitWithUsageIfAsked(USAGE);

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size by kind: objects and closures by constructor name, everything else by V8's node type. */
function summarize(file: string): void {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const byKind = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const t = types[s.nodes[i + type]!]!;
    const bytes = s.nodes[i + size]!;
    total += bytes;
    const kind =
      t === 'object' || t === 'closure' || t === 'native' ? `${t} ${s.strings[s.nodes[i + name]!]!.slice(0, 60)}` : t;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += bytes;
    byKind.set(kind, entry);
  }
  const mib = (b: number) => Math.round((b / 2 ** 20) * 100) / 100;
  printTable(
    `${file}: ${mib(total)} MiB live (self sizes)`,
    ['kind', 'count', 'MiB'],
    [...byKind]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, 25)
      .map(([kind, e]) => [kind, e.count, mib(e.bytes)]),
  );
}

/** One Chrome DevTools Protocol session over the inspector's WebSocket. */
class Inspector {
  private id = 0;
  private readonly waiting = new Map<string, (result: unknown) => void>();
  private readonly chunks = new Map<string, string[]>();
  readonly workers: string[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => this.receive(JSON.parse(String(event.data)) as CdpMessage, 'main'));
  }

  static async open(pid: number): Promise<Inspector> {
    process.kill(pid, 'SIGUSR1');
    for (let attempt = 0; ; attempt++) {
      await sleep(500);
      const targets = (await fetch('http://127.0.0.1:9229/json/list')
        .then((r) => r.json())
        .catch(() => undefined)) as { webSocketDebuggerUrl: string }[] | undefined;
      if (targets?.[0]) {
        const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
        await new Promise((resolve, reject) => {
          ws.addEventListener('open', resolve);
          ws.addEventListener('error', reject);
        });
        return new Inspector(ws);
      }
      if (attempt > 10) throw new Error(`process ${pid} opened no inspector on 127.0.0.1:9229`);
    }
  }

  private receive(msg: CdpMessage, session: string): void {
    if (msg.method === 'NodeWorker.receivedMessageFromWorker') {
      const params = msg.params as { sessionId: string; message: string };
      return this.receive(JSON.parse(params.message) as CdpMessage, params.sessionId);
    }
    if (msg.method === 'NodeWorker.attachedToWorker')
      this.workers.push((msg.params as { sessionId: string }).sessionId);
    if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') {
      const list = this.chunks.get(session) ?? [];
      list.push((msg.params as { chunk: string }).chunk);
      this.chunks.set(session, list);
    }
    if (msg.id !== undefined) this.waiting.get(`${session}:${msg.id}`)?.(msg.result);
  }

  call(method: string, params: object = {}, session = 'main'): Promise<unknown> {
    const id = ++this.id;
    const done = new Promise((resolve) => this.waiting.set(`${session}:${id}`, resolve));
    const message = JSON.stringify({ id, method, params });
    if (session === 'main') this.ws.send(message);
    else
      this.ws.send(
        JSON.stringify({
          id: ++this.id,
          method: 'NodeWorker.sendMessageToWorker',
          params: { sessionId: session, message },
        }),
      );
    return done;
  }

  async snapshot(session: string, file: string): Promise<void> {
    this.chunks.set(session, []);
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, session);
    writeFileSync(file, this.chunks.get(session)!.join(''));
  }

  close(): void {
    this.ws.close();
  }
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
}

const summaryOf = flag('summary');
if (summaryOf) {
  summarize(summaryOf);
} else {
  const pidText = positional();
  const pid = Number(pidText);
  const prefix = flag('out') ?? `worker-${pidText}`;
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`usage: ${USAGE}`);
  const inspector = await Inspector.open(pid);
  const files = [`${prefix}.main.heapsnapshot`];
  await inspector.snapshot('main', files[0]!);
  await inspector.call('NodeWorker.enable', { waitForDebuggerOnStart: false });
  await sleep(1_000);
  for (const [i, session] of inspector.workers.entries()) {
    files.push(`${prefix}.thread${i + 1}.heapsnapshot`);
    await inspector.snapshot(session, files.at(-1)!);
  }
  inspector.close();
  for (const file of files) summarize(file);
}
process.exit(0);
