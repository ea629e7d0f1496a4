// Static server for the built site: GET/HEAD of regular files under the root only, correct MIME types
// (application/wasm), COOP/COEP (needed by WebAssembly threads) and a strict CSP on every response; a bad
// request gets an error status and never stops the server. Used by ./build_wasm.sh --serve and the tests.
//   node web/serve.mjs build/web/site [--port 8080] [--host 127.0.0.1]   (--host 0.0.0.0: the whole LAN)
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.data': 'application/octet-stream', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.wgsl': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

// Sent with every response, errors included.
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-cache',  // (every load asks; an unchanged file is a 304 of a few bytes: ETag)
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': CSP,
};

const MESSAGES = { 403: 'forbidden', 404: 'not found', 500: 'internal error', 503: 'busy, try again' };
const REASONS = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };
// O_NONBLOCK: opening a FIFO that slipped past the stat check must not block a libuv thread.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK || 0) | (fs.constants.O_NOFOLLOW || 0);

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// true when p (absolute) is root itself or lies inside it.
function inside(root, p) {
  const rel = path.relative(root, p);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith('..' + path.sep));
}

// The decoded path of a request target ("/a/b?q", or absolute-form "http://host/a/b?q"), without the URL
// parser's normalisation (it turns /../x and /%2e%2e/x into /x, hiding what the client asked for).
function requestPath(target) {
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = abs ? target.slice(abs[0].length) || '/' : target;
  const raw = rest.split(/[?#]/, 1)[0];
  if (!raw.startsWith('/')) throw new HttpError(400, 'bad request target');
  let decoded;
  try { decoded = decodeURIComponent(raw); } catch { throw new HttpError(400, 'malformed URL escape'); }
  if (decoded.includes('\0')) throw new HttpError(400, 'NUL byte in path');
  if (decoded.includes('\\')) throw new HttpError(403, 'forbidden');
  if (decoded.split('/').includes('..')) throw new HttpError(403, 'forbidden');
  return { decoded, query: rest.slice(raw.length).split('#', 1)[0] };
}

function errnoStatus(e) {
  if (e instanceof HttpError) return e.status;
  if (['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR'].includes(e.code)) return 404;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 403;
  if (e.code === 'EMFILE' || e.code === 'ENFILE') return 503;
  return 500;
}

function send(res, status, text, extra = {}) {
  if (res.headersSent) { res.destroy(); return; }
  const body = Buffer.from(text + '\n');
  res.writeHead(status, { ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

// Resolves the request to a regular file whose real path is inside the real root.
// Returns { file, stat } or { redirect } (a directory asked for without its trailing slash).
async function locate(root, decoded) {
  const realRoot = await fs.promises.realpath(root);
  const wanted = path.resolve(root, '.' + decoded);
  if (!inside(root, wanted)) throw new HttpError(403, 'forbidden');
  let real = await fs.promises.realpath(wanted);
  if (!inside(realRoot, real)) throw new HttpError(403, 'forbidden');  // a symlink out of the root
  let stat = await fs.promises.stat(real);
  if (!stat.isDirectory() && decoded.endsWith('/')) throw new HttpError(404, 'not found');  // "/index.html/"
  if (stat.isDirectory()) {
    if (!decoded.endsWith('/')) {
      const rel = path.relative(root, wanted);
      return { redirect: '/' + (rel ? rel.split(path.sep).map(encodeURIComponent).join('/') + '/' : '') };
    }
    real = await fs.promises.realpath(path.join(real, 'index.html'));
    if (!inside(realRoot, real)) throw new HttpError(403, 'forbidden');
    stat = await fs.promises.stat(real);
  }
  if (!stat.isFile()) throw new HttpError(404, 'not found');
  return { file: real, stat };
}

async function handle(root, req, res) {
  for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  const { decoded, query } = requestPath(req.url);
  const found = await locate(root, decoded);
  if (found.redirect) { send(res, 301, 'moved', { Location: found.redirect + query }); return; }
  const fh = await fs.promises.open(found.file, OPEN_FLAGS);
  let stat;
  try {
    stat = await fh.stat();
    // Same file as the one checked (not swapped in between), and still a regular file.
    if (!stat.isFile() || stat.ino !== found.stat.ino || stat.dev !== found.stat.dev) throw new HttpError(404, 'not found');
  } catch (e) { await fh.close(); throw e; }
  const type = TYPES[path.extname(found.file).toLowerCase()] || 'application/octet-stream';
  // A class on one network: the build's gzip copy (web/compress.mjs) to a browser that takes it, and 304 to
  // one that has this version already (no-cache asks every time; the ETag makes the answer a few bytes).
  let body = fh, size = stat.size, encoding = null;
  const gz = await compressedCopy(found.file, stat, req.headers['accept-encoding']);
  if (gz) {
    await fh.close();
    body = gz.fh, size = gz.stat.size, encoding = 'gzip';
  }
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${encoding ? '-gz' : ''}"`;
  const headers = { 'Content-Type': type, ETag: etag, Vary: 'Accept-Encoding' };
  if (etagMatches(req.headers['if-none-match'], etag)) {
    await body.close();
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': size, ...(encoding ? { 'Content-Encoding': encoding } : {}) });
  if (req.method === 'HEAD' || size === 0) { await body.close(); res.end(); return; }
  pipeline(body.createReadStream({ start: 0, end: size - 1 }), res, () => {});  // closes it; ends res, or destroys it on error
}

// file.gz beside file, when the client accepts gzip and the copy is a regular file at least as new:
// {fh, stat}, else null.
async function compressedCopy(file, stat, accept) {
  if (!/\bgzip\b/i.test(accept || '') || /\bgzip\s*;\s*q=0(\.0*)?\b/i.test(accept)) return null;
  let fh;
  try {
    fh = await fs.promises.open(file + '.gz', OPEN_FLAGS);
    const gz = await fh.stat();
    if (gz.isFile() && gz.mtimeMs >= stat.mtimeMs) return { fh, stat: gz };
  } catch { /* no copy: the file itself */ }
  await fh?.close();
  return null;
}
function etagMatches(header, etag) {
  if (!header) return false;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
}

// Starts serving root on host:port (0 = any free port). Resolves to the http.Server.
export function serve(root, port = 8080, host = '127.0.0.1') {
  root = path.resolve(root);
  const server = http.createServer({ connectionsCheckingInterval: 5000 }, (req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    handle(root, req, res).catch((e) => {
      const status = errnoStatus(e);
      if (status === 500) console.error(`serve: ${req.method} ${req.url}: ${e && e.stack || e}`);
      const text = MESSAGES[status] || (e instanceof HttpError ? e.message : 'error');
      try { send(res, status, text, status === 503 ? { 'Retry-After': '1' } : {}); } catch { res.destroy(); }
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.maxHeadersCount = 100;
  server.timeout = 120_000;  // idle sockets
  server.on('connection', (socket) => socket.on('error', () => {}));
  server.on('clientError', (err, socket) => {
    if (socket.writable && err.code !== 'ECONNRESET' && !socket._httpMessage?.headersSent) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = `${REASONS[status].toLowerCase()}\n`;
      const head = Object.entries(HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\n${head}Content-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, () => socket.destroy());
      setTimeout(() => socket.destroy(), 1000).unref();
    } else {
      socket.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      // After start-up an error (e.g. EMFILE while accepting under load) is logged, not fatal.
      server.on('error', (e) => console.error(`serve: ${e.code || e.message}`));
      resolve(server);
    });
  });
}

export function isLoopback(host) {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// The URLs other machines can use to reach host:port.
export function lanUrls(host, port) {
  const url = (a) => `http://${a.includes(':') ? `[${a}]` : a}:${port}/`;
  if (host !== '0.0.0.0' && host !== '::') return [url(host)];
  return Object.values(os.networkInterfaces()).flat()
    .filter((i) => i && (i.family === 'IPv4' || i.family === 4) && !i.internal).map((i) => url(i.address));
}

const USAGE = 'usage: node web/serve.mjs [ROOT] [--port N] [--host H]   (ROOT defaults to build/web/site)';

// Parses the command line. Returns { root, port, host }, or { error } (a message), or { help: true }.
export function parseArgs(args) {
  const opts = { root: undefined, port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') return { help: true };
    const m = /^--(port|host)(?:=(.*))?$/s.exec(a);
    if (m) {
      let v = m[2];
      if (v === undefined) {
        if (i + 1 >= args.length) return { error: `--${m[1]} needs a value` };
        v = args[++i];
      }
      if (m[1] === 'port') {
        if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) return { error: `--port must be an integer from 0 to 65535, not '${v}'` };
        opts.port = Number(v);
      } else {
        if (!v) return { error: '--host needs a value (e.g. 127.0.0.1, or 0.0.0.0 for every network interface)' };
        opts.host = v;
      }
    } else if (a.startsWith('-') && a !== '-') {
      return { error: `unknown option ${a}` };
    } else if (opts.root !== undefined) {
      return { error: `only one root folder may be given (got ${opts.root} and ${a})` };
    } else {
      opts.root = a;
    }
  }
  opts.root ??= 'build/web/site';
  return opts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) { console.log(USAGE); process.exit(0); }
  if (opts.error) { console.error(`serve: ${opts.error}\n${USAGE}`); process.exit(2); }
  const { root, port, host } = opts;
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error(`serve: ${root}/index.html not found: build first with ./build_wasm.sh`);
    process.exit(1);
  }
  serve(root, port, host).then((s) => {
    const p = s.address().port;
    const local = isLoopback(host) ? `http://${host.includes(':') ? `[${host}]` : host}:${p}/`
      : `http://127.0.0.1:${p}/`;
    console.log(`Attention Lab is served at ${local}  (Ctrl+C to stop)`);
    if (!isLoopback(host)) {
      const urls = lanUrls(host, p);
      console.log(`Listening on ${host}: the app is reachable from other machines on the network` +
        (urls.length ? ` at ${urls.join('  ')}` : ' (no non-internal IPv4 address found)'));
    }
  }, (e) => { console.error(`serve: cannot listen on ${host}:${port}: ${e.code || e.message}`); process.exit(1); });
}
