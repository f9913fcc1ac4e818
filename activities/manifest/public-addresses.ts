// Which addresses a spec may make the worker connect to. Loopback, private ranges and link-local (cloud metadata at
// 169.254.169.254) are the worker's own host and network, so a spec must not make it fetch from, or probe, them
// unless the operator allows it.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

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

/** The error code a refused connection carries (in `cause` of fetch's error). */
export const PRIVATE_ADDRESS = 'EKSITPRIVATEADDRESS';

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 ? true : PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolve = (host: string, done: (err: Error | null, addresses: LookupAddress[]) => void) => void;
type LookupOptions = { all?: boolean; family?: number | string };
type LookupDone = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

const systemResolve: Resolve = (host, done) => dnsLookup(host, { all: true }, done);

/**
 * A socket `lookup` that resolves the host and refuses it if any of its addresses is private: the check happens
 * on the addresses the socket then dials, so nothing can change in between.
 */
export function publicOnlyLookup(resolve: Resolve = systemResolve) {
  return (hostname: string, options: LookupOptions, done: LookupDone): void => {
    resolve(hostname, (err, addresses) => {
      if (err) return done(err, []);
      const family = Number(options.family) || 0;
      const usable = addresses.filter((a) => family === 0 || a.family === family);
      const blocked = usable.find((a) => isPrivateAddress(a.address));
      const first = usable[0];
      if (blocked || !first) {
        const why = blocked ? `${hostname} resolves to ${blocked.address}` : `${hostname} has no address`;
        return done(Object.assign(new Error(why), { code: PRIVATE_ADDRESS }), []);
      }
      if (options.all) done(null, usable);
      else done(null, first.address, first.family);
    });
  };
}
