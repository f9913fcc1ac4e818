import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors.js';
import { refuseInstall, SETTINGS, type InstallPolicy } from '../install-policy.js';

// Addresses a manifest URL may not point at unless the operator allows it: the worker's own host and network
// (loopback, private ranges, link-local: cloud metadata at 169.254.169.254), so a spec cannot make the worker
// fetch from, or probe, what only it can reach.
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 ? true : PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const MAX_REDIRECTS = 3;

/** Refuses a URL whose scheme or host the policy does not allow; each redirect is checked the same way. */
async function checkUrl(url: URL, source: string, policy: InstallPolicy): Promise<void> {
  const field = `spec.autoInstall.manifestConfig.source ${source}`;
  if (url.username || url.password) refuseInstall(`${field} must not carry credentials (user:password@)`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateManifestHosts)) {
    refuseInstall(
      `${field} must be an https:// URL (plain http only where the operator allows ${SETTINGS.privateHosts})`,
    );
  }
  if (policy.allowPrivateManifestHosts) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw ApplicationFailure.retryable(`manifest ${source}: cannot resolve ${host}`, FailureType.SourceUnavailable);
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked !== undefined) {
    refuseInstall(
      `${field} is refused: ${host} is a private, link-local or loopback address (${blocked}); an operator allows ` +
        `such hosts with ${SETTINGS.privateHosts}`,
    );
  }
}

/** GETs a manifest over https with the host checked, redirects followed by hand (each checked), and a size cap. */
export async function fetchManifest(source: string, policy: InstallPolicy, maxBytes: number): Promise<string> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    refuseInstall(`spec.autoInstall.manifestConfig.source ${source} is not a URL`);
  }
  for (let hop = 0; ; hop++) {
    await checkUrl(url, source, policy);
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw ApplicationFailure.retryable(
        `manifest ${source} cannot be fetched (${why})`,
        FailureType.SourceUnavailable,
      );
    }
    const next = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && next) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) refuseInstall(`manifest ${source}: more than ${MAX_REDIRECTS} redirects`);
      url = new URL(next, url);
      continue;
    }
    if (res.status === 404) refuseInstall(`manifest ${source} not found (HTTP 404)`);
    if (!res.ok)
      throw ApplicationFailure.retryable(`manifest ${source}: HTTP ${res.status}`, FailureType.SourceUnavailable);
    return readCapped(res, source, maxBytes);
  }
}

async function readCapped(res: Response, source: string, maxBytes: number): Promise<string> {
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) tooBig(source, maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      tooBig(source, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooBig(source: string, maxBytes: number): never {
  refuseInstall(`manifest ${source} is larger than the ${maxBytes / (1024 * 1024)} MiB limit`);
}
