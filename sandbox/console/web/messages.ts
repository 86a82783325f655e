// SMS threads between customers and the app's lines; write as a customer and read the app's replies.
import { useState } from 'preact/hooks';
import { api, type FlowGraph, type SmsRecord } from './api';
import { html } from './html';

export function Messages(props: {
  sms: SmsRecord[];
  flows: FlowGraph[];
  run: (what: string, action: () => Promise<unknown>) => Promise<void>;
}) {
  const lines = props.flows.flatMap((f) => f.numbers);
  const [customer, setCustomer] = useState('+14255550123');
  const [chosenLine, setLine] = useState<string | undefined>();
  // The flows arrive after the first render: until a line is chosen, the first line any flow answers.
  const line = chosenLine ?? lines[0] ?? '';
  const [text, setText] = useState('');
  const thread = props.sms.filter(
    (m) =>
      (m.direction === 'inbound' ? m.from : m.to) === customer && (m.direction === 'inbound' ? m.to : m.from) === line,
  );
  const send = (event: Event) => {
    event.preventDefault();
    const message = text.trim();
    if (!message) return;
    void props.run('send the SMS', async () => {
      await api.sendSms(customer, line, message);
      setText('');
    });
  };
  return html`
    <section class="pane messages" aria-labelledby="messages-title">
      <h2 id="messages-title">Messages</h2>
      <div class="thread-picker">
        <label
          >Customer
          <input
            name="customer"
            value=${customer}
            onInput=${(e: Event) => setCustomer((e.target as HTMLInputElement).value)}
        /></label>
        <label
          >Line
          <input
            name="line"
            list="sms-lines"
            value=${line}
            onInput=${(e: Event) => setLine((e.target as HTMLInputElement).value)}
          />
        </label>
        <datalist id="sms-lines">${lines.map((n) => html`<option key=${n} value=${n} />`)}</datalist>
      </div>
      <ol class="thread" aria-label="SMS thread" aria-live="polite">
        ${thread.map(
          (m) =>
            html`<li key=${m.messageId} class=${`bubble ${m.direction === 'inbound' ? 'customer' : 'app'}`}>
              <span class="who">${m.direction === 'inbound' ? 'You' : 'Contact centre'}</span>
              <span class="text">${m.message}</span>
              <time datetime=${m.time}>${m.time.slice(11, 19)}</time>
            </li>`,
        )}
      </ol>
      <form class="compose" onSubmit=${send}>
        <label for="sms-text">SMS</label>
        <input
          id="sms-text"
          name="sms"
          placeholder="Write as the customer"
          value=${text}
          onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Send</button>
      </form>
    </section>
  `;
}
