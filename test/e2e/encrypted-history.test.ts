// What the payload codec buys, shown on the real Temporal dev server with a real worker, Helm and a KWOK cluster:
// a planted password in Helm values, and the same password echoed by Helm in an install error, are readable in
// the raw history with the codec off, and nowhere in it with the codec on. With the codec on, target resolution
// (memos read through the list API) still works, the CLI decodes, and the codec endpoint decrypts for a caller
// with the token only.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { execa, type ResultPromise } from 'execa';
import { integrationStatusQuery, workflowIds } from '../../workflows/definitions.js';
import { loadEnvironment, repoRoot, waitFor } from './env/environment.js';
import { clusterOf, type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const GetWorkflowExecutionHistoryResponse = proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
const Payloads = proto.temporal.api.common.v1.Payloads;

const env = loadEnvironment();
const codecKey = randomBytes(32).toString('base64');
let ksit: KsitHarness | undefined;
let codecServer: ResultPromise | undefined;
afterAll(async () => {
  codecServer?.kill('SIGTERM');
  await ksit?.stop();
});

interface Planted {
  secret: string;
  /** The Integration that installs with the secret in its values and reaches Running, and its cluster child. */
  running: string[];
  /** The Integration whose install Helm rejects with an error quoting the secret, and its cluster child. */
  failed: string[];
}

/** Starts both Integrations on cluster-1 and waits for Running and Failed. */
async function plant(h: KsitHarness): Promise<Planted> {
  const secret = `pw-${randomBytes(8).toString('hex')}`;
  const target = await h.target('cluster-1');
  const ids = (name: string) => [
    workflowIds.integration('ksit-system', name),
    workflowIds.cluster('ksit-system', name, target.name),
  ];
  const good = h.spec('istio', [target], {
    install: testChart(h.env, 'istiod', '1.20.2', 'istiod', { auth: { adminPassword: secret } }),
  });
  // The revision names a Deployment; the API server rejects the name and Helm's error repeats it.
  const bad = h.spec('istio', [target], {
    name: `istio-bad-${h.run}`,
    toolNamespace: `istio-bad-${h.run}`,
    install: testChart(h.env, 'istiod', '1.20.2', 'istiod', { revision: `${secret}_Invalid` }),
  });
  const [running, failed] = await Promise.all([h.integration(good), h.integration(bad)]);
  await Promise.all([
    running!.until('Running', (s) => s.phase === 'Running'),
    failed!.until('Failed', (s) => clusterOf(s, target)?.phase === 'Failed'),
  ]);
  return { secret, running: ids(good.name), failed: ids(bad.name) };
}

/** The history exactly as the server stores it, read without any codec: serialized bytes and the events. */
async function rawHistory(workflowId: string): Promise<{ bytes: Buffer; events: HistoryEvent[] }> {
  const connection = await Connection.connect({ address: env.temporalAddress });
  try {
    const chunks: Uint8Array[] = [];
    const events: HistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: env.temporalNamespace,
        execution: { workflowId },
        nextPageToken,
      });
      chunks.push(GetWorkflowExecutionHistoryResponse.encode(page).finish());
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return { bytes: Buffer.concat(chunks), events };
  } finally {
    await connection.close();
  }
}

const activityFailures = (events: HistoryEvent[]) =>
  events.flatMap((e) =>
    e.activityTaskFailedEventAttributes?.failure ? [e.activityTaskFailedEventAttributes.failure] : [],
  );

test('codec off: the planted value is in clear in the inputs; the failure text has it redacted', async () => {
  const off = await startKsit({ codecEnv: {} });
  try {
    const planted = await plant(off);
    for (const id of [...planted.running, ...planted.failed])
      expect({ id, found: (await rawHistory(id)).bytes.includes(planted.secret) }).toEqual({ id, found: true });
    const failures = activityFailures((await rawHistory(planted.failed[1]!)).events);
    // Helm's error quoted the value; the worker redacts install values from failure text before history.
    const texts = failures.map((f) => `${f.message} ${f.cause?.message}`);
    expect(texts.some((t) => t.includes('[redacted]'))).toBe(true);
    expect(texts.some((t) => t.includes(planted.secret))).toBe(false);
  } finally {
    await off.stop();
  }
}, 600_000);

