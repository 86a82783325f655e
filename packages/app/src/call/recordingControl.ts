import type { CallAutomationClient } from '@azure/communication-call-automation';
import { RestError } from '@azure/core-rest-pipeline';
import { z } from 'zod';
import { NotFoundError, RemoteServiceError, ValidationError } from '@switchboard/core/errors';

/** POST /api/recordings */
export const startRecordingBody = z.strictObject({
  serverCallId: z.string().min(1),
  format: z.enum(['wav', 'mp3']).optional(),
  channel: z.enum(['mixed', 'unmixed']).optional(),
});

export type RecordingAction = 'pause' | 'resume' | 'stop' | 'state';

/**
 * Out-of-call recording control by serverCallId and recordingId, for server-side business logic (a
 * compliance rule, a supervisor's console) rather than a flow step.
 */
export class RecordingControl {
  constructor(private readonly client: CallAutomationClient) {}

  async start(
    serverCallId: string,
    options: { format?: 'wav' | 'mp3'; channel?: 'mixed' | 'unmixed' } = {},
  ): Promise<{ recordingId: string; state: string }> {
    if (!serverCallId.trim()) throw new ValidationError('serverCallId is required to start a recording.');
    const result = await this.acs(() =>
      this.client.getCallRecording().start({
        callLocator: { id: serverCallId, kind: 'serverCallLocator' },
        recordingFormat: options.format ?? 'wav',
        recordingChannel: options.channel ?? 'mixed',
        recordingContent: 'audio',
      }),
    );
    return { recordingId: result.recordingId, state: result.recordingState };
  }

  async act(recordingId: string, action: RecordingAction): Promise<{ recordingId: string; state: string }> {
    const recording = this.client.getCallRecording();
    if (action === 'pause') await this.acs(() => recording.pause(recordingId));
    if (action === 'resume') await this.acs(() => recording.resume(recordingId));
    if (action === 'stop') {
      await this.acs(() => recording.stop(recordingId));
      return { recordingId, state: 'stopped' };
    }
    const state = await this.acs(() => recording.getState(recordingId));
    return { recordingId, state: state.recordingState };
  }

  private async acs<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404)
        throw new NotFoundError('No such call or recording in ACS.');
      if (error instanceof RestError && error.statusCode && error.statusCode < 500)
        throw new ValidationError(`ACS refused: ${error.message}`);
      throw new RemoteServiceError(`ACS recording request failed: ${(error as Error).message}`, {
        retryable: true,
        cause: error,
      });
    }
  }
}
