// Wire shapes of the Azure AI Language (Text Analytics v3.1, analyze-text and analyze-conversations jobs)
// and Speech fast transcription REST APIs, as far as the fake speaks them. Logic lives in the server.

export interface TextDocument {
  id: string;
  text: string;
  language?: string;
  countryHint?: string;
}

/** Documents per request the real service accepts (Language service data limits). */
export const MAX_DOCUMENTS: Record<string, number> = {
  sentiment: 10,
  keyPhrases: 10,
  languages: 1000,
  'entities/recognition/pii': 5,
  'entities/recognition/general': 5,
  'entities/linking': 5,
};
/** Characters per document for synchronous requests. */
export const MAX_DOCUMENT_CHARS = 5120;
/** Documents per analyze-text job; conversations per analyze-conversations job (summarization). */
export const MAX_JOB_DOCUMENTS = 25;
export const MAX_JOB_CONVERSATIONS = 1;

export interface ServiceError {
  code: string;
  message: string;
  target?: string;
  innererror?: { code: string; message: string };
}

export interface ConversationItem {
  id: string;
  participantId: string;
  role?: string;
  text: string;
}

export interface AnalyzeConversationsJobRequest {
  displayName?: string;
  analysisInput: {
    conversations: Array<{
      id: string;
      language: string;
      modality: string;
      domain?: string;
      conversationItems: ConversationItem[];
    }>;
  };
  tasks: Array<{ taskName?: string; kind: string; parameters?: { summaryAspects?: string[]; modelVersion?: string } }>;
}

export interface AnalyzeTextJobRequest {
  displayName?: string;
  analysisInput: { documents: TextDocument[] };
  tasks: Array<{ taskName?: string; kind: string; parameters?: { sentenceCount?: number; sortBy?: string } }>;
}

export interface FastTranscriptionPhrase {
  channel?: number;
  speaker?: number;
  offsetMilliseconds: number;
  durationMilliseconds: number;
  text: string;
  locale?: string;
  confidence?: number;
  words?: Array<{ text: string; offsetMilliseconds: number; durationMilliseconds: number }>;
}

export interface FastTranscriptionResponse {
  durationMilliseconds: number;
  combinedPhrases: Array<{ channel?: number; text: string }>;
  phrases: FastTranscriptionPhrase[];
}
