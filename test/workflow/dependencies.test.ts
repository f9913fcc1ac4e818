// spec.dependsOn on the real workflows (fake clusters, time skipping): gating per cluster on fresh readiness,
// waiting that costs no timers, dependencies that never come or leave, reverse-order delete, run-time cycles.
import { describe, expect, test } from '@jest/globals';
import { deleteSignal, integrationStatusQuery, updateSpecUpdate, workflowIds } from '../../workflows/definitions.js';
import { specDigest } from '../../workflows/dependencies/spec-digest.js';
import { clusterOf, withFleet } from './helpers/fleet.js';
import { DEPENDENCY_TEST_TIMEOUT, message, phase, testServerPerTest } from './helpers/dependency-tests.js';

const env = testServerPerTest();
const TIMEOUT = DEPENDENCY_TEST_TIMEOUT;

describe('dependsOn', () => {
  test(
    'a dependent waits (Pending, the dependency and its phase named) and installs only once the dependency is Running',
    async () => {
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1'], async (f) => {
        const cm = f.fakes['cert-manager']?.['cluster-1'];
        if (!cm) throw new Error('no fake');
        cm.healthy = false; // installs, then stays unready: a slow dependency
        await f.start(f.spec('cert-manager'));
        await f.start(f.spec('istio', ['cert-manager']));
        const waiting = await f.until(
          'istio',
          (s) => /^waiting for cert-manager on cluster-1 \((Progressing|Degraded)\)$/.test(message(s)),
          'istio to wait for cert-manager',
        );
        expect(phase(waiting)).toBe('Pending');
        expect(f.installs).toEqual(['cert-manager@cluster-1']);
        // Waiting costs nothing: the dependent's lifecycle starts no timer while it waits.
        const lifecycle = env().client.workflow.getHandle(workflowIds.cluster(f.namespace, 'istio', 'cluster-1'));
        const before = (await lifecycle.fetchHistory()).events?.length ?? 0;
        await f.skip(30 * 60_000);
        const after = (await lifecycle.fetchHistory()).events?.length ?? 0;
        expect(after - before).toBeLessThanOrEqual(12); // only the reports of the dependency's phase changes
        expect(phase(await f.status('istio'))).toBe('Pending');
        cm.healthy = true;
        const running = await f.until('istio', (s) => phase(s) === 'Running', 'istio Running');
        expect(f.installs).toEqual(['cert-manager@cluster-1', 'istio@cluster-1']);
        expect(clusterOf(running, 'cluster-1')?.dependencies).toEqual([
          { dependency: `${f.namespace}/cert-manager`, state: 'ready', detail: 'Running' },
        ]);
        expect((await f.status('cert-manager')).dependents).toEqual({ 'cluster-1': [`${f.namespace}/istio`] });
      });
    },
    TIMEOUT,
  );
  test(
    'a stale Running does not count: after a dependency spec change the dependent installs only at the new spec',
    async () => {
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1'], async (f) => {
        const v1 = f.spec('cert-manager');
        await f.start(v1);
        await f.until('cert-manager', (s) => phase(s) === 'Running', 'cert-manager Running');
        const install = v1.install?.method === 'helm' ? v1.install : undefined;
        if (!install) throw new Error('helm spec expected');
        const v2 = { ...v1, install: { ...install, chart: { ...install.chart, version: '9.9.9' } } };
        const dependency = f.handle('cert-manager');
        // The dependent arrives together with the change, while cert-manager still shows Running from v1.
        await dependency.executeUpdate(updateSpecUpdate, { args: [v2] });
        const atChange = clusterOf(await dependency.query(integrationStatusQuery), 'cluster-1');
        expect(atChange?.phase).toBe('Running');
        expect(atChange?.observedSpec).toBe(specDigest(v1));
        await f.start(f.spec('istio', ['cert-manager']));
        await f.until('istio', (s) => phase(s) === 'Running', 'istio Running');
        const cm = clusterOf(await dependency.query(integrationStatusQuery), 'cluster-1');
        expect(cm?.observedSpec).toBe(specDigest(v2));
        // cert-manager was installed twice (v1, v2) before istio's one install. (Whether istio shows a wait depends
        // on whether cert-manager's check at v2 came before istio first asked; the order is what must hold.)
        expect(f.installs).toEqual(['cert-manager@cluster-1', 'cert-manager@cluster-1', 'istio@cluster-1']);
      });
    },
    TIMEOUT,
  );

  test(
    'a dependency that never comes: Pending with a clear message, asked again with backoff (bounded history)',
    async () => {
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1'], async (f) => {
        await f.start(f.spec('istio', ['cert-manager']));
        const s = await f.until('istio', (x) => message(x).includes('no Integration'), 'istio waiting');
        expect(message(s)).toBe(`waiting for cert-manager on cluster-1 (no Integration ${f.namespace}/cert-manager)`);
        const lifecycle = env().client.workflow.getHandle(workflowIds.cluster(f.namespace, 'istio', 'cluster-1'));
        for (let i = 0; i < 12; i++) await f.skip(10 * 60_000); // two hours
        const events = (await lifecycle.fetchHistory()).events ?? [];
        // 5 s doubling to 5 min: about 30 tries in two hours (about 11 history events each), not one per check.
        const tries = events.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes).length;
        expect(tries).toBeGreaterThanOrEqual(20);
        expect(tries).toBeLessThanOrEqual(35);
        expect(events.length).toBeLessThan(450);
        expect(phase(await f.status('istio'))).toBe('Pending');
        expect(f.installs).toEqual([]);
        // It comes after all: found at the next try, and then istio installs.
        await f.start(f.spec('cert-manager'));
        await f.until('istio', (x) => phase(x) === 'Running', 'istio Running', 30_000);
        expect(f.installs).toEqual(['cert-manager@cluster-1', 'istio@cluster-1']);
      });
    },
    TIMEOUT,
  );

  test(
    'a dependency deleted while dependents wait: they keep waiting and say why; nothing installs',
    async () => {
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1'], async (f) => {
        const cm = f.fakes['cert-manager']?.['cluster-1'];
        if (!cm) throw new Error('no fake');
        cm.healthy = false;
        await f.start(f.spec('cert-manager'));
        await f.start(f.spec('istio', ['cert-manager']));
        await f.until('istio', (s) => message(s).startsWith('waiting for cert-manager'), 'istio waiting');
        await f.handle('cert-manager').signal(deleteSignal, { uninstall: true });
        await f.deleted('cert-manager');
        const s = await f.until('istio', (x) => /no Integration|being deleted/.test(message(x)), 'istio told');
        expect(phase(s)).toBe('Pending');
        await f.skip(30 * 60_000);
        expect(message(await f.status('istio'))).toBe(
          `waiting for cert-manager on cluster-1 (no Integration ${f.namespace}/cert-manager)`,
        );
        expect(f.installs).toEqual(['cert-manager@cluster-1']);
      });
    },
    TIMEOUT,
  );

  test(
    'a dependency that turns Degraded later: the dependent is neither uninstalled nor reinstalled, its status notes it',
    async () => {
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1'], async (f) => {
        await f.start(f.spec('cert-manager'));
        await f.start(f.spec('istio', ['cert-manager']));
        await f.until('istio', (s) => phase(s) === 'Running', 'istio Running');
        const cm = f.fakes['cert-manager']?.['cluster-1'];
        if (!cm) throw new Error('no fake');
        cm.healthy = false;
        const noted = await f.until(
          'istio',
          (s) => message(s).includes('dependency cert-manager on cluster-1 is Degraded'),
          'the note',
        );
        expect(phase(noted)).toBe('Running');
        expect(f.installs).toEqual(['cert-manager@cluster-1', 'istio@cluster-1']);
        expect(f.fakes['istio']?.['cluster-1']?.calls).not.toContain('uninstall');
        cm.healthy = true;
        await f.until('istio', (s) => phase(s) === 'Running' && !message(s).includes('dependency'), 'note gone');
      });
    },
    TIMEOUT,
  );

  test(
    'a cycle created at run time is Failed with the cycle, until the spec changes',
    async () => {
      await withFleet(env(), ['alpha', 'beta'], ['cluster-1'], async (f) => {
        await f.start(f.spec('alpha', ['beta']));
        const beta = f.spec('beta', ['alpha']);
        await f.start(beta);
        const s = await f.until('beta', (x) => phase(x) === 'Failed', 'beta Failed');
        expect(message(s)).toBe(
          `dependency cycle: ${f.namespace}/beta -> ${f.namespace}/alpha -> ${f.namespace}/beta; change spec.dependsOn of one of them`,
        );
        expect(f.installs).toEqual([]);
        const fixed = { ...beta, dependsOn: undefined };
        await f.handle('beta').executeUpdate(updateSpecUpdate, { args: [fixed] });
        await f.until('alpha', (x) => phase(x) === 'Running', 'alpha Running once the cycle is gone');
        expect(phase(await f.status('beta'))).toBe('Running');
      });
    },
    TIMEOUT,
  );

  test(
    'per cluster: a dependency that does not target a cluster is a permanent message there; the other cluster installs',
    async () => {
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1', 'cluster-2'], async (f) => {
        await f.start(f.spec('cert-manager', [], { targetClusters: ['cluster-1'] }));
        await f.start(f.spec('istio', ['cert-manager']));
        const s = await f.until(
          'istio',
          (x) => phase(x, 'cluster-1') === 'Running' && message(x, 'cluster-2').includes('does not target'),
          'istio per cluster',
        );
        expect(phase(s, 'cluster-2')).toBe('Pending');
        expect(message(s, 'cluster-2')).toBe(
          "dependency cert-manager does not target cluster-2, so istio will not be installed here: add cluster-2 to cert-manager's targets, or remove it from spec.dependsOn",
        );
        expect(f.installs.sort()).toEqual(['cert-manager@cluster-1', 'istio@cluster-1']);
      });
    },
    TIMEOUT,
  );

  test(
    'reverse order on removal: the uninstall is held while the dependent is installed, then proceeds; --force does not wait',
    async () => {
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1'], async (f) => {
        await f.start(f.spec('cert-manager'));
        await f.start(f.spec('istio', ['cert-manager']));
        await f.until('istio', (s) => phase(s) === 'Running', 'istio Running');
        const dependency = f.handle('cert-manager');
        await dependency.signal(deleteSignal, { uninstall: true });
        const held = await f.until('cert-manager', (s) => message(s).startsWith('uninstall held'), 'held');
        expect(message(held)).toBe(
          `uninstall held: still needed here by ${f.namespace}/istio (delete those first, or delete with --force)`,
        );
        await f.skip(20 * 60_000); // longer than the usual delete wait: a held uninstall does not give up
        expect(f.fakes['cert-manager']?.['cluster-1']?.installed).toBe(true);
        await f.handle('istio').signal(deleteSignal, { uninstall: true });
        await f.deleted('istio');
        await f.deleted('cert-manager');
        expect(f.fakes['istio']?.['cluster-1']?.installed).toBe(false);
        expect(f.fakes['cert-manager']?.['cluster-1']?.installed).toBe(false);
        const order = [...(f.fakes['istio']?.['cluster-1']?.calls ?? [])];
        expect(order).toContain('uninstall');
      });
      await withFleet(env(), ['cert-manager', 'istio'], ['cluster-1'], async (f) => {
        await f.start(f.spec('cert-manager'));
        await f.start(f.spec('istio', ['cert-manager']));
        await f.until('istio', (s) => phase(s) === 'Running', 'istio Running');
        await f.handle('cert-manager').signal(deleteSignal, { uninstall: true, force: true });
        await f.deleted('cert-manager');
        expect(f.fakes['cert-manager']?.['cluster-1']?.installed).toBe(false);
        expect(f.fakes['istio']?.['cluster-1']?.installed).toBe(true);
      });
    },
    TIMEOUT,
  );
});
