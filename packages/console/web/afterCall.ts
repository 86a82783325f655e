// After the call: the recording (playable), the transcript and the redacted summary, from blob storage.
import { useEffect, useState } from 'preact/hooks';
import { api, type Artifacts, type ConsoleCall } from './api';
import { html } from './html';

export function AfterCall(props: { call?: ConsoleCall; refresh: number }) {
  const [artifacts, setArtifacts] = useState<Artifacts | undefined>();
  const callId = props.call?.callId;
  useEffect(() => {
    let current = true;
    if (!callId) return;
    api
      .artifacts(callId)
      .then((a) => current && setArtifacts(a))
      .catch(() => current && setArtifacts(undefined));
    return () => {
      current = false;
    };
  }, [callId, props.refresh]);
  if (!props.call)
    return html`<section class="pane after" aria-labelledby="after-title">
      <h2 id="after-title">After the call</h2>
      <p>Pick a call.</p>
    </section>`;
  const a = artifacts?.callId === callId ? artifacts : undefined;
  const summary = a?.summary as
    { summary?: Record<string, unknown>; sentiment?: unknown; keyPhrases?: string[]; language?: string } | undefined;
  return html`
    <section class="pane after" aria-labelledby="after-title">
      <h2 id="after-title">After the call</h2>
      <h3>Recording</h3>
      ${
        a?.recordings.length
          ? a.recordings.map(
              (r) =>
                html`<audio
                  key=${r.name}
                  controls
                  preload="none"
                  src=${r.url}
                  aria-label=${`Recording ${r.name}`}
                ></audio>`,
            )
          : html`<p>No recording.</p>`
      }
      <h3>Transcript</h3>
      ${
        a?.transcript?.turns?.length
          ? html`<ol class="transcript">
              ${a.transcript.turns.map((t, i) => html`<li key=${i}><b>${t.role}</b> ${t.text}</li>`)}
            </ol>`
          : html`<p>No transcript (yet).</p>`
      }
      <h3>Summary (personal data redacted)</h3>
      ${
        summary
          ? html`<div class="summary">
              ${Object.entries(summary.summary ?? {}).map(
                ([k, v]) => html`<p key=${k}><b>${k}</b>: ${typeof v === 'string' ? v : JSON.stringify(v)}</p>`,
              )}
              <details>
                <summary>JSON</summary>
                <pre>${JSON.stringify(summary, null, 2)}</pre>
              </details>
            </div>`
          : html`<p>No summary (yet).</p>`
      }
    </section>
  `;
}
