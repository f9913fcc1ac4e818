// Flux from one multi-document manifest whose CRDs come after the Deployments that need them, with a custom
// resource that only applies once its CRD is Established: ksit applies CRDs first, waits, then the rest.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { kubeClient } from './env/environment.js';
import { type KsitHarness, startKsit } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
beforeAll(async () => {
  ksit = await startKsit();
}, 120_000);
afterAll(() => ksit?.stop());

test('a Flux manifest install with CRDs reaches Running', async () => {
  const target = await ksit.target('cluster-2');
  // The served manifest installs into flux-system; a copy per run keeps each run's install its own.
  const namespace = `flux-${ksit.run}`;
  const manifest = (await (await fetch(ksit.env.fluxManifestUrl)).text()).replaceAll('flux-system', namespace);
  const source = join(ksit.env.ksitHome, `flux-install-${ksit.run}.yaml`);
  await writeFile(source, manifest);
  const spec = ksit.spec('flux', [target], { toolNamespace: namespace, install: { method: 'manifest', source } });
  const { until } = await ksit.integration(spec);
  const running = await until('Running', (s) => s.phase === 'Running', 240_000);
  const installed = running.clusters[0]?.transitions.find((t) => t.phase === 'Progressing');
  expect(installed?.message).toMatch(/applied \d+ objects \(\d+ CRDs first\)/);
  const crds = kubeClient('cluster-2').kc.makeApiClient(ApiextensionsV1Api);
  const crd = await crds.readCustomResourceDefinition({ name: 'gitrepositories.source.toolkit.fluxcd.io' });
  expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
}, 300_000);
