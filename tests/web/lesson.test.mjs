// Classroom in the browser (issue 11): a lesson opened from its link and walked with a clicker's keys alone
// (PageDown reveals a prediction, then turns the page; PageUp turns back), the prediction holding back its
// answer in the mirror until revealed; the projector preset's layout; and the offline copy — load once, go
// offline, reload: the app, its lessons and its model still work.
import { test, before, after } from 'node:test';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { useApp, frames, screenshot, launch, startServer } from './harness.mjs';

const ctx = useApp({ before, after });
let page, errors;
before(async () => {
  await ctx.ready;
  ({ page, errors } = ctx.app);
});

async function press(key) {
  await page.keyboard.press(key);
  await frames(page, 3);
}

test('a lesson from its link, walked with the keyboard alone: predict, reveal, next', async () => {
  const lessons = await page.evaluate(() => window.attnlab.lessons());
  assert.deepEqual(lessons.map((l) => l.id).sort(),
                   ['five-steps', 'interview-drill', 'long-sequences', 'masks', 'positions', 'real-model-heads', 'why-sqrt-dk']);
  await page.goto(`${ctx.url}#lesson=five-steps&page=4`);
  await page.waitForFunction(() => window.attnlab.getState().lesson?.page === 4);
  await page.focus('#canvas');
  await press('PageDown');  // page 5: "Which key gets the largest weight in the row of “it”?"
  let st = await page.evaluate(() => window.attnlab.getState());
  assert.deepEqual(st.lesson, { id: 'five-steps', page: 5, answer: '', revealed: false });
  assert.equal(st.step.stage, 'softmax');
  const held = await page.evaluate(() => window.attnlab.narration);
  assert.equal(held.formula, '(held back)');
  assert.equal(held.values, undefined);  // the mirror's table holds nothing back … but shows nothing either
  assert.match(await page.evaluate(() => document.getElementById('live').textContent), /held back/);
  await screenshot(page, 'web-lesson-prediction.png');
  const layout = await page.evaluate(() => window.attnlab.layout());
  assert.deepEqual(layout.problems, []);
  assert.ok(layout.windows.some((w) => w.name === 'Lesson'));
  await press('2');  // the second choice, "animal" (digits pick choices while a prediction is open)
  assert.equal((await page.evaluate(() => window.attnlab.getState())).lesson.answer, 'animal');
  await press('PageDown');  // reveals
  st = await page.evaluate(() => window.attnlab.getState());
  assert.equal(st.lesson.revealed, true);
  assert.match(await page.evaluate(() => document.getElementById('live').textContent), /Answer: animal/);
  const shown = await page.evaluate(() => window.attnlab.narration);
  assert.notEqual(shown.formula, '(held back)');
  assert.ok(shown.values.length > 0);
  await screenshot(page, 'web-lesson-revealed.png');
  await press('PageDown');  // next page
  assert.equal((await page.evaluate(() => window.attnlab.getState())).lesson.page, 6);
  await press('PageUp');
  await press('ArrowLeft');  // (→/← turn pages too, as some clickers send them)
  assert.equal((await page.evaluate(() => window.attnlab.getState())).lesson.page, 4);
  await press('Period');  // "." steps within the page
  assert.equal((await page.evaluate(() => window.attnlab.getState())).lesson.page, 4);
  // The link of this page reopens it in another tab.
  const link = await page.evaluate(() => window.attnlab.link());
  assert.match(decodeURIComponent(link), /"lesson":\{"id":"five-steps","page":4/);
  assert.deepEqual(errors, []);
});

test('Tab reaches the controls (arrows then move between them), Esc gives the arrows back to the steps', async () => {
  await page.evaluate(() => window.attnlab.setState({ lesson: null, view: { panel: 'step' },
                                                      step: { index: 0, granularity: 'cell' } }));
  await page.focus('#canvas');
  await frames(page, 2);
  await press('Tab');
  let kb = (await page.evaluate(() => window.attnlab.layout())).keyboard;
  assert.equal(kb.navigating, true);
  await press('ArrowDown');  // (moves the focus, not the step)
  assert.equal((await page.evaluate(() => window.attnlab.getState())).step.index, 0);
  await press('Escape');
  kb = (await page.evaluate(() => window.attnlab.layout())).keyboard;
  assert.equal(kb.navigating, false);
  await press('ArrowRight');
  assert.equal((await page.evaluate(() => window.attnlab.getState())).step.index, 1);
  await press('Enter');  // the whole arithmetic of this cell
  await frames(page, 2);
  assert.ok((await page.evaluate(() => window.attnlab.layout())).windows.some((w) => w.name.startsWith('The whole arithmetic')));
  await screenshot(page, 'web-arithmetic.png');
  await press('Escape');
  assert.deepEqual(errors, []);
});

test('the projector preset: lesson on the left, nothing cut off at 1920×1080', async () => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${ctx.url}#lesson=real-model-heads&page=3`);
  await page.waitForFunction(() => window.attnlab.getState().lesson?.page === 3);
  await page.focus('#canvas');
  await press('p');
  const st = await page.evaluate(() => window.attnlab.getState());
  assert.equal(st.view.projector, true);
  assert.equal(st.view.ui_scale, 1.75);  // (larger at every classroom size: 1.75× on 1920×1080)
  assert.equal(st.view.high_contrast, true);
  await frames(page, 4);
  assert.deepEqual((await page.evaluate(() => window.attnlab.layout())).problems, []);
  await screenshot(page, 'web-lesson-projector.png');
  await press('p');
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(errors, []);
});

