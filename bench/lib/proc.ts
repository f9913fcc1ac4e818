// What the benchmarks measure about processes and the machine, read from /proc (Linux only).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on. */
const CLK_TCK = 100;

/** CPU seconds (user + system) a live process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of a process and everything under it: its own time, the time of its children that have exited
 * (cutime, cstime) and of those still running. For PostgreSQL, whose work is done by one backend per connection.
 */
export function treeCpuSeconds(pid: number): number {
  const stat = (p: number) => {
    try {
      const text = readFileSync(`/proc/${p}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined;
    }
  };
  const own = stat(pid);
  if (!own) return 0;
  let total = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / CLK_TCK;
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child) || child === pid) continue;
    if (Number(stat(child)?.[1]) === pid) total += treeCpuSeconds(child);
  }
  return total;
}

function statusKib(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export const rssMiB = (pid: number) => statusKib(pid, 'VmRSS') / 1024;
/** The high-water mark of resident memory since the process started. */
export const peakRssMiB = (pid: number) => statusKib(pid, 'VmHWM') / 1024;

/** Busy and total CPU time of the whole machine (all cores), in seconds, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/** CPU seconds of several processes at one moment, keyed by a label. */
export function snapshot(pids: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
}

export function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(a).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]));
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  loadavg: number[];
}

export function machineInfo(): MachineInfo {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/**
 * Machine load over a window: the mean of the 1-minute load average sampled every 5 s and how busy all cores were. `othersShare`
 * is the share of the machine used by processes the benchmark does not account for (other sessions, KWOK).
 */
export class LoadWindow {
  private readonly start = machineCpu();
  private readonly startedAt = Date.now();
  private readonly samples: number[] = [loadavg()[0]!];
  private readonly timer = setInterval(() => this.samples.push(loadavg()[0]!), 5_000).unref();

  finish(accountedCpuSeconds: number) {
    clearInterval(this.timer);
    const end = machineCpu();
    const busy = end.busy - this.start.busy;
    const total = end.total - this.start.total;
    return {
      seconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      loadavg1: round(this.samples.reduce((a, b) => a + b, 0) / this.samples.length, 2),
      machineBusyShare: round(busy / total, 3),
      othersBusyCores: round((busy - accountedCpuSeconds) / ((Date.now() - this.startedAt) / 1000), 2),
    };
  }
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
