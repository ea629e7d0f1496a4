// Screenshots of the web app for looking at the UI (the tests save their own too).
//   node tests/web/screenshot.mjs [out.png] [--state state.json] [--width 1366 --height 768] [--scale 2] [--dpr 2]
//   node tests/web/screenshot.mjs --all [--source model] [--language es]   every view and Variants part on every
//   screen a classroom has (in that language: build/screenshots/views-es/…)
// Serves build/web/site on a free 127.0.0.1 port, applies the state (if any), waits a few frames, saves, and
// prints what attnlab.layout() says does not fit. --all writes build/screenshots/views/<screen>/<view>.png.
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openApp, frames, SHOTS } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const out = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) || path.join(SHOTS, 'web.png');
// The screens a classroom has: a laptop; the projector preset (P) on a small projector, a 1080p one and a 4K
// screen; a HiDPI laptop (devicePixelRatio 2); a touch tablet held upright; a phone.
const projector = (w, h) => ({ projector: true, input_panel: false, high_contrast: true,
                               ui_scale: Math.min(3, Math.max(1, Math.floor(Math.min(w / 1024, h / 576) * 4) / 4)) });
const SCREENS = [
  { name: 'laptop-1366x768', width: 1366, height: 768 },
  { name: 'projector-1280x720', width: 1280, height: 720, view: projector(1280, 720) },
  { name: 'projector-1920x1080', width: 1920, height: 1080, view: projector(1920, 1080) },
  { name: 'projector-3840x2160', width: 3840, height: 2160, view: projector(3840, 2160) },
  { name: 'hidpi-1366x768@2', width: 1366, height: 768, deviceScaleFactor: 2 },
  { name: 'tablet-820x1180', width: 820, height: 1180, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
  { name: 'phone-390x844', width: 390, height: 844, deviceScaleFactor: 3, hasTouch: true, isMobile: true },
];
const VIEWS = ['step', 'model', 'variants/compare', 'variants/masks', 'variants/heads', 'variants/linear',
               'variants/flash', 'variants/positions', 'tokens', 'distribution', 'scaling', 'numerics', 'edit', 'performance', 'overview'];

const { server, url } = await startServer();
const browser = await launch();
let problems = 0;
async function shoot(page, file, state) {
  if (state) await page.evaluate((s) => window.attnlab.setState(s), state);
  await frames(page, 5);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  const layout = await page.evaluate(() => window.attnlab.layout());
  problems += layout.problems.length;
  console.log(`wrote ${file}${layout.problems.map((p) => `\n  does not fit: ${p}`).join('')}`);
}
try {
  if (args.includes('--all')) {
    const language = opt('--language', 'en');
    const dir = language === 'en' ? 'views' : `views-${language}`;
    for (const screen of SCREENS) {
      const { name, view: preset = {}, ...page_options } = screen;
      const { page } = await openApp(browser, url, page_options);
      if (opt('--source') === 'model') await page.evaluate(() => window.attnlab.setState({ inputs: { source: 'model' } }));
      for (const v of VIEWS) {
        const [panel, section] = v.split('/');
        const view = { ui_scale: 1, ...preset, panel, language, ...(section ? { variants: { section } } : {}) };
        await shoot(page, path.join(SHOTS, dir, name, `${v.replace('/', '-')}.png`), { view });
      }
      await page.close();
    }
  } else {
    const { page, errors } = await openApp(browser, url, { width: Number(opt('--width', 1366)), height: Number(opt('--height', 768)),
                                                           deviceScaleFactor: Number(opt('--dpr', 1)) });
    const stateFile = opt('--state');
    const state = stateFile ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
    if (opt('--scale')) state.view = { ...(state.view || {}), ui_scale: Number(opt('--scale')) };
    await shoot(page, out, Object.keys(state).length ? state : null);
    if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
  }
  console.log(`${problems} layout problems`);
} finally {
  await browser.close();
  server.close();
}
