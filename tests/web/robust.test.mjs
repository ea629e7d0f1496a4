// Bad input in the browser (issue 9): the page boots under its Content-Security-Policy with no violation and
// no request to another origin; mutated #state= links (truncated, flipped, wrong types, huge numbers, 1 MB,
// deep, script tags in token names) and bad setState/run arguments leave the page alive, say what is wrong and
// change nothing; problems the limits refuse are refused with a message, and ones they admit run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openApp, frames, screenshot } from './harness.mjs';

let server, url, browser, page, errors, external, violations;

const CSP_PROBE = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
};

before(async () => {
  ({ server, url } = await startServer());
  browser = await launch();
  ({ page, errors, external } = await openApp(browser, url, { initScript: CSP_PROBE }));
});
after(async () => {
  await browser?.close();
  server?.close();
});

const state = () => page.evaluate(() => window.attnlab.getState());
const notice = () => page.evaluate(() => window.attnlab.notice());
const clearNotice = () => page.evaluate(() => window.attnlab._cmd('set_notice', {}));
const heapBytes = () => page.evaluate(() => Module.HEAPU8.length);
// Opens hash as if typed into the address bar (the page opens it on hashchange, before the frames after it);
// resolves to the notice it leaves ("" when it opened).
async function openHash(hash) {
  await clearNotice();
  await page.evaluate((h) => { history.replaceState(null, '', location.href.split('#')[0]); location.hash = h; }, hash);
  await frames(page, 2);
  return notice();
}

test('the page boots under a strict CSP (header and meta tag), with no violations and no other origin', async () => {
  const res = await page.goto(url);
  await page.evaluate(() => window.attnlab.ready.then(() => true));
  const csp = res.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /worker-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const meta = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content);
  assert.match(meta, /script-src 'self' 'wasm-unsafe-eval'/);
  await frames(page, 3);
  violations = await page.evaluate(() => window.__csp);
  assert.deepEqual(violations, []);
  assert.deepEqual(external, []);
  assert.deepEqual(errors, []);
  // An inline script is refused by the policy (so the policy is really in force).
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.appendChild(s);
  });
  assert.equal(await page.evaluate(() => window.__inline), undefined);
  await frames(page, 2);
  assert.ok((await page.evaluate(() => window.__csp)).some((v) => v.startsWith('script-src')));
  errors.length = 0;  // (the refusal logs a console error on purpose)
});

