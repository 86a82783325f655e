import { speechSynthesizerStatus } from '@switchboard/audio/speechSynthesizer';
import { localSpeechToTextStatus } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';

// What `npm start` checks before it says the sandbox is up: the offline speech the voice agent and the
// transcription of recordings need. Each problem is one line that says what is missing and how to fix it;
// start.ts prints them and the console shows them.

export interface SpeechChecks {
  speechToText(): Promise<{ available: boolean; reason?: string }>;
  textToSpeech(): Promise<{ available: boolean; reason?: string }>;
}

const installed: SpeechChecks = {
  speechToText: () => localSpeechToTextStatus(),
  textToSpeech: speechSynthesizerStatus,
};

export async function offlineSpeechProblems(checks: SpeechChecks = installed): Promise<string[]> {
  const results = await Promise.all([checks.speechToText(), checks.textToSpeech()]);
  return results.filter((r) => !r.available).map((r) => r.reason ?? 'An offline speech capability is unavailable.');
}
