// Build step (CMake, after the app links): writes SITE/sw.js from web/sw.js with this build's file list and
// VERSION, a hash of every file's bytes, so a changed file is a new service worker and a new cache.
//   node web/offline.mjs build/web/site
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const site = process.argv[2];
if (!site) throw new Error('usage: node web/offline.mjs SITE_DIR');
// (not the gzip copies web/compress.mjs makes: the browser fetches the files, the server picks the copy)
const files = fs.readdirSync(site)
  .filter((f) => f !== 'sw.js' && !f.endsWith('.gz') && fs.statSync(path.join(site, f)).isFile()).sort();
for (const need of ['index.html', 'app.js', 'app.wasm', 'app-mt.js', 'app-mt.wasm', 'app-mt.worker.js', 'app.data',
                    'app.data.js', 'attnlab.js']) {
  if (!files.includes(need)) throw new Error(`${site}/${need} is missing: build the app first`);
}
const hash = crypto.createHash('sha256');
for (const f of files) hash.update(f).update(fs.readFileSync(path.join(site, f)));
const version = hash.digest('hex').slice(0, 16);
const template = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sw.js'), 'utf8');
fs.writeFileSync(path.join(site, 'sw.js'),
                 template.replace("'__VERSION__'", JSON.stringify(version)).replace('__FILES__', JSON.stringify(files)));
console.log(`[offline] sw.js: ${files.length} files, version ${version}`);
