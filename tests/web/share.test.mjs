// Browser tests of links: the Share menu puts a short link to this view in the address bar and on the
// clipboard; opening it elsewhere shows the same state; a broken or edited link says what is wrong above the
// main view and the app carries on. Screenshot: build/screenshots/web-share-bad-link.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, frames, screenshot } from './harness.mjs';

const ctx = useApp({ before, after });
let page, errors;
const state = (p = page) => p.evaluate(() => window.attnlab.getState());
const notice = (p = page) => p.evaluate(() => window.attnlab.notice());

before(async () => {
  await ctx.ready;
  ({ page, errors } = ctx.app);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.url });
});

test('Share puts a short link in the address bar and on the clipboard; opening it shows the same view', async () => {
  await page.evaluate(() => window.attnlab.setState({
    inputs: { sentence: 'the teacher asked the class a question', seed: 3, d_model: 8, d_k: 8, heads: 2 },
    problem: { mask: { window: 3, global: [0] }, temperature: 0.7 },
    step: { stage: 'softmax', query: 4 },
    view: { panel: 'variants', variants: { section: 'masks' } } }));
  await page.evaluate(() => window.attnlab.share());
  await page.waitForFunction(() => window.attnlab.notice() !== '');
  assert.match(await notice(), /Link copied/);
  const link = await page.evaluate(() => window.attnlab.link());
  assert.equal(page.url(), link);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.ok(link.length < 1100, `a seeded sentence needs no vectors in the link (${link.length} characters)`);
  assert.ok(!decodeURIComponent(link).includes('"x"'));
  const other = await openApp(ctx.browser, link);
  assert.deepEqual(await state(other.page), await state());
  assert.equal(await notice(other.page), '');
  assert.deepEqual(other.errors, []);
  await other.page.close();
});

test('a broken or edited link says what is wrong, and the app carries on', async () => {
  await page.evaluate(() => window.attnlab._cmd('set_notice', {}));  // (as Close does)
  const before = await state();
  const cases = [
    ['#state=%7B%22view%22%3A%7B%22panel', /not readable JSON/],
    ['#state=' + encodeURIComponent(JSON.stringify({ view: { panel: 'cinema' } })), /view\.panel: unknown "cinema"/],
    ['#state=' + encodeURIComponent(JSON.stringify({ inputs: { sentence: 'a b', d_model: 900 } })), /inputs\.d_model: must be 1…64/],
    ['#state=%E0%A4%A', /not followed by two hex digits/],
    ['#view=steps', /should be state=… or lesson=…&page=…/],
  ];
  for (const [hash, why] of cases) {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForFunction(() => /could not be opened/.test(window.attnlab.notice()));
    const text = await notice();
    assert.match(text, /This link could not be opened/);
    assert.match(text, why);
    assert.deepEqual(await state(), before, `${hash} changed nothing`);
    await frames(page, 2);
    if (hash.startsWith('#view')) await screenshot(page, 'web-share-bad-link.png');
    await page.evaluate(() => { history.replaceState(null, '', location.href.split('#')[0]); });
    await page.evaluate(() => window.attnlab._cmd('set_notice', {}));  // (as Close does)
  }
  // A good link typed into the address bar: it opens, and clears an earlier complaint.
  await page.evaluate(() => { location.hash = '#view=steps'; });
  await page.waitForFunction(() => /could not be opened/.test(window.attnlab.notice()));
  const hash = '#state=' + encodeURIComponent(JSON.stringify({ inputs: { scenario: 'refund' }, view: { panel: 'step' } }));
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction(() => window.attnlab.getState().inputs.scenario === 'refund');
  assert.equal(await notice(), '');
  assert.deepEqual(errors, []);
});
