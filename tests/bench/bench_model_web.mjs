// The model in the browser, printed (never asserted): the bundled model's forward pass for 128 tokens
// (median of 3) in WebAssembly, then the GPT-2-small-shaped random checkpoint (tests/bench/make_gpt2_small.py)
// opened through the file picker: load time, a 64-token forward pass, and the WebAssembly memory it took.
//   node tests/bench/bench_model_web.mjs [build/bench/gpt2-small-random]
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openApp, ROOT } from '../web/harness.mjs';

const big = process.argv[2] || path.join(ROOT, 'build/bench/gpt2-small-random');
const { server, url } = await startServer();
const browser = await launch();
try {
  const { page } = await openApp(browser, url);
  const time = (ids) => page.evaluate(async (tokens) => {
    const times = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await window.attnlab.runModel({ token_ids: tokens, attention: false, top: 1 });
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[1];
  }, ids);
  const ids = (n, v) => Array.from({ length: n }, (_, i) => 256 + (i * 7919) % (v - 257));
  const tiny = await page.evaluate(() => window.attnlab.model());
  console.log(`web: ${tiny.name}: forward of 128 tokens ${(await time(ids(128, tiny.vocab_size))).toFixed(1)} ms (median of 3, WebAssembly)`);
  if (fs.existsSync(path.join(big, 'model.safetensors'))) {
    const files = ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'].map((f) => path.join(big, f));
    const t0 = Date.now();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.evaluate(() => window.attnlab._pickModel())]);
    await chooser.setFiles(files);
    await page.waitForFunction(() => (window.attnlab.model() || {}).n_layer === 12 || /could not/.test(window.attnlab.notice()),
                               null, { timeout: 600000 });
    const load = Date.now() - t0;
    const m = await page.evaluate(() => window.attnlab.model());
    if (!m || m.n_layer !== 12) throw new Error(await page.evaluate(() => window.attnlab.notice()));
    const fwd = await time(ids(64, m.vocab_size));
    const heap = await page.evaluate(() => Module.HEAPU8.length);
    console.log(`web: GPT-2-small-shaped (${(m.parameters / 1e6).toFixed(1)} M parameters): opened in ${load} ms, ` +
                `forward of 64 tokens ${fwd.toFixed(0)} ms, WebAssembly memory ${(heap / 1048576).toFixed(0)} MiB`);
  } else {
    console.log(`web: ${big} not found (make it with tests/bench/make_gpt2_small.py)`);
  }
} finally {
  await browser.close();
  server.close();
}
