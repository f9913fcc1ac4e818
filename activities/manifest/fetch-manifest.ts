import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { Agent, fetch as fetchVia, type Response } from 'undici';
import { FailureType } from '../errors.js';
import { refuseInstall, SETTINGS, type InstallPolicy } from '../install-policy.js';
import { isPrivateAddress, PRIVATE_ADDRESS, publicOnlyLookup } from './public-addresses.js';

/**
 * Connections that dial only public addresses: the address is checked again when the socket connects, so a host
 * whose DNS answer changes between the check and the fetch (DNS rebinding) still cannot reach the worker's network.
 */
const publicOnly = new Agent({ connect: { lookup: publicOnlyLookup() } });
const anyHost = new Agent();

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
      res = await fetchVia(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(60_000),
        dispatcher: policy.allowPrivateManifestHosts ? anyHost : publicOnly,
      });
    } catch (err) {
      const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      if (why === PRIVATE_ADDRESS) {
        refuseInstall(
          `spec.autoInstall.manifestConfig.source ${source} is refused: ${url.hostname} resolved to a private, ` +
            `link-local or loopback address when connecting; an operator allows such hosts with ${SETTINGS.privateHosts}`,
        );
      }
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
