import { samplesOf } from '@switchboard/audio/pcm';
import { toolSpecs } from '@switchboard/bridge/agentTools';
import { LocalAgentEngine, type EngineDependencies } from './localAgentEngine';
import type {
  AgentConfig,
  ModelEvents,
  ModelSession,
  VoiceModelProvider,
} from '@switchboard/bridge/providers/voiceModel';

// The offline provider (the sandbox and tests): the local engine in process, no network.

/** Model audio goes to the bridge in chunks like a real model's deltas (100 ms each). */
const DELTA_BYTES = 4_800;

export class LocalProvider implements VoiceModelProvider {
  readonly name = 'local';

  constructor(private readonly deps: EngineDependencies) {}

  open(agent: AgentConfig, events: ModelEvents): Promise<ModelSession> {
    const engine = new LocalAgentEngine(
      { instructions: agent.instructions, tools: toolSpecs(agent) },
      {
        speechStarted: () => events.speechStarted(),
        speechStopped: () => undefined,
        heard: (text) => events.callerSaid(text),
        reply: (itemId, text, pcm) => {
          for (let at = 0; at < pcm.length; at += DELTA_BYTES) events.audio(pcm.subarray(at, at + DELTA_BYTES), itemId);
          events.audioDone(itemId);
          events.agentSaid(text);
        },
        toolCall: (callId, name, args) => events.toolCall({ callId, name, arguments: args }),
        failed: (error) => events.closed(error),
      },
      this.deps,
    );
    if (agent.greeting) engine.say(agent.greeting);
    return Promise.resolve({
      sampleRate: 24_000,
      appendAudio: (audio) => engine.appendAudio(samplesOf(Buffer.from(audio, 'base64'))),
      interrupt: () => engine.cancel(),
      toolResult: (_callId, output) => engine.toolResult(output),
      close: () => {
        engine.close();
        return Promise.resolve();
      },
    });
  }
}
