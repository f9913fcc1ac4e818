// DNS rebinding: a manifest host that resolved to a public address when ksit checked it, and to a private one when
// the socket connects. The connect-time lookup is what decides, so no request reaches the private address.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, fetch } from 'undici';
import { PRIVATE_ADDRESS, publicOnlyLookup, type Resolve } from '../../../activities/manifest/public-addresses.js';

let server: Server;
let port = 0;
let requests = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.end('secret: from the worker network\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A resolver whose answers change call by call, as a rebinding DNS server's do. */
function rebinding(...answers: string[]): Resolve {
  let call = 0;
  return (_host, done) => {
    const address = answers[Math.min(call++, answers.length - 1)] ?? '';
    done(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  };
}

describe('publicOnlyLookup', () => {
  it('refuses the private answer at connect time: the fetch fails and the server sees nothing', async () => {
    const agent = new Agent({ connect: { lookup: publicOnlyLookup(rebinding('127.0.0.1')) } });
    const failure = await fetch(`http://rebind.example:${port}/`, { dispatcher: agent }).catch((e: unknown) => e);
    expect((failure as { cause?: { code?: string } }).cause?.code).toBe(PRIVATE_ADDRESS);
    expect(requests).toBe(0);
    await agent.close();
  });

  it('passes public answers through, with or without `all`', () => {
    const lookup = publicOnlyLookup(rebinding('8.8.8.8'));
    const seen: unknown[] = [];
    lookup('dns.example', {}, (err, address, family) => seen.push(err, address, family));
    lookup('dns.example', { all: true }, (err, addresses) => seen.push(err, addresses));
    expect(seen).toEqual([null, '8.8.8.8', 4, null, [{ address: '8.8.8.8', family: 4 }]]);
  });

  it('refuses a host with any private answer, naming it', () => {
    const lookup = publicOnlyLookup((_h, done) =>
      done(null, [
        { address: '8.8.8.8', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ]),
    );
    let error: (Error & { code?: string }) | null = null;
    lookup('metadata.example', { all: true }, (err) => (error = err as Error & { code?: string }));
    expect(error).toMatchObject({ code: PRIVATE_ADDRESS, message: 'metadata.example resolves to 169.254.169.254' });
  });
});
