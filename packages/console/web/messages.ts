// SMS, WhatsApp and chat threads between customers and the app's agents; write as a customer, read the replies.
import { useEffect, useState } from 'preact/hooks';
import { api, type ChatLine, type FlowGraph, type SmsRecord, type WhatsAppRecord } from './api';
import { html } from './html';

type Bubble = ChatLine;
type Channel = 'sms' | 'whatsapp' | 'chat';

/** The chat thread this page started with the bot, read again every second while it is shown. */
function useChatThread(active: boolean, run: (what: string, action: () => Promise<unknown>) => Promise<void>) {
  const [threadId, setThreadId] = useState<string | undefined>();
  const [lines, setLines] = useState<ChatLine[]>([]);
  useEffect(() => {
    if (!active || !threadId) return;
    const read = () => void run('read the chat', async () => setLines(await api.chatLines(threadId)));
    read();
    const timer = window.setInterval(read, 1000);
    return () => window.clearInterval(timer);
  }, [active, threadId, run]);
  return { threadId, lines, setThreadId, refresh: async (id: string) => setLines(await api.chatLines(id)) };
}

export function Messages(props: {
  sms: SmsRecord[];
  whatsApp: WhatsAppRecord[];
  flows: FlowGraph[];
  run: (what: string, action: () => Promise<unknown>) => Promise<void>;
}) {
  const lines = props.flows.flatMap((f) => f.numbers);
  const [customer, setCustomer] = useState('+14255550123');
  const [chosenLine, setLine] = useState<string | undefined>();
  // The flows arrive after the first render: until a line is chosen, the first line any flow answers.
  const line = chosenLine ?? lines[0] ?? '';
  const [text, setText] = useState('');
  const [channel, setChannel] = useState<Channel>('sms');
  const chat = useChatThread(channel === 'chat', props.run);
  const thread: Bubble[] =
    channel === 'chat'
      ? chat.lines
      : channel === 'sms'
        ? props.sms
            .filter(
              (m) =>
                (m.direction === 'inbound' ? m.from : m.to) === customer &&
                (m.direction === 'inbound' ? m.to : m.from) === line,
            )
            .map((m) => ({ id: m.messageId, mine: m.direction === 'inbound', text: m.message, time: m.time }))
        : props.whatsApp
            .filter((m) => m.user === customer)
            .map((m) => ({ id: m.messageId, mine: m.direction === 'inbound', text: m.content ?? '', time: m.time }));
  const send = (event: Event) => {
    event.preventDefault();
    const message = text.trim();
    if (!message) return;
    void props.run(
      `send the ${channel === 'sms' ? 'SMS' : channel === 'chat' ? 'chat message' : 'WhatsApp message'}`,
      async () => {
        if (channel === 'sms') await api.sendSms(customer, line, message);
        else if (channel === 'whatsapp') await api.sendWhatsApp(customer, message);
        else {
          const threadId = chat.threadId ?? (await api.startChat(customer)).threadId;
          chat.setThreadId(threadId);
          await api.sendChat(threadId, message);
          await chat.refresh(threadId);
        }
        setText('');
      },
    );
  };
  return html`
    <section class="pane messages" aria-labelledby="messages-title">
      <h2 id="messages-title">Messages</h2>
      <div class="thread-picker">
        <label
          >Channel
          <select
            name="channel"
            value=${channel}
            onChange=${(e: Event) => setChannel((e.target as HTMLSelectElement).value as Channel)}
          >
            <option value="sms">SMS</option>
            <option value="whatsapp">WhatsApp</option>
            <option value="chat">Chat</option>
          </select>
        </label>
        <label
          >Customer
          <input
            name="customer"
            value=${customer}
            onInput=${(e: Event) => setCustomer((e.target as HTMLInputElement).value)}
        /></label>
        ${
          channel === 'sms'
            ? html`<label
                >Line
                <input
                  name="line"
                  list="sms-lines"
                  value=${line}
                  onInput=${(e: Event) => setLine((e.target as HTMLInputElement).value)}
                />
              </label>`
            : ''
        }
        <datalist id="sms-lines">${lines.map((n) => html`<option key=${n} value=${n} />`)}</datalist>
      </div>
      <ol class="thread" aria-label="Message thread" aria-live="polite">
        ${thread.map(
          (m) =>
            html`<li key=${m.id} class=${`bubble ${m.mine ? 'customer' : 'app'}`}>
              <span class="who">${m.mine ? 'You' : 'Contact centre'}</span>
              <span class="text">${m.text}</span>
              <time datetime=${m.time}>${m.time.slice(11, 19)}</time>
            </li>`,
        )}
      </ol>
      <form class="compose" onSubmit=${send}>
        <label for="sms-text">Message</label>
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