let onPlanted: Planted;
test('codec on: the planted value appears nowhere in history; memos and failures are encrypted too', async () => {
  ksit = await startKsit({ codecEnv: { KSIT_CODEC_KEY: `e2e:${codecKey}` } });
  onPlanted = await plant(ksit);
  for (const id of [...onPlanted.running, ...onPlanted.failed]) {
    const { bytes } = await rawHistory(id);
    expect({ id, found: bytes.includes(onPlanted.secret) }).toEqual({ id, found: false });
    expect(bytes.includes('binary/encrypted')).toBe(true);
  }
  // The install error did happen and did quote the value, which the worker redacted: the decoded status says so ...
  const status = await ksit.client.workflow.getHandle(onPlanted.failed[0]!).query(integrationStatusQuery);
  expect(JSON.stringify(status)).toContain('[redacted]');
  expect(JSON.stringify(status)).not.toContain(onPlanted.secret);
  // ... while history has only the encoded failure.
  const failures = activityFailures((await rawHistory(onPlanted.failed[1]!)).events);
  expect(failures.length).toBeGreaterThan(0);
  for (const f of failures) expect(f.message).toBe('Encoded failure');

  // The target's memo (read by the Integration through the list API to resolve targets) is stored encrypted.
  const connection = await Connection.connect({ address: env.temporalAddress });
  const described = await connection.workflowService.describeWorkflowExecution({
    namespace: env.temporalNamespace,
    execution: { workflowId: workflowIds.target('ksit-system', `cluster-1-${ksit.run}`) },
  });
  await connection.close();
  const memo = described.workflowExecutionInfo?.memo?.fields?.target;
  expect(Buffer.from(memo?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
}, 600_000);

const cli = (args: string[], extra: Record<string, string>) =>
  execa(process.execPath, [join(repoRoot, 'dist/client/cli.js'), ...args], {
    reject: false,
    env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: env.temporalAddress, ...extra },
    extendEnv: false,
  });

test('ksit get integrations -o json decodes with the key, and says which key is missing without it', async () => {
  // Other tests leave plaintext workflows in this shared namespace; a keyed CLI refuses those unless told that
  // history from before the codec remains (what an operator migrating to the codec sets, see SECURITY.md).
  const out = await cli(['get', 'integrations', '-o', 'json'], {
    KSIT_CODEC_KEY: `e2e:${codecKey}`,
    KSIT_CODEC_ACCEPT_PLAINTEXT: 'true',
  });
  expect(out.stderr).toBe('');
  expect(out.exitCode).toBe(0);
  const list = JSON.parse(out.stdout) as { name: string; phase: string }[];
  expect(list.find((i) => i.name === `istio-${ksit!.run}`)?.phase).toBe('Running');

  const noKey = await cli(['get', 'targets', '-o', 'json'], {});
  expect(noKey.exitCode).toBe(1);
  expect(noKey.stderr).toContain('payload encrypted with key id "e2e" but no key is configured');
}, 120_000);

test('the codec endpoint decrypts a payload from that history for a caller with the token, 401 without', async () => {
  const token = randomBytes(24).toString('hex');
  codecServer = execa(process.execPath, [join(repoRoot, 'dist/workers/codec-server.js')], {
    env: { KSIT_CODEC_KEY: `e2e:${codecKey}`, KSIT_CODEC_PORT: '0', KSIT_CODEC_AUTH_TOKEN: token },
    reject: false,
  });
  let log = '';
  codecServer.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  const port = await waitFor('the codec server to listen', async () => {
    const line = log.split('\n').find((l) => l.includes('codec server listening'));
    return line ? (JSON.parse(line) as { port: number }).port : undefined;
  });

  const { events } = await rawHistory(onPlanted.running[0]!);
  const input = events[0]?.workflowExecutionStartedEventAttributes?.input;
  const body = JSON.stringify(
    Payloads.toObject(Payloads.create({ payloads: input?.payloads ?? [] }), { bytes: String }),
  );
  expect(body).not.toContain(onPlanted.secret);
  const post = (headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${port}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': env.temporalNamespace, ...headers },
      body,
    });

  expect((await post({})).status).toBe(401);
  const res = await post({ authorization: `Bearer ${token}` });
  expect(res.status).toBe(200);
  const decoded = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
  expect(Buffer.from(decoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
  const spec = JSON.parse(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()) as {
    spec: { install: { values: { auth: { adminPassword: string } } } };
  };
  expect(spec.spec.install.values.auth.adminPassword).toBe(onPlanted.secret);
}, 120_000);
