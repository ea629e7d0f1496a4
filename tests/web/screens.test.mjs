// Every screen a classroom has (issue 24): the canvas sharp at any pixel ratio (backing store = CSS × DPR);
// projector cells large enough to read, with their numbers, for every bundled scenario; touch as one click per
// tap, swipes that scroll, a lesson walked by taps equal to the same lesson walked by clicks; the on-screen
// keyboard's field; copy and paste through the system clipboard; the way in on a first visit; a lesson's
// reveal that shows its answer; Enter hands in a typed answer; editing a scenario keeps its story, Ctrl+Z.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openApp, frames, screenshot } from './harness.mjs';

const ctx = useBrowser({ before, after });

const layout = (page) => page.evaluate(() => window.attnlab.layout());
const state = (page) => page.evaluate(() => window.attnlab.getState());
const set = (page, s) => page.evaluate((x) => window.attnlab.setState(x), s);
const centre = (r) => [r.x + r.w / 2, r.y + r.h / 2];
// The centre of cell (i, j) of the step view's heatmap `name` ("s", "a", "q", …), in CSS pixels.
async function cellAt(page, name, i, j) {
  const h = (await layout(page)).heatmaps.find((m) => m.name === name);
  assert.ok(h, `no heatmap ${name}`);
  return [h.x + (j + 0.5) * h.cell_w, h.y + (i - h.first_row + 0.5) * h.cell_h];
}
async function target(page, name) {
  const t = (await layout(page)).targets[name];
  assert.ok(t, `no target ${name} in layout().targets`);
  return centre(t);
}

test('sharp at devicePixelRatio 2: the backing store is CSS size × 2 and the fonts are rasterised for it', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 1366, height: 768, deviceScaleFactor: 2 });
  await frames(page, 3);
  const c = await page.evaluate(() => { const e = document.getElementById('canvas'); return { w: e.width, h: e.height, cw: e.clientWidth, ch: e.clientHeight }; });
  assert.equal(c.w, c.cw * 2);
  assert.equal(c.h, c.ch * 2);
  const l = await layout(page);
  assert.equal(l.pixel_ratio, 2);
  assert.deepEqual(l.display, { w: 1366, h: 768 });
  assert.deepEqual(l.backing, { w: 2732, h: 1536 });
  assert.deepEqual(l.problems, []);
  await screenshot(page, 'web-dpr2-1366.png');
  assert.deepEqual(errors, []);
  await page.close();
});

