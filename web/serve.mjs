// Static server for the built site, on 127.0.0.1 only: correct MIME types (application/wasm) and the
// COOP/COEP headers WebAssembly threads need. Used by ./build_wasm.sh --serve and the browser tests.
//   node web/serve.mjs build/web/site [--port 8080]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.data': 'application/octet-stream', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.wgsl': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

// Starts serving root on 127.0.0.1:port (0 = any free port). Resolves to the http.Server.
export function serve(root, port = 8080) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) { res.writeHead(403).end('forbidden'); return; }
    if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      const headers = {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cache-Control': 'no-cache',
      };
      if (err) { res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found'); return; }
      headers['Content-Type'] = TYPES[path.extname(file)] || 'application/octet-stream';
      res.writeHead(200, headers).end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const root = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--port') || 'build/web/site';
  const port = Number(args[args.indexOf('--port') + 1] || 8080);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error(`serve: ${root}/index.html not found: build first with ./build_wasm.sh`);
    process.exit(1);
  }
  serve(root, port).then(
    (s) => console.log(`Attention Lab is served at http://127.0.0.1:${s.address().port}/  (Ctrl+C to stop)`),
    (e) => { console.error(`serve: cannot listen on 127.0.0.1:${port}: ${e.code || e.message}`); process.exit(1); });
}