test('mutated links: each says what is wrong, changes nothing, and the page stays alive', async () => {
  const good = { inputs: { sentence: 'the cat sat on the mat', seed: 2 }, problem: { mask: 'causal' }, step: { index: 5 } };
  const text = encodeURIComponent(JSON.stringify(good));
  const before = await state();
  const flipped = (i) => text.slice(0, i) + (text[i] === 'a' ? 'b' : 'a') + text.slice(i + 1);
  const cases = [
    ['truncated', '#state=' + text.slice(0, text.length / 2)],
    ['flipped', '#state=' + flipped(9)],
    ['flipped bracket', '#state=' + text.replace('%7B', '%5B')],
    ['wrong type', '#state=' + encodeURIComponent(JSON.stringify({ view: { ui_scale: 'big' } }))],
    ['huge number', '#state=' + encodeURIComponent('{"view": {"head": 1e300}}')],
    ['huge index', '#state=' + encodeURIComponent('{"step": {"index": 99999999999999999999}}')],
    ['1 MB', '#state=' + encodeURIComponent(JSON.stringify({ view: { panel: 'x'.repeat(1 << 20) } }))],
    ['deep', '#state=' + '%5B'.repeat(5000)],
    ['invalid UTF-8', '#state=%7B%22view%22%3A%7B%22panel%22%3A%22%C0%22%7D%7D'],
    ['not JSON', '#state=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['n too large', '#state=' + encodeURIComponent(JSON.stringify({ problem: { random: { n: 200000, d_model: 8 } }, step: { index: 3 } }))],
  ];
  for (const [name, hash] of cases) {
    const said = await openHash(hash);
    if (name === 'n too large') {  // (a valid state: it opens, and the app says it will not compute it)
      const s = await state();
      assert.equal(s.problem.random.n, 200000);
      const err = await page.evaluate(() => { try { window.attnlab.result(); return ''; } catch (e) { return e.message; } });
      assert.match(err, /random\.n: 200000×200000 tokens .* need .* of memory; the limit here is 256\.0 MiB/, name);
      await page.evaluate((s0) => window.attnlab.setState(s0), before);
      continue;
    }
    assert.match(said, /This link could not be opened: .+/, name);
    assert.doesNotMatch(said, /json\.exception|RangeError|internal error/, name);
    assert.ok(said.length < 2000, `${name}: the notice is short (${said.length})`);
    assert.deepEqual(await state(), before, `${name} changed nothing`);
  }
  await frames(page, 2);
  assert.deepEqual(errors, []);
});

test('deep links are refused before they recurse, and leak nothing', async () => {
  const deep = '#state=' + '%7B%22a%22%3A'.repeat(5000);
  assert.match(await openHash(deep), /nested deeper than 64 levels/);
  const heap0 = await heapBytes();
  for (let i = 0; i < 30; i++) await openHash(deep + i);
  const grown = (await heapBytes()) - heap0;
  assert.ok(grown < 16 * 1048576, `30 deep links grew WebAssembly memory by ${grown} bytes`);
  assert.match(await notice(), /nested deeper than 64 levels/);
});

test('script tags in token names are text, never markup', async () => {
  const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  const scripts = await page.evaluate(() => document.scripts.length);
  await page.evaluate((t) => window.attnlab.setState({ inputs: { sentence: `${t} cat ${t}`, seed: 1 } }), evil);
  await frames(page, 3);
  const mirror = await page.evaluate(() => ({ live: document.getElementById('live').textContent,
                                              html: document.getElementById('numbers').innerHTML,
                                              pwned: window.__pwned, scripts: document.scripts.length,
                                              imgs: document.querySelectorAll('img').length }));
  assert.equal(mirror.pwned, undefined);
  assert.equal(mirror.scripts, scripts);
  assert.equal(mirror.imgs, 0);
  assert.doesNotMatch(mirror.html, /<img|<script/);
  // A link carries them safely too.
  const link = await page.evaluate(() => window.attnlab.link());
  assert.equal(await openHash(link.slice(link.indexOf('#'))), '');
  assert.deepEqual(errors, []);
});

test('bad setState and run arguments throw an Error naming what is wrong, and change nothing', async () => {
  const before = await state();
  const thrown = await page.evaluate(async () => {
    const out = [];
    const cyclic = {}; cyclic.self = cyclic;
    let deep = {}; for (let i = 0; i < 100000; i++) deep = { a: deep };
    const calls = [
      ['setState()', () => window.attnlab.setState()],
      ['setState(null)', () => window.attnlab.setState(null)],
      ['setState(5)', () => window.attnlab.setState(5)],
      ['setState("{bad")', () => window.attnlab.setState('{bad')],
      ['setState(cyclic)', () => window.attnlab.setState(cyclic)],
      ['setState(BigInt)', () => window.attnlab.setState({ view: { head: 10n } })],
      ['setState(deep)', () => window.attnlab.setState({ view: deep })],
      ['setState(deep text)', () => window.attnlab.setState('['.repeat(100000))],
      ['setState(step 2^40)', () => window.attnlab.setState({ step: { index: 2 ** 40 } })],
      ['setState(head 2^33)', () => window.attnlab.setState({ view: { head: 2 ** 33 } })],
      ['run(undefined)', () => window.attnlab.run()],
      ['run(cyclic)', () => window.attnlab.run(cyclic)],
      ['run(deep)', () => window.attnlab.run({ q: deep })],
      ['run(options null)', () => window.attnlab.run({ q: [[1]], k: [[1]], v: [[1]] }, null)],
      ['run(1e200)', () => window.attnlab.run({ q: [[1e200]], k: [[1e200]], v: [[1]], precision: 'f64' })],
      ['run(n 200000, weights)', () => window.attnlab.run({ random: { n: 200000, d_model: 8 } })],
      ['run(n 200000, output only)', () => window.attnlab.run({ random: { n: 200000, d_model: 8 } }, { weights: false })],
      ['run(d_model 1e9)', () => window.attnlab.run({ random: { n: 1, d_model: 1000000000 } })],
      ['overview(row -1)', () => window.attnlab.overview({ random: { n: 8, d_model: 8 } }, { row: -1 })],
    ];
    for (const [name, f] of calls) {
      try {
        await f();
        out.push([name, 'no error']);
      } catch (e) {
        out.push([name, `${e.constructor.name}: ${e.message}`]);
      }
    }
    return out;
  });
  const expect = {
    'setState()': /state: expected an object or JSON text, got undefined/,
    'setState(null)': /state: expected an object or JSON text, got null/,
    'setState(5)': /got number/,
    'setState("{bad")': /malformed JSON/,
    'setState(cyclic)': /state: cannot be written as JSON/,
    'setState(BigInt)': /state: cannot be written as JSON/,
    'setState(deep)': /nested (far too deep|deeper than 64 levels)/,
    'setState(deep text)': /nested deeper than 64 levels/,
    'setState(step 2^40)': /step\.index: 1099511627776 is outside/,
    'setState(head 2^33)': /view\.head: expected an integer -2147483648…2147483647/,
    'run(undefined)': /problem: expected an object or JSON text/,
    'run(cyclic)': /problem: cannot be written as JSON/,
    'run(deep)': /nested (far too deep|deeper than 64 levels)/,
    'run(options null)': /options: expected an object/,
    'run(1e200)': /overflow: score q·k at row 0, column 0/,
    'run(n 200000, weights)': /random\.n: 200000×200000 tokens × 1 head of width 8 with the weights need .* TiB of memory/,
    'run(n 200000, output only)': /random\.n: .* output only need about .* operations/,
    'run(d_model 1e9)': /smaller d_model/,
    'overview(row -1)': /row: expected an integer/,
  };
  for (const [name, message] of thrown) {
    if (process.env.ATTN_VERBOSE) console.log(name, '→', message);
    assert.match(message, /^Error: /, `${name}: ${message}`);
    assert.match(message, expect[name], `${name}: ${message}`);
  }
  assert.deepEqual(await state(), before);
  assert.deepEqual(errors, []);
});

test('the largest problem the view admits runs and draws; a larger one is refused, and the page carries on', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  // n = 2000, one head: 4 M weights, under the view's 256 MiB; the step view shows them as a block map.
  await page.evaluate(() => window.attnlab.setState({ problem: { random: { n: 2000, d_model: 8 } }, view: { panel: 'step' } }));
  await frames(page, 3);
  const r = await page.evaluate(() => { try { return window.attnlab.result().stats.heads; } catch (e) { return e.message; } });
  assert.match(String(r), /as JSON it would need .* the limit here is|^1$/);
  await screenshot(page, 'web-long-sequence-map.png');
  // n = 4000: refused by the view's limit with a message; the app keeps its last good result and keeps drawing.
  await page.evaluate(() => window.attnlab.setState({ problem: { random: { n: 4000, d_model: 8 } } }));
  await frames(page, 3);
  const err = await page.evaluate(() => { try { window.attnlab.result(); return ''; } catch (e) { return e.message; } });
  assert.match(err, /random\.n: 4000×4000 tokens .* need .* of memory; the limit here is 256\.0 MiB/);
  await page.evaluate(() => window.attnlab.setState({ inputs: { scenario: 'refund' } }));
  await frames(page, 3);
  assert.equal((await page.evaluate(() => window.attnlab.result())).stats.heads, 1);
  assert.deepEqual(errors, []);
});
