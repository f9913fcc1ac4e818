// The loop both visibility-backed metrics (fleet phases, rollout states) run: refresh now, then every `everyMs`;
// a failed refresh keeps the last values and is logged. Returns a function that stops it.
export function repeatRefresh(refresh: () => Promise<unknown>, everyMs: number, onError: (err: unknown) => void) {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await refresh().catch(onError);
      await new Promise((resolve) => setTimeout(resolve, everyMs).unref());
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}
