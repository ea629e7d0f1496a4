// Screenshots of the web app for looking at the UI (the tests save their own too).
//   node tests/web/screenshot.mjs [out.png] [--state state.json] [--width 1366 --height 768] [--scale 2]
//   node tests/web/screenshot.mjs --all [--source model] [--language es]   every view and Variants part at the
//   classroom sizes (in that language: build/screenshots/views-es/…)
// Serves build/web/site on a free 127.0.0.1 port, applies the state (if any), waits a few frames, saves, and
// prints what attnlab.layout() says does not fit. --all writes build/screenshots/views/<w>x<h>/<view>.png.
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openApp, frames, SHOTS } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const out = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) || path.join(SHOTS, 'web.png');
// The classroom sizes (README "Projector"): a small projector, a laptop, a projector, a 4K screen.
const SIZES = [[1280, 720, 1.5], [1366, 768, 1], [1920, 1080, 2], [3840, 2160, 3]];
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
    const { page } = await openApp(browser, url);
    if (opt('--source') === 'model') await page.evaluate(() => window.attnlab.setState({ inputs: { source: 'model' } }));
    const language = opt('--language', 'en');
    const dir = language === 'en' ? 'views' : `views-${language}`;
    for (const [width, height, scale] of SIZES) {
      await page.setViewportSize({ width, height });
      for (const v of VIEWS) {
        const [panel, section] = v.split('/');
        const view = { panel, ui_scale: scale, language, ...(section ? { variants: { section } } : {}) };
        await shoot(page, path.join(SHOTS, dir, `${width}x${height}`, `${v.replace('/', '-')}.png`), { view });
      }
    }
  } else {
    const { page, errors } = await openApp(browser, url, { width: Number(opt('--width', 1366)), height: Number(opt('--height', 768)) });
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
