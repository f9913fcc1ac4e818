#!/usr/bin/env node
// A loopback-only static file server for ksit's local Helm chart repository (index.yaml + packaged charts) and
// the Flux-style manifest. env.sh runs it with the pinned Node; it needs nothing beyond Node's standard library.
//
//   node chart-repo-server.mjs --root DIR [--port 8879] [--host 127.0.0.1]
//
// Files are read from disk on every request, so `env.sh up` can re-package charts without a restart.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: process.env.KSIT_CHART_REPO_PORT ?? '8879' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
if (!args.root) {
  console.error('usage: chart-repo-server.mjs --root DIR [--port N] [--host 127.0.0.1]');
  process.exit(2);
}
const root = resolve(args.root);

const contentTypes = {
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.json': 'application/json',
  '.tgz': 'application/gzip',
  '.prov': 'text/plain',
  '.txt': 'text/plain',
};

/** Maps a URL path to a file under root, or null when it would escape root. */
function fileFor(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = resolve(join(root, decoded));
  return path === root || path.startsWith(root + sep) ? path : null;
}

function reply(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

const server = createServer(async (req, res) => {
  const started = Date.now();
  res.on('finish', () => {
    console.log(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
  });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return reply(res, 405, 'method not allowed');
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return reply(res, 200, 'ok');

  let path = fileFor(url.pathname);
  if (path === null) return reply(res, 400, 'bad path');
  let info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    // `helm repo add http://host:port` fetches /index.yaml itself; a bare "/" gets the index as a courtesy.
    path = join(path, 'index.yaml');
    info = await stat(path).catch(() => null);
  }
  if (!info?.isFile()) return reply(res, 404, 'not found');

  res.writeHead(200, {
    'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
    'content-length': info.size,
    'last-modified': info.mtime.toUTCString(),
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
});

server.on('error', (err) => {
  console.error(`chart repo server: ${err.message}`);
  process.exit(1);
});
server.listen(Number(args.port), args.host, () => {
  console.log(`serving ${root} on http://${args.host}:${args.port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