// The bundled scenarios with designed vectors, on a projector: cells of at least 40 px at 1920×1080 and 28 px
// at 1280×720, every number printed, at every stage.
test('projector: the step view\'s cells are large enough to read, with their numbers, for every scenario', async () => {
  for (const [width, height, least] of [[1920, 1080, 40], [1280, 720, 28]]) {
    const { page, errors } = await openApp(ctx.browser, ctx.url, { width, height });
    await page.focus('#canvas');
    for (const scenario of ['coreference', 'contract', 'patient', 'refund']) {
      await set(page, { inputs: { scenario } });
      await page.keyboard.press('p');  // (the presenter's key)
      await frames(page, 4);
      const v = (await state(page)).view;
      assert.equal(v.projector, true);
      assert.ok(v.ui_scale > 1, `P scales up at ${width}×${height} (${v.ui_scale})`);
      for (const stage of ['scores', 'scale', 'mask', 'softmax', 'weighted_sum']) {
        await set(page, { step: { stage, query: 2, key: 1, phase: stage === 'softmax' ? 'divide' : 'cell' } });
        await frames(page, 3);
        const l = await layout(page);
        assert.ok(l.heatmaps.length >= 1, `${scenario} ${stage}: ${l.heatmaps.length} maps`);
        for (const h of l.heatmaps) {
          assert.ok(Math.min(h.cell_w, h.cell_h) >= least - 0.5,
                    `${scenario} ${stage} at ${width}×${height}: ${h.name} cells ${h.cell_w.toFixed(1)}×${h.cell_h.toFixed(1)} px`);
          assert.equal(h.values_shown, true, `${scenario} ${stage}: ${h.name} prints its numbers`);
        }
        assert.deepEqual(l.problems, [], `${scenario} ${stage} at ${width}×${height}`);
      }
      if (scenario === 'coreference') await screenshot(page, `web-projector-${width}x${height}.png`);
      await page.keyboard.press('p');
      await frames(page, 2);
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('touch: one tap is one click where it lands, a swipe scrolls, nothing clicks twice', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 820, height: 1180, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  await set(page, { inputs: { scenario: 'coreference' }, step: { stage: 'scores', query: 0, key: 0, phase: 'cell' } });
  await frames(page, 3);
  const start = (await state(page)).step.index;
  // the ▶ button: two taps, two steps (each tap once, at its own place)
  const next = await target(page, 'step.next');
  await page.touchscreen.tap(...next);
  await frames(page, 4);
  assert.equal((await state(page)).step.index, start + 1);
  await page.touchscreen.tap(...next);
  await frames(page, 4);
  assert.equal((await state(page)).step.index, start + 2);
  // a tap on a cell of the scores steps there — not to where the last tap was
  await page.touchscreen.tap(...(await cellAt(page, 's', 0, 5)));
  await frames(page, 4);
  let st = (await state(page)).step;
  assert.deepEqual([st.query, st.key], [0, 5]);
  await page.touchscreen.tap(...(await cellAt(page, 's', 0, 1)));
  await frames(page, 4);
  st = (await state(page)).step;
  assert.deepEqual([st.query, st.key], [0, 1]);
  // a swipe up over a Variants part taller than its window scrolls it (and presses nothing): the tablet on
  // its side, a shorter window
  await page.setViewportSize({ width: 1180, height: 600 });
  const main = () => layout(page).then((l) => l.windows.find((w) => w.name === 'Main'));
  let before;
  for (const section of ['compare', 'masks', 'heads', 'linear', 'positions']) {
    await set(page, { view: { panel: 'variants', variants: { section } } });
    await frames(page, 4);
    before = await main();
    if (before.needs_h > before.h + 100) break;
  }
  assert.ok(before.needs_h > before.h + 100, 'a Variants part is taller than its window here');
  const cdp = await page.context().newCDPSession(page);
  const x = before.x + before.w / 2, y0 = before.y + before.h * 0.8;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y: y0 }] });
  for (let k = 1; k <= 8; k++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y0 - k * 40 }] });
    await frames(page, 1);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await frames(page, 4);
  assert.ok((await main()).scroll_y > 50, `scrolled ${(await main()).scroll_y} px`);
  assert.equal((await state(page)).view.panel, 'variants');
  await screenshot(page, 'web-tablet-variants.png');
  assert.deepEqual(errors, []);
  await page.close();
});

// The same lesson pages, answered by tapping the choice and Reveal, then by clicking them: the same states.
test('a lesson walked by taps alone equals the same lesson walked by clicks', async () => {
  const walk = async (how) => {
    const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 1366, height: 768, hasTouch: how === 'tap' });
    const press = async (name) => {
      const at = await target(page, name);
      if (how === 'tap') await page.touchscreen.tap(...at); else await page.mouse.click(...at);
      await frames(page, 4);
    };
    await page.goto(`${ctx.url}#lesson=five-steps&page=1`);
    await page.waitForFunction(() => window.attnlab.getState().lesson?.page === 1);
    await frames(page, 3);
    const seen = [];
    await press('lesson.next');                 // page 2: whose key matches "it" best?
    await press('lesson.choice.animal');        // the learner's answer
    await press('lesson.reveal');
    seen.push(await state(page));
    await press('lesson.next');                 // page 3: by what is every score multiplied?
    await press('lesson.next');                 // (its answer revealed)
    await press('lesson.next');                 // page 4
    seen.push(await state(page));
    await press('lesson.back');
    seen.push(await state(page));
    assert.deepEqual(errors, []);
    await page.close();
    return seen;
  };
  const taps = await walk('tap'), clicks = await walk('click');
  assert.deepEqual(taps, clicks);
  assert.deepEqual(taps[0].lesson, { id: 'five-steps', page: 2, answer: 'animal', revealed: true });
  assert.equal(taps[1].lesson.page, 4);
  assert.equal(taps[2].lesson.page, 3);
});

