// Recordings by id and by document id (the content URL's key).
import { acsErrors } from '../errors';
import type { Recording } from './recording';

export class RecordingStore {
  private readonly byId = new Map<string, Recording>();
  private readonly byDocument = new Map<string, Recording>();

  add(recording: Recording): void {
    this.byId.set(recording.recordingId, recording);
    this.byDocument.set(recording.documentId, recording);
  }

  get(recordingId: string): Recording {
    const recording = this.byId.get(recordingId);
    if (!recording || recording.stopped) throw acsErrors.recordingNotFound();
    return recording;
  }

  document(documentId: string): Recording {
    const recording = this.byDocument.get(documentId);
    if (!recording || !recording.file || recording.deleted) throw acsErrors.recordingNotFound();
    return recording;
  }
}
