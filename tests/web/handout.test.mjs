// Handouts in the browser (issue 11): the Handout menu's files come as downloads and hold the numbers on
// screen — the CSV's weights equal attnlab.result()'s, a matrix and the whole view are PNG pictures of the
// right size, the LaTeX writes the step's arithmetic; a bad request is refused by name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp, frames, SHOTS } from './harness.mjs';

const ctx = useApp({ before, after });

const text = (bytes) => new TextDecoder().decode(new Uint8Array(Object.values(bytes)));
// Width and height from a PNG's IHDR chunk.
const pngSize = (b) => ({ w: (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19], h: (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23] });

test('handouts: CSV equals the result on screen, pictures are PNGs, LaTeX holds the step', async () => {
  const { page, errors } = ctx.app;
  await page.evaluate(() => window.attnlab.setState({ inputs: { scenario: 'coreference' },
                                                      step: { stage: 'scores', query: 7, key: 1, phase: 'cell' } }));
  await frames(page, 3);
  const [download, csv] = await Promise.all([page.waitForEvent('download'),
                                             page.evaluate(() => window.attnlab.handout('csv'))]);
  assert.equal(download.suggestedFilename(), 'attention-coreference-numbers.csv');
  assert.equal(csv.name, 'attention-coreference-numbers.csv');
  const lines = text(csv.bytes).split('\n');
  const at = lines.findIndex((l) => l.startsWith('# weights a = softmax(m) (11×11)'));
  assert.ok(at >= 0, lines.slice(0, 5).join('\n'));
  const shown = await page.evaluate(() => window.attnlab.result().attention_weights[0]);
  for (let i = 0; i < 11; i++) {
    const cells = lines[at + 2 + i].split(',');
    cells.slice(1).forEach((x, j) => assert.ok(Math.abs(Number(x) - shown[i][j]) < 1e-9, `${i},${j}: ${x} vs ${shown[i][j]}`));
  }
  const names = await page.evaluate(() => window.attnlab.handoutMatrices());
  const w = names.findIndex((n) => n.startsWith('weights'));
  const png = await page.evaluate((m) => window.attnlab.handout('matrix_png', { matrix: m }), w);
  const bytes = Object.values(png.bytes);
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(path.join(SHOTS, 'handout-weights.png'), Buffer.from(bytes));  // (to look at)
  assert.deepEqual(bytes.slice(1, 4), [80, 78, 71]);  // "PNG"
  assert.ok(pngSize(bytes).w > 11 * 48);
  const view = await page.evaluate(() => window.attnlab.handout('view_png'));
  assert.deepEqual(pngSize(Object.values(view.bytes)), { w: 1366, h: 768 });
  const latex = text((await page.evaluate(() => window.attnlab.handout('latex_step'))).bytes);
  assert.match(latex, /s_\{7,1\} = q_\{7\}\\cdot k_\{1\}/);
  const err = await page.evaluate(() => window.attnlab.handout('pdf').then(() => '', (e) => e.message));
  assert.match(err, /kind: unknown "pdf" \(known: view_png, matrix_png, csv, json, latex_step, latex_row\)/);
  const far = await page.evaluate(() => window.attnlab.handout('matrix_png', { matrix: 99 }).then(() => '', (e) => e.message));
  assert.match(far, /handout\.matrix: expected 0…/);
  assert.deepEqual(errors, []);
});
