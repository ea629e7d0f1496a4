// The other engines a school has (issue 24): Firefox ESR (WebDriver BiDi through puppeteer-core) and WebKitGTK
// (Safari's engine: WebKitWebDriver + MiniBrowser, plain W3C WebDriver over HTTP), both headful under Xvfb with
// Mesa's software GL (headless Firefox offers no WebGL2 here). In each: the app boots and draws, the keyboard
// steps, a lesson page's prediction is revealed with its answer, attnlab.run computes, the real model runs,
// WebGPU falls back to the CPU with a notice, and the threads message says the true reason. Versions are
// printed (build/logs/web.log).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { startServer, SHOTS } from './harness.mjs';

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

let server, url, xvfb, display;
const env = () => ({ ...process.env, DISPLAY: display, LIBGL_ALWAYS_SOFTWARE: '1' });
const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

before(async () => {
  ({ server, url } = await startServer());
  display = `:${100 + Math.floor(Math.random() * 100)}`;
  xvfb = spawn('Xvfb', [display, '-screen', '0', '1366x768x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
});
after(async () => {
  xvfb?.kill();
  server?.close();
});

// What every engine is asked, through `js(fn, ...args)` (runs fn in the page, awaits it, returns its value)
// and `keys(list)` (presses each key on the canvas; 'ArrowRight', 'PageDown', …).
async function exercise(name, js, keys, shot) {
  const ready = await js(async () => { await window.attnlab.ready; return true; });
  assert.equal(ready, true, `${name}: the app starts`);
  const cpu = await js(() => window.attnlab.cpu());
  // the threads message says the true reason: threads where they run, else what is missing
  if (cpu.build === 'threads') assert.ok(cpu.threads >= 1 && /threads? here/.test(cpu.says), `${name}: ${cpu.says}`);
  else if (cpu.missing === 'not_isolated') assert.match(cpu.says, /not cross-origin isolated/);
  else assert.match(cpu.says, /cross-origin isolated, but this browser/, `${name}: ${JSON.stringify(cpu)}`);
  console.log(`${name}: ${await js(() => navigator.userAgent)}; crossOriginIsolated=${await js(() => self.crossOriginIsolated)}; CPU build ${cpu.build} (${cpu.missing || `${cpu.threads} threads`})`);
  // keyboard steps
  await js(() => document.getElementById('canvas').focus());
  await js(() => window.attnlab.setState({ inputs: { scenario: 'coreference' }, step: { index: 3, granularity: 'cell', playing: false } }));
  await keys(['ArrowRight', 'ArrowRight']);
  await js(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await js(() => window.attnlab.getState().step.index), 5, `${name}: → steps`);
  // a lesson page with a prediction, revealed by the clicker's key
  await js(() => window.attnlab.setState({ lesson: { id: 'five-steps', page: 5 } }));
  await keys(['PageDown']);
  const revealed = await js(async () => {
    for (let k = 0; k < 100 && !window.attnlab.getState().lesson.revealed; k++) await new Promise((r) => setTimeout(r, 50));
    const st = window.attnlab.getState();
    return { revealed: st.lesson.revealed, stage: st.step.stage, query: st.step.query, spoken: document.getElementById('live').textContent };
  });
  assert.equal(revealed.revealed, true, `${name}: PageDown reveals`);
  assert.equal(revealed.stage, 'softmax');
  assert.equal(revealed.query, 7);
  assert.match(revealed.spoken, /animal/, `${name}: the answer is said`);
  await js(() => window.attnlab.setState({ lesson: null }));
  // attnlab.run: the three-token example's weights
  const w = await js(async () => (await window.attnlab.run({ q: [[1, 0], [0, 1], [1, 1]], k: [[1, 0], [0, 1], [1, 1]],
                                                             v: [[1, 0], [0, 1], [1, 1]] })).attention_weights[0][2]);
  const e = [1, 1, 2].map((x) => Math.exp(x / Math.SQRT2)), sum = e.reduce((a, b) => a + b);
  w.forEach((x, j) => assert.ok(Math.abs(x - e[j] / sum) < 1e-6, `${name}: run() row 2 col ${j}`));
  // the real model: its text through the bundled GPT-2, the step view on its head
  const model = await js(() => { window.attnlab.setState({ inputs: { source: 'model' } }); return window.attnlab.getState().inputs; });
  assert.equal(model.source, 'model');
  const tokens = await js(() => window.attnlab.result().attention_weights[0].length);
  assert.ok(tokens > 10, `${name}: the model's text has ${tokens} tokens`);
  // WebGPU absent or refused: the CPU computes, with a notice saying why
  const fallback = await js(async () => (await window.attnlab.run({ q: [[1]], k: [[1]], v: [[2]] }, { backend: 'webgpu' })).stats);
  if (fallback.backend !== 'webgpu') assert.match(fallback.notice, /WebGPU/, `${name}: ${JSON.stringify(fallback)}`);
  // (a few frames after the last change: a region's scrollbar follows its content one frame later)
  const layout = await js(async () => {
    for (let k = 0; k < 6; k++) await new Promise((r) => requestAnimationFrame(r));
    return window.attnlab.layout();
  });
  assert.deepEqual(layout.problems, [], `${name}: the layout fits`);
  await shot();
}

test('Firefox ESR (WebDriver BiDi, under Xvfb): boots, steps, reveals, runs, falls back', { timeout: 240_000 }, async () => {
  const version = execFileSync(FIREFOX, ['--version'], { env: env() }).toString().trim();
  console.log(`firefox: ${version}`);
  const browser = await puppeteer.launch({ browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX,
                                           headless: false, env: env(), defaultViewport: { width: 1366, height: 768 },
                                           args: ['--width=1366', '--height=768'],
                                           extraPrefsFirefox: { 'network.proxy.type': 0, 'app.update.enabled': false,
                                                                'browser.shell.checkDefaultBrowser': false } });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.evaluateOnNewDocument(() => { try { localStorage.setItem('attnlab.visited', '1'); } catch (e) { /* none */ } });
    await page.goto(url);
    const js = (fn, ...args) => page.evaluate(fn, ...args);
    const keys = async (list) => {
      for (const k of list) { await page.keyboard.press(k); await new Promise((r) => setTimeout(r, 150)); }
    };
    await exercise('firefox', js, keys, () => page.screenshot({ path: path.join(SHOTS, 'firefox-1366.png') }));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

// W3C WebDriver over HTTP, the little of it used here.
async function webdriver(base, method, route, body) {
  const res = await fetch(base + route, { method, headers: { 'Content-Type': 'application/json' },
                                          body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (json.value && json.value.error) throw new Error(`${route}: ${json.value.error}: ${json.value.message}`);
  return json.value;
}

test('WebKitGTK (WebKitWebDriver + MiniBrowser, under Xvfb): boots, steps, reveals, runs, falls back', { timeout: 240_000 }, async () => {
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { env: env(), stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let k = 0; k < 50; k++) {
      try { await fetch(`${base}/status`); break; } catch (e) { await new Promise((r) => setTimeout(r, 100)); }
    }
    const session = await webdriver(base, 'POST', '/session', { capabilities: { alwaysMatch: {
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } } });
    const id = session.sessionId;
    console.log(`webkitgtk: ${session.capabilities.browserName} ${session.capabilities.browserVersion}`);
    const s = `/session/${id}`;
    try {
      await webdriver(base, 'POST', `${s}/window/rect`, { width: 1366, height: 768 }).catch(() => {});
      await webdriver(base, 'POST', `${s}/url`, { url });
      await webdriver(base, 'POST', `${s}/execute/sync`, { script: "localStorage.setItem('attnlab.visited', '1')", args: [] });
      await webdriver(base, 'POST', `${s}/timeouts`, { script: 120_000 });
      // fn runs as an async script: its value (awaited) is the answer; errors come back as errors
      const js = (fn, ...args) => webdriver(base, 'POST', `${s}/execute/async`, {
        script: `const done = arguments[arguments.length - 1];
                 (async () => (${fn.toString()})(...Array.from(arguments).slice(0, -1)))()
                   .then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ error: String(e && e.message || e) }));`,
        args }).then((r) => { if (r && r.error) throw new Error(r.error); return r ? r.ok : r; });
      const KEYS = { ArrowRight: '\uE014', PageDown: '\uE00F' };
      const keys = async (list) => {  // (to the focused element: the canvas)
        for (const k of list) {
          await webdriver(base, 'POST', `${s}/actions`, { actions: [{ type: 'key', id: 'keys', actions: [
            { type: 'keyDown', value: KEYS[k] }, { type: 'keyUp', value: KEYS[k] }] }] });
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      const shot = async () => {
        const png = await webdriver(base, 'GET', `${s}/screenshot`);
        fs.mkdirSync(SHOTS, { recursive: true });
        fs.writeFileSync(path.join(SHOTS, 'webkitgtk-1366.png'), Buffer.from(png, 'base64'));
      };
      await exercise('webkitgtk', js, keys, shot);
    } finally {
      await webdriver(base, 'DELETE', s).catch(() => {});
    }
  } finally {
    driver.kill();
  }
});
