import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCAL_TTS_UNAVAILABLE, speechSynthesizerStatus } from '@switchboard/audio/speechSynthesizer';
import { LOCAL_STT_UNAVAILABLE, localSpeechToTextStatus } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { offlineSpeechProblems } from '@switchboard/sandbox/offlineSpeechProblems';

// What `npm start` prints (and the console shows) when offline speech is missing: one line each, with the fix.

describe('the offline speech check at start-up', () => {
  it('names each missing capability in one line that says how to fix it', async () => {
    const problems = await offlineSpeechProblems({
      speechToText: () => Promise.resolve({ available: false, reason: LOCAL_STT_UNAVAILABLE }),
      textToSpeech: () => Promise.resolve({ available: false, reason: LOCAL_TTS_UNAVAILABLE }),
    });
    assert.deepEqual(problems, [LOCAL_STT_UNAVAILABLE, LOCAL_TTS_UNAVAILABLE]);
    for (const line of problems) {
      assert.ok(!line.includes('\n'), line);
      assert.match(line, /Run `npm install`/);
    }
  });

  it('finds nothing missing after npm install, with no Debian speech package needed', async () => {
    assert.deepEqual(await offlineSpeechProblems(), []);
    // The npm packages alone: Debian's recogniser is looked up under a name that is never installed.
    const npmOnly = await offlineSpeechProblems({
      speechToText: () => localSpeechToTextStatus({ command: 'debian-pocketsphinx-not-installed' }),
      textToSpeech: speechSynthesizerStatus,
    });
    assert.deepEqual(npmOnly, []);
  });
});