// A second language (issue 12): Español from the state (the View menu sets the same field) — a lesson page, its
// mirror and the page's lang attribute in Spanish, the numbers unchanged but for the decimal comma, nothing cut
// off at either classroom size, and the link carries the language.
test('Español: every word of a lesson page and its mirror changes, no number does, and the link keeps it', async () => {
  const read = async () => page.evaluate(() => ({ n: window.attnlab.narration,
                                                  live: document.getElementById('live').textContent,
                                                  lang: document.documentElement.lang }));
  const numbers = (t) => (t.match(/[0-9]+([.,][0-9]+)?/g) || []).map((x) => x.replace(',', '.')).sort();
  await page.goto(`${ctx.url}#lesson=five-steps&page=4`);  // (a page without a prediction: every number shows)
  await page.waitForFunction(() => window.attnlab.getState().lesson?.page === 4);
  await page.evaluate(() => window.attnlab.setState({ step: { stage: 'scores', query: 7, key: 3, phase: 'cell' } }));
  await frames(page, 3);
  const en = await read();
  assert.equal(en.lang, 'en');
  await page.evaluate(() => window.attnlab.setState({ view: { language: 'es' } }));
  await frames(page, 3);
  const es = await read();
  assert.equal(es.lang, 'es');
  assert.equal(es.n.language, 'es');
  assert.match(es.live, /^Lección: /);
  assert.notEqual(es.n.narration, en.n.narration);
  assert.notEqual(es.n.view, en.n.view);
  assert.deepEqual(numbers(es.n.view), numbers(en.n.view));
  assert.deepEqual(es.n.values.map((v) => v.replace(',', '.')), en.n.values);
  for (const [w, h, scale] of [[1366, 768, 1], [1920, 1080, 2]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate((u) => window.attnlab.setState({ view: { ui_scale: u } }), scale);
    await frames(page, 4);
    assert.deepEqual((await page.evaluate(() => window.attnlab.layout())).problems, [], `${w}×${h}`);
    await screenshot(page, `web-language-es-${w}.png`);
  }
  const link = await page.evaluate(() => window.attnlab.link());
  assert.match(decodeURIComponent(link), /"language":"es"/);
  await page.evaluate(() => window.attnlab.setState({ view: { language: 'en', ui_scale: 1 } }));
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(errors, []);
});

// axe-core (npm) on the page's HTML layer: the canvas's label, the screen-reader mirror (the live regions and the
// numbers table) and the page shell — with a lesson page and its prediction in the mirror. 0 violations.
test('accessibility: axe-core finds no violations in the page, with a lesson and a step in the mirror', async () => {
  const axe = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.goto(`${ctx.url}#lesson=five-steps&page=5`);
  await page.waitForFunction(() => window.attnlab.getState().lesson?.page === 5);
  await frames(page, 3);
  await page.evaluate(axe);  // (evaluated, not a <script>: the page's CSP allows no inline script)
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(found, []);
  assert.ok(result.passes.length > 10, `${result.passes.length} rules passed`);
  // The mirror reads the lesson page and the question (not the answer, which is held back).
  const live = await page.evaluate(() => document.getElementById('live').textContent);
  assert.match(live, /Lesson: Attention in five steps, page 5 of 8/);
  assert.match(live, /Predict: Which key gets the largest weight/);
  assert.doesNotMatch(live, /Answer:/);
  assert.match(await page.evaluate(() => document.getElementById('view').textContent), /Step-through/);
  assert.deepEqual(errors, []);
});

test('prefers-reduced-motion: a link that says "playing" does not start playback', async () => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  await page.evaluate(() => window.attnlab.ready.then(() => true));
  await page.evaluate(() => window.attnlab.setState({ lesson: null, step: { index: 3, playing: true } }));
  await frames(page, 5);
  const st = (await page.evaluate(() => window.attnlab.getState())).step;
  assert.equal(st.playing, false);
  assert.equal(st.index, 3);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  assert.deepEqual(errors, []);
});

