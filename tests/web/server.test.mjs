// Tests of the dev server web/serve.mjs (no wasm build needed): MIME types and security headers, malformed
// and hostile requests answered with 400/403/404/405 while the server keeps running, symlinks out of the root
// refused, 500 concurrent requests all answered, and the command line's option checking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, CSP, parseArgs, isLoopback } from '../../web/serve.mjs';

const SERVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/serve.mjs');
const SECRET = 'top secret: not part of the site';
let tmp, site, server, port;
const children = new Set();

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlab-serve-'));
  site = path.join(tmp, 'site');
  fs.mkdirSync(path.join(site, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'site-evil'));
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>root</title>\n');
  fs.writeFileSync(path.join(site, 'app.wasm'), Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  fs.writeFileSync(path.join(site, 'sub', 'index.html'), '<!doctype html><title>sub</title>\n');
  fs.writeFileSync(path.join(tmp, 'site-evil', 'secret.txt'), SECRET);
  fs.symlinkSync('../site-evil', path.join(site, 'link'));
  fs.symlinkSync('../site-evil/secret.txt', path.join(site, 'secret-link.txt'));
  server = await serve(site, 0);
  port = server.address().port;
});

after(() => {
  for (const child of children) child.kill('SIGKILL');
  server?.closeAllConnections();
  server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// A request through node:http (which sends the path as given, but cannot send malformed requests).
function get(urlPath, { method = 'GET', agent, p = port } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: p, path: urlPath, method, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.on('error', reject);
    req.end();
  });
}

// Sends raw bytes on a fresh socket and resolves to {status, head, body} of whatever comes back before the
// server closes the connection (status 0: it answered nothing).
function raw(text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    socket.setTimeout(30_000, () => socket.destroy(new Error(`timeout: ${JSON.stringify(text)}`)));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = all.split('\r\n\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : 0, head, body: rest.join('\r\n\r\n') });
    });
    socket.write(text);
  });
}
const rawGet = (target) => raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

test('files are served with their MIME type and the security headers', async () => {
  const wasm = await get('/app.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.deepEqual([...wasm.body], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.match(index.headers['content-type'], /^text\/html/);
  assert.match(index.body.toString(), /<title>root<\/title>/);
  for (const r of [wasm, index, await get('/missing.js')]) {
    assert.equal(r.headers['content-security-policy'], CSP);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.equal(r.headers['cache-control'], 'no-cache');
  }
  assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(CSP, /frame-ancestors 'none'$/);
});

test('HEAD gives the headers without a body; a query string is ignored', async () => {
  const head = await get('/app.wasm', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '8');
  assert.equal(head.body.length, 0);
  assert.equal((await get('/app.wasm?v=3')).status, 200);
});

test('a directory serves its index.html; without the trailing slash it is redirected', async () => {
  const sub = await get('/sub/');
  assert.equal(sub.status, 200);
  assert.match(sub.body.toString(), /<title>sub<\/title>/);
  const redirect = await get('/sub?x=1');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, '/sub/?x=1');
});

test('missing files give 404, other methods 405 with Allow', async () => {
  assert.equal((await get('/nope.html')).status, 404);
  assert.equal((await get('/sub/nope/')).status, 404);
  assert.equal((await get('/index.html/')).status, 404);
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const r = await get('/', { method });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.allow, 'GET, HEAD');
  }
});

test('malformed escapes, garbage and invalid headers get 400', async () => {
  for (const target of ['/%E0%A4%A', '/%', '/%zz', '/a%00b']) {
    const r = await rawGet(target);
    assert.equal(r.status, 400, target);
    assert.match(r.head, /content-security-policy:/i);
  }
  const garbage = await raw('HELLO THERE\r\n\r\n');
  assert.equal(garbage.status, 400);
  assert.match(garbage.head, /^HTTP\/1\.1 400 Bad Request/);
  const badHeader = await raw('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n');
  assert.equal(badHeader.status, 400);
  const noTarget = await raw('GET HTTP/1.1\r\n\r\n');
  assert.equal(noTarget.status, 400);
  const binary = await raw('\x00\x01\x02\xff\xfe\r\n\r\n');
  assert.equal(binary.status, 400);
  assert.equal((await rawGet('*')).status, 400);
});

