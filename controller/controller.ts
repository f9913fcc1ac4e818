// The Kubernetes front door: watches Integration and IntegrationTarget objects on the control cluster, starts or
// updates their workflows (the engine stays Temporal) and writes their status back. Several replicas may run; the
// one holding the Lease reconciles and writes. Entry point: main.ts (`npm run controller`, `ksit controller`).
import { createServer } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { REINSTALL_ANNOTATION } from '../client/kubernetes-owner.js';
import { connectTemporal } from '../client/temporal.js';
import { createLogger } from '../workers/logger.js';
import { loadControllerConfig } from './config.js';
import { ControllerState, keyOf, splitKey } from './controller-state.js';
import { INTEGRATION_NAMES, TARGET_NAMES } from './crd/crd-manifests.js';
import { KubeObjects, type KsitObject } from './kube-objects.js';
import { LeaderLease } from './leader-lease.js';
import { reconcileIntegration, type ReconcileDeps } from './reconcile-integration.js';
import { reconcileTarget } from './reconcile-target.js';
import { StatusSync } from './status-sync.js';
import { WorkQueue } from './work-queue.js';

const config = loadControllerConfig();
const log = createLogger(config.LOG_LEVEL);
const kc = new KubeConfig();
if (config.KSIT_CONTROL_KUBECONFIG) kc.loadFromFile(config.KSIT_CONTROL_KUBECONFIG);
else kc.loadFromDefault();
const kube = new KubeObjects(kc);
const temporal = await connectTemporal();
const state = new ControllerState();
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

const integrations = kube.informer(INTEGRATION_NAMES);
const targets = kube.informer(TARGET_NAMES);
let synced = false;

const lease = new LeaderLease(kube, {
  namespace: config.KSIT_LEASE_NAMESPACE,
  name: config.KSIT_LEASE_NAME,
  identity: config.KSIT_CONTROLLER_ID,
  durationSeconds: config.KSIT_LEASE_SECONDS,
  renewEveryMs: Math.max(1_000, (config.KSIT_LEASE_SECONDS * 1000) / 3),
  onChange(leader) {
    log.info(
      { identity: config.KSIT_CONTROLLER_ID, leader },
      leader ? 'leading: reconciling and writing status' : 'not leading',
    );
    if (leader) enqueueAll();
  },
  onError: (err) => log.warn({ err: errorText(err) }, 'lease renewal failed'),
});

const deps: ReconcileDeps = {
  kube,
  temporal,
  state,
  event(obj, type, reason, note) {
    if (!lease.isLeader()) return;
    log.info({ kind: obj.kind, object: keyOf(obj), type, reason, note }, 'event');
    kube.event(obj, type, reason, note, config.KSIT_CONTROLLER_ID).catch((err: unknown) => {
      log.warn({ object: keyOf(obj), reason, err: errorText(err) }, 'event not recorded');
    });
  },
  statusChanged: () => statusSync.poke(),
};

function queueFor(
  kind: string,
  cache: typeof integrations,
  run: (obj: KsitObject) => ReturnType<typeof reconcileTarget>,
) {
  return new WorkQueue(
    async (key) => {
      if (!lease.isLeader()) return;
      const { namespace, name } = splitKey(key);
      const obj = cache.get(name, namespace);
      if (obj) return run(obj);
    },
    4,
    (key, err) => log.warn({ kind, object: key, err: errorText(err) }, 'reconcile failed; retrying'),
  );
}
const integrationQueue = queueFor('Integration', integrations, (obj) => reconcileIntegration(deps, obj));
const targetQueue = queueFor('IntegrationTarget', targets, (obj) => reconcileTarget(deps, obj));

function enqueueAll(): void {
  for (const obj of targets.list()) targetQueue.add(keyOf(obj));
  for (const obj of integrations.list()) integrationQueue.add(keyOf(obj));
}

for (const [informer, queue] of [
  [integrations, integrationQueue],
  [targets, targetQueue],
] as const) {
  // A status write comes back as an update too: only what the user changed (spec, the reinstall annotation,
  // deletion, finalizers) needs a reconcile; status rounds take care of the rest.
  const seen = new Map<string, string>();
  const changed = (obj: KsitObject) => {
    const m = obj.metadata;
    const signature = JSON.stringify([
      m.generation,
      m.annotations?.[REINSTALL_ANNOTATION],
      m.deletionTimestamp,
      m.finalizers,
    ]);
    if (seen.get(m.uid) === signature) return false;
    seen.set(m.uid, signature);
    return true;
  };
  for (const verb of ['add', 'update'] as const)
    informer.on(verb, (obj) => {
      if (changed(obj) && lease.isLeader()) queue.add(keyOf(obj));
    });
  informer.on('delete', (obj) => seen.delete(obj.metadata.uid));
  informer.on('error', (err: unknown) => {
    log.warn({ err: errorText(err) }, 'watch ended; restarting it');
    setTimeout(() => void informer.start().catch(() => undefined), 2_000);
  });
}

const statusSync = new StatusSync(
  {
    kube,
    temporal,
    state,
    integrations: () => integrations.list(),
    targets: () => targets.list(),
    isLeader: () => lease.isLeader(),
    event: deps.event,
    log: (message, err) => log.warn({ err: err === undefined ? undefined : errorText(err) }, message),
  },
  config.KSIT_STATUS_EVERY_MS,
);

const http = createServer((req, res) => {
  const ok = req.url === '/healthz' || (req.url === '/readyz' && synced);
  res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
});
http.listen(config.KSIT_CONTROLLER_HTTP_PORT, config.KSIT_CONTROLLER_HTTP_HOST);

await Promise.all([integrations.start(), targets.start()]);
synced = true;
log.info(
  { identity: config.KSIT_CONTROLLER_ID, integrations: integrations.list().length, targets: targets.list().length },
  'watching',
);
lease.start();
statusSync.start();

async function shutdown(signal: string): Promise<void> {
  log.info({ signal }, 'shutting down');
  statusSync.stop();
  integrationQueue.stop();
  targetQueue.stop();
  await lease.stop().catch(() => undefined);
  await Promise.all([integrations.stop(), targets.stop()]).catch(() => undefined);
  http.close();
  await temporal.connection.close().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
