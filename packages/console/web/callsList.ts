// Calls in progress and ended: who called which line, the flow, where it is or how it ended, how long.
import type { ConsoleCall } from './api';
import { numberOf } from './api';
import { html } from './html';

export function duration(call: ConsoleCall, now: number): string {
  const end = call.endedAt ? Date.parse(call.endedAt) : call.state === 'disconnected' ? undefined : now;
  if (end === undefined) return '';
  const seconds = Math.max(0, Math.round((end - Date.parse(call.createdAt)) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function outcome(call: ConsoleCall): string {
  if (call.app?.outcome) return call.app.outcome;
  if (call.state !== 'disconnected') return call.app?.currentStep ? `at ${call.app.currentStep}` : call.state;
  return call.app?.state === 'Running' ? 'ending' : 'ended';
}

export function CallsList(props: {
  calls: ConsoleCall[];
  selected?: string;
  now: number;
  onSelect: (serverCallId: string) => void;
}) {
  return html`
    <section class="pane calls" aria-labelledby="calls-title">
      <h2 id="calls-title">Calls</h2>
      ${
        props.calls.length === 0
          ? html`<p>No calls yet. Dial a line with the softphone.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Caller → line</th>
                  <th>Flow</th>
                  <th>State / outcome</th>
                  <th>Path</th>
                  <th>Time</th>
                </tr>
              </thead>
              <tbody>
                ${props.calls.map(
                  (c) =>
                    html`<tr
                      key=${c.serverCallId}
                      class=${`${c.serverCallId === props.selected ? 'selected' : ''} ${c.state === 'disconnected' ? 'ended' : 'live'}`}
                      data-call-id=${c.callId}
                      aria-selected=${c.serverCallId === props.selected}
                    >
                      <td>
                        <button type="button" class="link" onClick=${() => props.onSelect(c.serverCallId)}>
                          ${
                            c.direction === 'outbound'
                              ? `app → ${numberOf(c.callee.rawId)}`
                              : `${numberOf(c.caller.rawId)} → ${numberOf(c.callee.rawId)}`
                          }
                        </button>
                      </td>
                      <td>${c.flow ?? ''}</td>
                      <td class="outcome">${outcome(c)}</td>
                      <td class="path">${(c.app?.history ?? []).join(' › ')}</td>
                      <td>${duration(c, props.now)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
  `;
}
