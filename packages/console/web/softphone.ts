// The softphone: dial a number the flows answer, press keys, say something (typed; the emulator speaks it
// into the call), stay silent, hang up. Also how the people the app transfers to answer.
import { useState } from 'preact/hooks';
import { api, numberOf, type AgentKind, type ConsoleCall, type FlowGraph, type TimelineEntry } from './api';
import { useCallAudio, useMicrophone } from './callAudio';
import { html } from './html';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Softphone(props: {
  flows: FlowGraph[];
  call?: ConsoleCall;
  onDialled: (serverCallId: string) => void;
  /** The app was asked to call out: the console follows that call once the emulator has it. */
  onCalledOut: (callId: string) => void;
  run: (what: string, action: () => Promise<unknown>) => Promise<void>;
  onError: (message: string) => void;
}) {
  const numbers = props.flows.flatMap((f) => f.numbers.map((n) => ({ number: n, flow: f.name })));
  const [from, setFrom] = useState('+14255550123');
  const [to, setTo] = useState(numbers[0]?.number ?? '');
  const [text, setText] = useState('');
  const [outFlow, setOutFlow] = useState<string | undefined>();
  const [outTo, setOutTo] = useState('+14255550188');
  const call = props.call;
  const flowToRun = outFlow ?? props.flows.find((f) => f.numbers.length === 0)?.name ?? props.flows[0]?.name ?? '';
  const callOut = (event: Event) => {
    event.preventDefault();
    void props.run('place the outbound call', async () =>
      props.onCalledOut((await api.placeOutbound(outTo, flowToRun)).callId),
    );
  };
  const live = call !== undefined && call.state !== 'disconnected';
  const id = call?.serverCallId ?? '';
  const audio = useCallAudio(call?.serverCallId, live);
  const mic = useMicrophone(call?.serverCallId, live, props.onError);

  const dial = (event: Event) => {
    event.preventDefault();
    void props.run('dial', async () => props.onDialled((await api.dial(from, to)).serverCallId));
  };
  const say = (event: Event) => {
    event.preventDefault();
    const words = text.trim();
    if (!words) return;
    void props.run('say', async () => {
      await api.say(id, words);
      setText('');
    });
  };
  return html`
    <section class="pane softphone" aria-labelledby="phone-title">
      <h2 id="phone-title">Softphone</h2>
      <form class="dial" onSubmit=${dial}>
        <label
          >From <input name="from" value=${from} onInput=${(e: Event) => setFrom((e.target as HTMLInputElement).value)}
        /></label>
        <label
          >To
          <input
            name="to"
            list="line-numbers"
            value=${to}
            onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)}
          />
        </label>
        <datalist id="line-numbers">
          ${numbers.map((n) => html`<option key=${n.number} value=${n.number}>${n.flow}</option>`)}
        </datalist>
        <button type="submit" class="call-button" disabled=${live}>Call</button>
      </form>
      <form class="outbound" onSubmit=${callOut} aria-label="Outbound call">
        <label
          >Or the app calls
          <input
            name="callee"
            aria-label="Number the app calls"
            value=${outTo}
            onInput=${(e: Event) => setOutTo((e.target as HTMLInputElement).value)}
          />
        </label>
        <label
          >with flow
          <select
            name="outbound-flow"
            value=${flowToRun}
            onChange=${(e: Event) => setOutFlow((e.target as HTMLSelectElement).value)}
          >
            ${props.flows.map((f) => html`<option key=${f.name} value=${f.name}>${f.name}</option>`)}
          </select>
        </label>
        <button type="submit" disabled=${live}>Call me</button>
      </form>
      <p class="call-state" aria-live="polite">
        ${
          call
            ? html`<span class="state" data-state=${call.state}>${call.state}</span>
                ${call.app?.currentStep ? html` · step <b>${call.app.currentStep}</b>` : ''}
                ${call.connectedTo ? html` · caller now with ${call.connectedTo.rawId.replace(/^4:/, '')}` : ''}`
            : 'No call yet.'
        }
      </p>
      <p class="audio-state" aria-live="off">
        ${
          live
            ? html`<span class="speaker" data-heard=${audio.heardSeconds.toFixed(1)}>
                  Hearing the call: ${audio.heardSeconds.toFixed(1)} s
                </span>
                <button
                  type="button"
                  class="small"
                  aria-pressed=${audio.muted}
                  onClick=${() => audio.setMuted(!audio.muted)}
                >
                  ${audio.muted ? 'Unmute' : 'Mute'}
                </button>`
            : ''
        }
      </p>
      <div class="keypad" role="group" aria-label="Keypad">
        ${KEYS.map(
          (key) => html`
            <button
              key=${key}
              type="button"
              aria-label=${`Key ${key}`}
              disabled=${!live}
              onClick=${() => void props.run('press a key', () => api.digits(id, key))}
            >
              ${key}
            </button>
          `,
        )}
      </div>
      <form class="say" onSubmit=${say}>
        <label for="say-text">Say</label>
        <input
          id="say-text"
          name="say"
          placeholder="Type what the caller says"
          value=${text}
          disabled=${!live}
          onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled=${!live}>Say</button>
      </form>
      <div class="call-actions">
        <button type="button" class="mic" disabled=${!live} aria-pressed=${mic.on} onClick=${() => mic.toggle()}>
          ${mic.on ? 'Stop talking' : 'Talk (microphone)'}
        </button>
        ${mic.on ? html`<span class="mic-sent" data-sent=${mic.sentSeconds.toFixed(1)}>${mic.sentSeconds.toFixed(1)} s sent</span>` : ''}
        <button type="button" disabled=${!live} onClick=${() => void props.run('stay silent', () => api.silence(id))}>
          Stay silent
        </button>
        <button
          type="button"
          class="hangup"
          disabled=${!live}
          onClick=${() => void props.run('hang up', () => api.hangUp(id))}
        >
          Hang up
        </button>
      </div>
    </section>
  `;
}