test('path traversal and symlinks out of the root never reach the sibling folder', async () => {
  const attempts = [
    '/../site-evil/secret.txt', '/%2e%2e/site-evil/secret.txt', '/%2E%2E/site-evil/secret.txt',
    '/..%2fsite-evil/secret.txt', '/..%2Fsite-evil/secret.txt', '/sub/../../site-evil/secret.txt',
    '/.%2e/site-evil/secret.txt', '/%2e%2e%2fsite-evil%2fsecret.txt', '/..\\site-evil\\secret.txt',
    '/..%5csite-evil%5csecret.txt', '/%5c..%5csite-evil%5csecret.txt', '//../site-evil/secret.txt',
    `/${'../'.repeat(20)}etc/passwd`, '/link/secret.txt', '/link/', '/link', '/secret-link.txt',
    'http://127.0.0.1/../site-evil/secret.txt', `/${encodeURIComponent(path.join(tmp, 'site-evil', 'secret.txt'))}`,
  ];
  for (const target of attempts) {
    const r = await rawGet(target);
    assert.ok([400, 403, 404].includes(r.status), `${target}: status ${r.status}`);
    assert.ok(!r.body.includes(SECRET), `${target}: the secret leaked`);
  }
  for (const target of ['/../site-evil/secret.txt', '/%2e%2e/site-evil/secret.txt', '/..%2fsite-evil/secret.txt',
    '/link/secret.txt', '/secret-link.txt']) {
    assert.equal((await rawGet(target)).status, 403, target);
  }
});

test('500 concurrent requests are all answered', { timeout: 120_000 }, async () => {
  const agent = new http.Agent({ maxSockets: 500, keepAlive: false });
  try {
    const results = await Promise.all(Array.from({ length: 500 }, () => get('/', { agent })));
    assert.equal(results.filter((r) => r.status === 200).length, 500);
  } finally {
    agent.destroy();
  }
});

test('after all of that the server still answers', async () => {
  assert.ok(server.listening);
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.body.toString(), /<title>root<\/title>/);
});

// --- command line ---------------------------------------------------------------------------------------

// Runs serve.mjs with args; resolves to {code, stdout, stderr} when it exits.
function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => { clearTimeout(timer); children.delete(child); resolve({ code, stdout, stderr }); });
  });
}

test('the command line refuses unknown options and bad ports with exit code 2', async () => {
  const bogus = await runCli([site, '--port', '0', '--bogus']);
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /unknown option --bogus/);
  for (const args of [['--port', '99999'], ['--port', '-1'], ['--port', '80x'], ['--port'], ['--port=1.5']]) {
    const r = await runCli([site, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /--port/);
  }
  const two = await runCli([site, site]);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /only one root/);
  assert.equal((await runCli(['--host'])).code, 2);
});

test('options parse in any order around the root', () => {
  const want = { root: 'r', port: 1234, host: '0.0.0.0' };
  assert.deepEqual(parseArgs(['r', '--port', '1234', '--host', '0.0.0.0']), want);
  assert.deepEqual(parseArgs(['--host', '0.0.0.0', 'r', '--port', '1234']), want);
  assert.deepEqual(parseArgs(['--port=1234', '--host=0.0.0.0', 'r']), want);
  assert.deepEqual(parseArgs([]), { root: 'build/web/site', port: 8080, host: '127.0.0.1' });
  assert.ok(parseArgs(['--port', '65536']).error);
  assert.equal(parseArgs(['--port', '0']).port, 0);
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.10'));
});

test('the command line serves the site and prints its URL', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [SERVE, '--port', '0', site, '--host', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m) resolve(m);
      });
      exited.then(({ code }) => reject(new Error(`serve.mjs exited (${code}) before printing a URL: ${out}`)));
    });
    const r = await get('/', { p: Number(url[1]) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-security-policy'], CSP);
  } finally {
    child.kill('SIGTERM');
    await exited;
    children.delete(child);
  }
});

// A class of 40 on one network: the build's gzip copy to a browser that takes gzip (the same bytes once
// unzipped), the file itself to one that does not, and 304 for an ETag the browser already has.
test('gzip copies to browsers that take them, 304 for an unchanged file', async () => {
  const zlib = await import('node:zlib');
  const body = Buffer.from('let x = 1;\n'.repeat(5000));
  fs.writeFileSync(path.join(site, 'big.js'), body);
  fs.writeFileSync(path.join(site, 'big.js.gz'), zlib.gzipSync(body, { level: 9 }));
  const fetchWith = (headers) => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/big.js', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  const gz = await fetchWith({ 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers['vary'], 'Accept-Encoding');
  assert.equal(gz.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.ok(gz.body.length < body.length / 10, `${gz.body.length} bytes sent for ${body.length}`);
  assert.deepEqual(zlib.gunzipSync(gz.body), body);
  const plain = await fetchWith({});
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.body, body);
  const refused = await fetchWith({ 'Accept-Encoding': 'gzip;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
  // revalidation: the same ETag → 304 with no body; another → the file
  const again = await fetchWith({ 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal((await fetchWith({ 'If-None-Match': '"other"' })).status, 200);
  assert.notEqual(gz.headers.etag, plain.headers.etag);  // (the two bodies differ: so do their tags)
  // 40 students loading the file: bytes sent with and without the copies (printed, not asserted on time)
  console.log(`40 loads of a ${body.length}-byte file: ${40 * gz.body.length} bytes gzip, ${40 * body.length} plain; ` +
              `reloads of an unchanged file: ${40 * again.body.length} bytes`);
});
