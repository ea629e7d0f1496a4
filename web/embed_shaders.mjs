// Build step: embeds shaders/*.wgsl into the site as shaders.js (window.ATTNLAB_SHADERS = {name: source}).
//   node web/embed_shaders.mjs shaders build/web/site/shaders.js
import fs from 'node:fs';
import path from 'node:path';

const [dir, out] = process.argv.slice(2);
const sources = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.wgsl')).sort()) {
  sources[path.basename(f, '.wgsl')] = fs.readFileSync(path.join(dir, f), 'utf8');
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `// Generated from shaders/*.wgsl by web/embed_shaders.mjs; do not edit.\n` +
  `window.ATTNLAB_SHADERS = ${JSON.stringify(sources, null, 1)};\n`);
