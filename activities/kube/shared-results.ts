// Results that many activities of one worker would otherwise ask the same cluster for at the same moment: 1,000
// monitors starting together run 1,000 preflights against a handful of clusters, each a server-version read and
// several SelfSubjectAccessReviews with the same answer. One call per key is made; callers within `ttlMs` of it
// (or while it runs) share its result. Failures are not kept: the next caller asks again.

export class SharedResults<T> {
  private readonly done = new Map<string, { at: number; value: T }>();
  private readonly inflight = new Map<string, Promise<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.done.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return Promise.resolve(hit.value);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = load()
        .then((value) => {
          if (this.done.size >= this.maxEntries) this.done.clear();
          this.done.set(key, { at: this.now(), value });
          return value;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }
}
