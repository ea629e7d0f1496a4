// Screenshots of the web app for looking at the UI (the tests save their own too).
//   node tests/web/screenshot.mjs [out.png] [--state state.json] [--width 1366 --height 768]
// Serves build/web/site on a free 127.0.0.1 port, applies the state (if any), waits a few frames, saves.
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openApp, frames, SHOTS } from './harness.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const out = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) || path.join(SHOTS, 'web.png');
const { server, url } = await startServer();
const browser = await launch();
try {
  const { page, errors } = await openApp(browser, url, { width: Number(opt('--width', 1366)), height: Number(opt('--height', 768)) });
  const stateFile = opt('--state');
  if (stateFile) await page.evaluate((s) => window.attnlab.setState(s), JSON.parse(fs.readFileSync(stateFile, 'utf8')));
  await frames(page, 5);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}${errors.length ? `; console errors: ${errors.join(' | ')}` : ''}`);
} finally {
  await browser.close();
  server.close();
}
