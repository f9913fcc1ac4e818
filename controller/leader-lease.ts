// One replica writes at a time: a coordination.k8s.io Lease held by the leader and renewed every few seconds.
// Followers watch it and take over once it has not been renewed for its duration. Only the leader reconciles and
// writes status; a replica that fails to renew in time stops writing before another can take over.
import type { KubeObjects } from './kube-objects.js';
import { httpStatus, microTime } from './kube-objects.js';
import { withDeadline } from './work-queue.js';
import { withTimeout } from '../activities/kube/request-options.js';

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  durationSeconds: number;
  renewEveryMs: number;
  onChange: (leader: boolean) => void;
  /** A renewal that failed (it counts as not holding the lease); for the log. */
  onError?: (err: unknown) => void;
}

interface LeaseObject {
  metadata: { resourceVersion?: string };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; leaseTransitions?: number };
}

const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' };

export class LeaderLease {
  private leader = false;
  private renewedAt = 0;
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly kube: KubeObjects,
    private readonly options: LeaseOptions,
  ) {}

  isLeader(): boolean {
    // A leader that could not renew within its duration must assume another replica has taken over.
    return this.leader && Date.now() - this.renewedAt < this.options.durationSeconds * 1000;
  }

  start(): void {
    // A renewal that does not answer within half the lease counts as lost: without the deadline, one request that
    // never returned stopped the renewals for good, and the replica went quiet without saying it had stopped leading.
    const tick = () =>
      withDeadline(this.tryAcquireOrRenew(), (this.options.durationSeconds * 1000) / 2, 'lease renewal')
        .catch((err: unknown) => {
          this.options.onError?.(err);
          return false;
        })
        .then((held) => this.set(held))
        .finally(() => {
          this.timer = setTimeout(tick, this.options.renewEveryMs);
        });
    void tick();
  }

  /** Stops renewing and, when holding the lease, gives it up so that another replica takes over at once. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.leader) return;
    this.set(false);
    const lease = await this.read().catch(() => undefined);
    if (lease?.spec?.holderIdentity !== this.options.identity) return;
    await this.write({
      ...lease,
      spec: { ...lease.spec, holderIdentity: '', renewTime: microTime(new Date(0)) },
    }).catch(() => undefined);
  }

  private set(held: boolean): void {
    if (held) this.renewedAt = Date.now();
    if (held !== this.leader) {
      this.leader = held;
      this.options.onChange(held);
    }
  }

  /** Each lease request is abandoned after a third of the lease, so a slow API server cannot pile them up. */
  private requestTimeout() {
    // AbortSignal.timeout takes whole milliseconds only.
    return withTimeout(Math.floor((this.options.durationSeconds * 1000) / 3));
  }

  private read(): Promise<LeaseObject> {
    const { namespace, name } = this.options;
    return this.kube.custom.getNamespacedCustomObject({ ...LEASES, namespace, name }, this.requestTimeout());
  }

  private write(lease: LeaseObject): Promise<unknown> {
    const { namespace, name } = this.options;
    return this.kube.custom.replaceNamespacedCustomObject(
      { ...LEASES, namespace, name, body: lease },
      this.requestTimeout(),
    );
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, durationSeconds } = this.options;
    const now = microTime();
    let lease: LeaseObject;
    try {
      lease = await this.read();
    } catch (err) {
      if (httpStatus(err) !== 404) throw err;
      const body = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now },
      };
      await this.kube.custom.createNamespacedCustomObject({ ...LEASES, namespace, body }, this.requestTimeout());
      return true;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expired = Date.now() - renewed > (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== identity && holder !== '' && !expired) return false;
    const taking = holder !== identity;
    const next: LeaseObject = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: now,
        ...(taking ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    };
    // resourceVersion in the body makes this a compare-and-swap: of two replicas taking over, one gets a 409.
    await this.write(next);
    return true;
  }
}
