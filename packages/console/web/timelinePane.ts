// The live timeline: every Event Grid delivery, Call Automation request, callback (and its delivery),
// world action, SMS and orchestration step, newest last, each expandable to its JSON; filtered by call and kind.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TimelineEntry } from './api';
import { html } from './html';

export const KINDS: Record<string, string> = {
  eventGrid: 'Event Grid',
  request: 'Request',
  callback: 'Callback',
  step: 'Flow step',
  world: 'Caller & world',
  message: 'Messages',
  delivery: 'Deliveries',
  error: 'Errors',
};

/** The filter group of an entry: deliveries are noisy, so they have their own switch. */
export function groupOf(entry: TimelineEntry): string {
  if (entry.kind === 'callbackDelivery' || entry.kind === 'eventGridDelivery') return 'delivery';
  if (entry.kind === 'world' && /^sms|^chat/.test(entry.type ?? '')) return 'message';
  if (entry.kind === 'eventGrid' && /SMS|Chat|AdvancedMessage/.test(entry.type ?? '')) return 'message';
  return entry.kind;
}

/** One line saying what happened. */
export function describeEntry(entry: TimelineEntry): string {
  const data = (entry.data ?? {}) as Record<string, unknown>;
  switch (entry.kind) {
    case 'request':
      return `${entry.operation ?? entry.path ?? ''} → ${entry.status ?? ''}`;
    case 'callback':
      return entry.type ?? 'callback';
    case 'callbackDelivery':
      return `${entry.type ?? ''} delivered → ${entry.status ?? entry.error ?? ''}`;
    case 'eventGrid':
      return (entry.type ?? '').replace('Microsoft.Communication.', '');
    case 'eventGridDelivery':
      return `attempt ${entry.attempt ?? 1} → ${entry.status ?? entry.error ?? ''}`;
    case 'step':
      return `step ${entry.type ?? ''}`;
    case 'world':
      if (entry.type === 'promptPlayed') return `prompt: “${typeof data.text === 'string' ? data.text : ''}”`;
      if (entry.type === 'microphoneOff')
        return `microphoneOff (${((Number(data.ms) || 0) / 1000).toFixed(1)} s spoken)`;
      if (typeof data.target === 'string') return `${entry.type ?? ''} ${data.target.replace(/^4:/, '')}`;
      return entry.type ?? 'world';
    case 'error':
      return entry.error ?? 'error';
    default:
      return entry.type ?? entry.kind;
  }
}

export function TimelinePane(props: { entries: TimelineEntry[]; selected?: { serverCallId: string; callId: string } }) {
  const [onlyCall, setOnlyCall] = useState(true);
  const [kinds, setKinds] = useState<Record<string, boolean>>(
    Object.fromEntries(Object.keys(KINDS).map((k) => [k, k !== 'delivery'])),
  );
  const [follow, setFollow] = useState(true);
  const list = useRef<HTMLOListElement>(null);
  const sel = props.selected;
  const shown = props.entries.filter(
    (e) =>
      kinds[groupOf(e)] !== false &&
      (!onlyCall || !sel || e.serverCallId === sel.serverCallId || e.callId === sel.callId),
  );
  useEffect(() => {
    if (follow && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [shown.length, follow]);
  return html`
    <section class="pane timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <div class="filters" role="group" aria-label="Timeline filters">
        <label
          ><input type="checkbox" checked=${onlyCall} onChange=${() => setOnlyCall(!onlyCall)} /> this call only</label
        >
        ${Object.entries(KINDS).map(
          ([kind, label]) => html`
            <label key=${kind}>
              <input
                type="checkbox"
                name=${`kind-${kind}`}
                checked=${kinds[kind]}
                onChange=${() => setKinds({ ...kinds, [kind]: !kinds[kind] })}
              />
              ${label}
            </label>
          `,
        )}
        <label><input type="checkbox" checked=${follow} onChange=${() => setFollow(!follow)} /> follow</label>
      </div>
      <ol class="entries" ref=${list} aria-live="polite" aria-label="Timeline entries">
        ${shown.slice(-500).map(
          (e) => html`
            <li
              key=${`${e.kind}-${e.seq}-${e.callId ?? ''}-${e.type ?? ''}`}
              class=${`entry kind-${groupOf(e)}`}
              data-kind=${e.kind}
              data-type=${e.type ?? e.operation ?? ''}
            >
              <details>
                <summary>
                  <time datetime=${e.time}>${e.time.slice(11, 23)}</time>
                  <span class="badge">${KINDS[groupOf(e)] ?? e.kind}</span>
                  <span class="what">${describeEntry(e)}</span>
                </summary>
                <pre>${JSON.stringify(e, null, 2)}</pre>
              </details>
            </li>
          `,
        )}
      </ol>
    </section>
  `;
}
