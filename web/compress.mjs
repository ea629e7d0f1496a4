// Build step (CMake, after the service worker is written): a gzip -9 copy beside each text and binary file of
// the site that shrinks (app.wasm 2.4 MB → ~0.9 MB), which web/serve.mjs sends to browsers that accept gzip.
// Other static servers (nginx gzip_static, Apache MultiViews) can serve the same copies.
//   node web/compress.mjs build/web/site
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const site = process.argv[2];
if (!site) throw new Error('usage: node web/compress.mjs SITE_DIR');
const worth = new Set(['.js', '.wasm', '.data', '.html', '.css', '.svg', '.json', '.webmanifest']);
let before = 0, after = 0, n = 0;
for (const f of fs.readdirSync(site).sort()) {
  const file = path.join(site, f);
  if (!worth.has(path.extname(f)) || !fs.statSync(file).isFile()) continue;
  const raw = fs.readFileSync(file);
  const gz = zlib.gzipSync(raw, { level: 9 });
  if (gz.length >= raw.length * 0.95) { fs.rmSync(file + '.gz', { force: true }); continue; }
  fs.writeFileSync(file + '.gz', gz);
  before += raw.length, after += gz.length, n++;
}
console.log(`[compress] ${n} files: ${(before / 1e6).toFixed(2)} MB → ${(after / 1e6).toFixed(2)} MB gzip`);
