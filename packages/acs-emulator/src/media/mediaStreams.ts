// Opens and closes a call's media streaming and transcription sockets; failures become the
// MediaStreamingFailed / TranscriptionFailed callbacks.
import type { Call } from '../callAutomation/call';
import { startAudioStream, startTranscriptionStream, type StreamSettings } from './mediaStreamer';

export class MediaStreams {
  private readonly open = new Set<{ stop(): void }>();
  private closed = false;

  constructor(private readonly settings: StreamSettings) {}

  /** Closes every socket (emulator shutdown). */
  close(): void {
    this.closed = true;
    for (const stream of this.open) stream.stop();
    this.open.clear();
  }

  private track(stream: { stop(): void }): { stop(): void } {
    this.open.add(stream);
    return {
      stop: () => {
        stream.stop();
        this.open.delete(stream);
      },
    };
  }

  startAudio(call: Call, operationContext?: string): void {
    const state = call.mediaStreaming;
    if (!state || state.socket || this.closed) return;
    state.socket = this.track(
      startAudioStream(call, state.options, this.settings, (why) => {
        state.socket = undefined;
        state.active = false;
        call.emit('MediaStreamingFailed', {
          operationContext,
          mediaStreamingUpdate: {
            contentType: 'Audio',
            mediaStreamingStatus: 'mediaStreamingFailed',
            mediaStreamingStatusDetails: 'streamConnectionInterrupted',
          },
          resultInformation: {
            code: 500,
            subCode: 8581,
            message: `Media streaming failed: could not connect to the transport URL (${why}).`,
          },
        });
      }),
    );
    call.onEnd.push(() => this.stopAudio(call));
  }

  stopAudio(call: Call): void {
    call.mediaStreaming?.socket?.stop();
    if (call.mediaStreaming) call.mediaStreaming.socket = undefined;
  }

  startTranscription(call: Call, operationContext?: string): void {
    const state = call.transcription;
    if (!state || state.socket || this.closed) return;
    state.socket = this.track(
      startTranscriptionStream(call, state.options, this.settings, (why) => {
        state.socket = undefined;
        state.active = false;
        call.emit('TranscriptionFailed', {
          operationContext,
          transcriptionUpdate: {
            transcriptionStatus: 'transcriptionFailed',
            transcriptionStatusDetails: 'streamConnectionInterrupted',
          },
          resultInformation: {
            code: 500,
            subCode: 8581,
            message: `Transcription failed: could not connect to the transport URL (${why}).`,
          },
        });
      }),
    );
    call.onEnd.push(() => this.stopTranscription(call));
  }

  stopTranscription(call: Call): void {
    call.transcription?.socket?.stop();
    if (call.transcription) call.transcription.socket = undefined;
  }
}