test('a reveal shows its answer: the step goes to the row, computed; feedback and Reveal in sight at 1280×720', async () => {
  for (const [width, height] of [[1280, 720], [1366, 768]]) {
    const { page, errors } = await openApp(ctx.browser, ctx.url, { width, height });
    await page.goto(`${ctx.url}#lesson=five-steps&page=5`);  // "Which key gets the largest weight in the row of “it”?"
    await page.waitForFunction(() => window.attnlab.getState().lesson?.page === 5);
    await frames(page, 4);
    let l = await layout(page);
    const lesson = l.windows.find((w) => w.name === 'Lesson');
    const reveal = l.targets['lesson.reveal'];
    assert.ok(reveal && reveal.y + reveal.h <= lesson.y + lesson.h, `Reveal in sight at ${width}×${height}`);
    await page.mouse.click(...centre(reveal));
    await frames(page, 4);
    const st = await state(page);
    assert.equal(st.lesson.revealed, true);
    assert.equal(st.step.stage, 'softmax');
    assert.equal(st.step.query, 7);            // the row of "it", computed to its end
    assert.equal(st.step.key, st.problem.tokens.length - 1);
    l = await layout(page);
    const a = l.heatmaps.find((h) => h.name === 'a');
    assert.ok(a && a.first_row <= 7 && a.last_row >= 7, 'the row of "it" is on screen');
    assert.deepEqual(l.problems, []);
    await screenshot(page, `web-lesson-revealed-${width}x${height}.png`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a typed answer: Enter hands it in, and PageDown turns the page again', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url);
  await page.goto(`${ctx.url}#lesson=five-steps&page=6`);  // "What do the weights in the row of “it” add up to?"
  await page.waitForFunction(() => window.attnlab.getState().lesson?.page === 6);
  await frames(page, 3);
  await page.mouse.click(...(await target(page, 'lesson.answer')));
  await frames(page, 2);
  await page.keyboard.type('1');
  await page.keyboard.press('Enter');
  await frames(page, 4);
  let st = await state(page);
  assert.equal(st.lesson.answer, '1');
  assert.equal(st.lesson.revealed, true);
  await page.keyboard.press('PageDown');
  await frames(page, 4);
  st = await state(page);
  assert.equal(st.lesson.page, 7);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the way in: a first visit offers where to start, and Start opens the five steps', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { firstVisit: true });
  await frames(page, 4);
  const l = await layout(page);
  assert.ok(l.targets['welcome.start'] && l.targets['welcome.teach'] && l.targets['welcome.explore'], 'three ways in');
  await screenshot(page, 'web-welcome.png');
  await page.mouse.click(...centre(l.targets['welcome.start']));
  await frames(page, 4);
  const st = await state(page);
  assert.equal(st.lesson.id, 'five-steps');
  assert.equal(st.lesson.page, 1);
  // a visit after the first: no welcome
  await page.reload();
  await page.evaluate(() => window.attnlab.ready.then(() => true));
  await frames(page, 4);
  assert.equal((await layout(page)).targets['welcome.start'], undefined);
  // the lessons in teaching order
  assert.deepEqual((await page.evaluate(() => window.attnlab.lessons())).map((x) => x.id),
                   ['five-steps', 'why-sqrt-dk', 'masks', 'positions', 'real-model-heads', 'long-sequences', 'interview-drill']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('clipboard: Ctrl+V pastes the system clipboard into the sentence; copying a formula reaches it', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { permissions: ['clipboard-read', 'clipboard-write'] });
  await set(page, { inputs: { scenario: 'coreference' } });
  await frames(page, 3);
  await page.mouse.click(...(await target(page, 'narration.copy_formula')));
  await frames(page, 3);
  const copied = await page.evaluate(() => window.attnlab.copied);
  assert.match(copied, /^s₇,₁ = q₇·k₁ = animate \(9\.00\)\(1\.00\)/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), copied);  // (the system's clipboard)
  // paste: another text on the system clipboard; the sentence field, select all, Ctrl+V
  await page.evaluate(() => navigator.clipboard.writeText('The cat sat because it was tired'));
  await page.mouse.click(...(await target(page, 'input.sentence')));
  await frames(page, 3);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await frames(page, 4);
  const st = await state(page);
  assert.equal(st.inputs.sentence, 'The cat sat because it was tired');
  // editing the scenario's sentence kept its story: "it" keeps its designed query, and Ctrl+Z puts it back
  assert.equal(st.inputs.scenario, 'coreference');
  const narration = (await layout(page)).windows.find((w) => w.name === 'What this step does');
  await page.mouse.click(narration.x + narration.w - 20, narration.y + narration.h - 10);  // (leaves the field)
  await frames(page, 3);
  await page.keyboard.press('Control+Z');
  await frames(page, 4);
  assert.equal((await state(page)).inputs.sentence, "The animal didn't cross the street because it was too tired");
  assert.deepEqual(errors, []);
  await page.close();
});

test('the on-screen keyboard: after a tap on a text field, the page\'s field takes the typing', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 820, height: 1180, hasTouch: true, isMobile: true });
  await set(page, { inputs: { sentence: 'hello' } });
  await frames(page, 3);
  await page.touchscreen.tap(...(await target(page, 'step.input_drawer')));  // (a tablet: the input panel's drawer)
  await frames(page, 4);
  await screenshot(page, 'web-tablet-drawer.png');
  await page.touchscreen.tap(...(await target(page, 'input.sentence')));
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'keys', null, { timeout: 5000 });
  await page.keyboard.press('End');
  await page.keyboard.type(' world');
  await frames(page, 4);
  assert.equal((await state(page)).inputs.sentence, 'hello world');
  await screenshot(page, 'web-tablet-typing.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a phone (390×844): the stage\'s maps one at a time, with their numbers; the input panel in its drawer', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 390, height: 844, hasTouch: true, isMobile: true, deviceScaleFactor: 3 });
  await set(page, { inputs: { scenario: 'coreference' } });
  await frames(page, 4);
  let l = await layout(page);
  assert.equal(l.heatmaps.length, 1, 'one map at a time');
  assert.equal(l.heatmaps[0].values_shown, true);
  assert.ok(l.targets['step.input_drawer'], 'the ☰ button');
  assert.deepEqual(l.problems, []);
  await screenshot(page, 'web-phone-step.png');
  await page.touchscreen.tap(...(await target(page, 'step.input_drawer')));
  await frames(page, 4);
  l = await layout(page);
  assert.ok(l.targets['input.sentence'], 'the drawer shows the input panel');
  await screenshot(page, 'web-phone-drawer.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the mouse wheel scrolls a tall view and logs nothing (no passive-listener errors)', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url, { width: 1366, height: 600 });
  const logged = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') logged.push(m.text()); });
  await set(page, { view: { panel: 'variants', variants: { section: 'heads' } } });
  await frames(page, 3);
  await page.mouse.move(800, 400);
  for (let k = 0; k < 3; k++) { await page.mouse.wheel(0, 100); await frames(page, 2); }
  const main = (await layout(page)).windows.find((w) => w.name === 'Main');
  assert.ok(main.scroll_y > 0, `scrolled ${main.scroll_y}`);
  assert.deepEqual(logged.filter((t) => !/GL Driver/.test(t)), []);
  assert.deepEqual(errors, []);
  await page.close();
});
