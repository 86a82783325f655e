// The softphone: dial a number the flows answer, press keys, say something (typed; the emulator speaks it
// into the call), stay silent, hang up. Also how the people the app transfers to answer.
import { useState } from 'preact/hooks';
import { api, type ConsoleCall, type FlowGraph } from './api';
import { useCallAudio } from './callAudio';
import { html } from './html';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Softphone(props: {
  flows: FlowGraph[];
  call?: ConsoleCall;
  onDialled: (serverCallId: string) => void;
  run: (what: string, action: () => Promise<unknown>) => Promise<void>;
}) {
  const numbers = props.flows.flatMap((f) => f.numbers.map((n) => ({ number: n, flow: f.name })));
  const [from, setFrom] = useState('+14255550123');
  const [to, setTo] = useState(numbers[0]?.number ?? '');
  const [text, setText] = useState('');
  const call = props.call;
  const live = call !== undefined && call.state !== 'disconnected';
  const id = call?.serverCallId ?? '';
  const audio = useCallAudio(call?.serverCallId, live);

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

/** How a number the app transfers to (or calls) answers: the simulated person at the other end. */
export function Agents(props: { run: (what: string, action: () => Promise<unknown>) => Promise<void> }) {
  const [number, setNumber] = useState('+18005550111');
  const [kind, setKind] = useState<'answer' | 'reject' | 'noAnswer'>('answer');
  const [saved, setSaved] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    void props.run('set how the agent answers', async () => {
      await api.agent(number, kind);
      setSaved(`${number} will ${kind === 'noAnswer' ? 'not answer' : kind}.`);
    });
  };
  return html`
    <form class="pane agents" onSubmit=${submit} aria-labelledby="agents-title">
      <h2 id="agents-title">People the app transfers to</h2>
      <label
        >Number
        <input name="agent" value=${number} onInput=${(e: Event) => setNumber((e.target as HTMLInputElement).value)}
      /></label>
      <label
        >Answers
        <select
          name="behaviour"
          value=${kind}
          onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value as typeof kind)}
        >
          <option value="answer">answer</option>
          <option value="reject">reject</option>
          <option value="noAnswer">ignore (no answer)</option>
        </select>
      </label>
      <button type="submit">Set</button>
      <span aria-live="polite">${saved}</span>
    </form>
  `;
}