/** Rings waiting for the console's user: `ringing` entries not yet answered, rejected, unanswered or cancelled. */
export function pendingRings(entries: TimelineEntry[]): { serverCallId: string; target: string }[] {
  const open = new Map<string, { serverCallId: string; target: string }>();
  for (const e of entries) {
    if (e.kind !== 'world' || !e.serverCallId) continue;
    const target = (e.data as { target?: unknown } | undefined)?.target;
    if (typeof target !== 'string') continue;
    const key = `${e.serverCallId} ${target}`;
    if (e.type === 'ringing') open.set(key, { serverCallId: e.serverCallId, target });
    else if (/^ring(Answered|Rejected|Unanswered|Cancelled)$/.test(e.type ?? '')) open.delete(key);
  }
  return [...open.values()];
}

/** How a number the app transfers to (or calls) answers: the simulated person at the other end. */
export function Agents(props: {
  entries: TimelineEntry[];
  run: (what: string, action: () => Promise<unknown>) => Promise<void>;
}) {
  const [number, setNumber] = useState('+18005550111');
  const [kind, setKind] = useState<AgentKind>('manual');
  const [saved, setSaved] = useState('');
  const rings = pendingRings(props.entries);
  const submit = (event: Event) => {
    event.preventDefault();
    void props.run('set how the agent answers', async () => {
      await api.agent(number, kind);
      setSaved(`${number}: ${WHAT[kind]}.`);
    });
  };
  return html`
    <section class="pane agents" aria-labelledby="agents-title">
      <h2 id="agents-title">People the app transfers to</h2>
      <form onSubmit=${submit}>
        <label
          >Number
          <input name="agent" value=${number} onInput=${(e: Event) => setNumber((e.target as HTMLInputElement).value)}
        /></label>
        <label
          >Answers
          <select
            name="behaviour"
            value=${kind}
            onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value as AgentKind)}
          >
            ${Object.entries(WHAT).map(([k, label]) => html`<option key=${k} value=${k}>${label}</option>`)}
          </select>
        </label>
        <button type="submit">Set</button>
        <span class="saved" aria-live="polite">${saved}</span>
      </form>
      <ul class="rings" aria-label="Ringing for you" aria-live="assertive">
        ${rings.map(
          (r) =>
            html`<li key=${`${r.serverCallId} ${r.target}`} class="ring">
              <span>${numberOf(r.target)} is ringing</span>
              <button
                type="button"
                aria-label=${`Answer as ${numberOf(r.target)}`}
                onClick=${() => void props.run('answer', () => api.answerRinging(r.serverCallId, r.target, 'answer'))}
              >
                Answer
              </button>
              <button
                type="button"
                class="hangup"
                aria-label=${`Reject as ${numberOf(r.target)}`}
                onClick=${() => void props.run('reject', () => api.answerRinging(r.serverCallId, r.target, 'reject'))}
              >
                Reject
              </button>
            </li>`,
        )}
      </ul>
    </section>
  `;
}

const WHAT: Record<AgentKind, string> = {
  manual: 'I answer (ask me)',
  answer: 'answers at once',
  reject: 'rejects',
  noAnswer: 'ignores (no answer)',
};
