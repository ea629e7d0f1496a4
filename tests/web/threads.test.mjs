// Threads in the browser (issue 13): a cross-origin isolated page (web/serve.mjs sends COOP and COEP) runs the
// pthreads build, app-mt.js, and splits the fast path over every core it reports, with the same numbers as on
// one thread; a page without those headers (a static host) runs the single-thread build, app.js, and the
// Performance view says why. Both start without an error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, frames, screenshot } from './harness.mjs';

const ctx = useBrowser({ before, after });

// Which app script the page loaded, what attnlab.cpu() says, one output-only run on 1 thread and on all, and
// how a bad problem is refused.
async function look(page) {
  return page.evaluate(async () => {
    const scripts = performance.getEntriesByType('resource').map((e) => e.name.split('/').pop())
      .filter((n) => /^app(-mt)?\.js$/.test(n));
    const problem = JSON.stringify({ random: { seed: 5, n: 700, d_model: 128, num_heads: 2, num_kv_heads: 1 },
                                     mask: 'causal' });
    const all = await window.attnlab.run(problem, { weights: false });
    const one = await window.attnlab.run(problem, { weights: false, threads: 1 });
    const asked = await window.attnlab.run(problem, { weights: false, threads: 1e300 });  // (more than there are)
    // C++ exceptions are caught by type in both builds (a bad problem is a message, not a WebAssembly.Exception)
    const bad = await window.attnlab.run({ q: [[1, 2]], k: [[1]], v: [[1]] }).then(() => 'resolved', (e) => String(e.message));
    return { scripts, bad, cpu: window.attnlab.cpu(), cores: navigator.hardwareConcurrency,
             same: JSON.stringify(all.output) === JSON.stringify(one.output) &&
                   JSON.stringify(asked.output) === JSON.stringify(one.output),
             rows: all.output.length, path: all.stats.path };
  });
}

test('a cross-origin isolated page runs the pthreads build on every core, with the numbers of one thread', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { serviceWorkers: 'block' });
  const r = await look(page);
  assert.deepEqual(r.scripts, ['app-mt.js']);
  assert.equal(r.cpu.build, 'threads');
  assert.equal(r.cpu.isolated, true);
  assert.equal(r.cpu.threads, Math.min(r.cores, 8));
  if (r.cpu.threads > 1) assert.match(r.cpu.says, new RegExp(`uses up to ${r.cpu.threads} threads`));
  assert.equal(r.path, 'fast');
  assert.equal(r.rows, 700);
  assert.ok(r.same, 'the output with every thread differs from the output on one');
  assert.match(r.bad, /^k: has 1 columns, q has 2/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a page that is not cross-origin isolated runs the single-thread build and says why', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { serviceWorkers: 'block', isolated: false });
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
  const r = await look(page);
  assert.deepEqual(r.scripts, ['app.js']);
  assert.deepEqual({ build: r.cpu.build, isolated: r.cpu.isolated, threads: r.cpu.threads },
                   { build: 'single', isolated: false, threads: 1 });
  assert.match(r.cpu.says, /one thread here: this page is not cross-origin isolated/);
  assert.ok(r.same);
  assert.match(r.bad, /^k: has 1 columns, q has 2/);
  await page.evaluate(() => window.attnlab.setState({ view: { panel: 'performance' } }));
  await frames(page, 4);
  await screenshot(page, 'web-performance-single-thread.png');
  assert.deepEqual(errors, []);
  await page.close();
});