// The classroom sizes in the real browser: a few views that fill the screen most, each checked on the page's
// own layout (nothing cut off or overlapping) and kept as screenshots (build/screenshots/classroom-*.png).
test('classroom sizes: the step-through, flash tiles, the model and a lesson fit at every size', async () => {
  const sizes = [[1280, 720, 1.5], [1366, 768, 1], [1920, 1080, 2], [3840, 2160, 3]];
  const states = {
    step: { lesson: null, inputs: { scenario: 'coreference' }, view: { panel: 'step' } },
    flash: { view: { panel: 'variants', variants: { section: 'flash', flash_step: 5 } } },
    model: { inputs: { source: 'model' }, view: { panel: 'model' } },
    lesson: { lesson: { id: 'long-sequences', page: 3, revealed: true } },
  };
  for (const [width, height, scale] of sizes) {
    await page.setViewportSize({ width, height });
    for (const [name, state] of Object.entries(states)) {
      await page.evaluate((st) => window.attnlab.setState(st), { ...state, view: { ...(state.view || {}), ui_scale: scale } });
      await frames(page, 4);
      const layout = await page.evaluate(() => window.attnlab.layout());
      assert.deepEqual(layout.problems, [], `${name} at ${width}×${height}`);
      await screenshot(page, `classroom-${width}x${height}-${name}.png`);
    }
  }
  await page.evaluate(() => window.attnlab.setState({ lesson: null, view: { ui_scale: 1, panel: 'step' } }));
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(errors, []);
});

test('offline: after one visit the app, its lessons and its model load without a network', async () => {
  const { server, url } = await startServer();
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const problems = [];
    tab.on('pageerror', (e) => problems.push(String(e)));
    await tab.goto(url);
    await tab.evaluate(() => window.attnlab.ready.then(() => true));
    await tab.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
    const online = await tab.evaluate(() => window.attnlab.offline());
    assert.equal(online.controlled, true);
    assert.ok(online.files >= 10, JSON.stringify(online));
    await context.setOffline(true);
    server.close();  // (and the server is gone too)
    await tab.goto(`${url}#lesson=masks&page=2`);
    await tab.evaluate(() => window.attnlab.ready.then(() => true));
    await tab.waitForFunction(() => window.attnlab.getState().lesson?.page === 2);
    assert.equal((await tab.evaluate(() => window.attnlab.model())).name, 'tiny-austen');
    const run = await tab.evaluate(() => window.attnlab.runModel({ text: 'Emma', top: 1 }));
    assert.equal(run.next.length, 1);
    assert.equal((await tab.evaluate(() => window.attnlab.offline())).version, online.version);
    await screenshot(tab, 'web-offline-lesson.png');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    server.close();
  }
});
