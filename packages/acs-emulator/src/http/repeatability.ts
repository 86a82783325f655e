// Repeatability-Request-ID: a repeated request (same id, method and path) gets the first answer again and
// does not act twice. Concurrent duplicates wait for the first one.
import type { Reply } from './router';

const KEEP_MS = 10 * 60 * 1000;

export class RepeatabilityCache {
  private readonly replies = new Map<string, { at: number; reply: Promise<Reply> }>();

  async run(key: string | undefined, act: () => Promise<Reply>): Promise<{ reply: Reply; repeated: boolean }> {
    if (!key) return { reply: await act(), repeated: false };
    this.prune();
    const known = this.replies.get(key);
    if (known) return { reply: await known.reply, repeated: true };
    const reply = act();
    this.replies.set(key, { at: Date.now(), reply });
    try {
      const result = await reply;
      // Failures are not remembered: the client may fix the request and retry with the same id.
      if (result.status >= 400) this.replies.delete(key);
      return { reply: result, repeated: false };
    } catch (err) {
      this.replies.delete(key);
      throw err;
    }
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [key, value] of this.replies) {
      if (value.at < cutoff) this.replies.delete(key);
      else break;
    }
  }
}
