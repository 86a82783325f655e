import { synthesize } from '@switchboard/audio/speechSynthesizer';
import { PocketsphinxSpeechToText } from '../speech/pocketsphinxSpeechToText';
import { LocalProvider } from './localProvider';

/** The offline voice agent the bridge loads for VOICE_AGENT_PROVIDER=local. */
export function createLocalProvider(): LocalProvider {
  return new LocalProvider({ stt: new PocketsphinxSpeechToText(), synthesize: (text) => synthesize(text, 'slt') });
}
