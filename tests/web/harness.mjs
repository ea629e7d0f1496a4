// Shared set-up for the browser tests and the screenshot script: serve build/web/site on 127.0.0.1,
// launch Debian's Chromium (headless, WebGPU on SwiftShader), open the app, record console errors and any
// request that tries to leave 127.0.0.1.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SITE = path.join(ROOT, 'build/web/site');
export const SHOTS = path.join(ROOT, 'build/screenshots');
export const CLI = path.join(ROOT, 'build/native/attnlab-cli');

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-default-apps', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader',
];

export async function startServer() {
  if (!fs.existsSync(path.join(SITE, 'app.wasm'))) throw new Error(`${SITE}/app.wasm missing: run ./build_wasm.sh`);
  const server = await serve(SITE, 0);
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// Opens the app in a new page. Returns {page, errors, external}: console errors and page errors, and
// URLs of requests that tried to leave 127.0.0.1 (they are aborted).
// serviceWorkers: 'block' keeps the app's offline worker out (a page that routes its own files needs it).
// isolated: false serves the site as a static host without COOP/COEP headers would (not cross-origin isolated:
// the single-thread build runs).
// firstVisit: the page's storage is empty, as on a first visit (the app opens with "where to start"); by default
// it says the app was visited before.
// Other options reach browser.newPage (deviceScaleFactor, hasTouch, isMobile).
export async function openApp(browser, url, { width = 1366, height = 768, initScript, waitReady = true, serviceWorkers = 'allow',
                                               isolated = true, firstVisit = false, ...pageOptions } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, serviceWorkers, ...pageOptions });
  if (!firstVisit) await page.addInitScript(() => { try { localStorage.setItem('attnlab.visited', '1'); } catch (e) { /* none */ } });
  const errors = [];
  const external = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    if (u.hostname === '127.0.0.1') {
      if (isolated) return route.continue();
      const response = await route.fetch();
      const headers = response.headers();
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      return route.fulfill({ response, headers });
    }
    external.push(u.href);
    return route.abort();
  });
  if (initScript) await page.addInitScript(initScript);
  await page.goto(url);
  if (waitReady) await page.evaluate(() => window.attnlab.ready.then(() => true));
  return { page, errors, external };
}

// The usual set-up of a test file: server + browser + the app open in one page. Returns an object whose fields
// (server, url, browser, app = {page, errors, external}) are filled before the file's tests run, and which
// closes everything after them. Call at the top level of a test file.
export function useApp(hooks) {
  let done;
  const ctx = { ready: new Promise((resolve) => { done = resolve; }) };  // a file's own hooks may await it
  hooks.before(async () => {
    Object.assign(ctx, await startServer());
    ctx.browser = await launch();
    ctx.app = await openApp(ctx.browser, ctx.url);
    done();
  });
  hooks.after(async () => {
    await ctx.browser?.close();
    ctx.server?.close();
  });
  return ctx;
}

// A server and a browser for a test file that opens its own pages (sizes, pixel ratios, touch): returns an
// object whose {server, url, browser} are filled before the file's tests run and closed after them.
export function useBrowser(hooks) {
  const ctx = {};
  hooks.before(async () => {
    Object.assign(ctx, await startServer());
    ctx.browser = await launch();
  });
  hooks.after(async () => {
    await ctx.browser?.close();
    ctx.server?.close();
  });
  return ctx;
}

// Waits for n more frames to be drawn (so a state change is on screen before a screenshot).
export async function frames(page, n = 3) {
  await page.evaluate((count) => new Promise((resolve) => {
    let left = count;
    const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);
}

export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file });
  return file;
}
