// The sandbox console: softphone, calls list, live timeline, flow diagram, messages and after-the-call,
// kept in step with the sandbox by the emulator's timeline (WebSocket) and the app's call status.
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AfterCall } from './afterCall';
import { api, type ConsoleCall, type FlowsView, type SmsRecord, type TimelineEntry, type WhatsAppRecord } from './api';
import { CallsList } from './callsList';
import { FlowPane } from './flowDiagram';
import { html } from './html';
import { Messages } from './messages';
import { Agents, Softphone } from './softphone';
import { followTimeline } from './timelineSocket';
import { TimelinePane } from './timelinePane';

const MAX_ENTRIES = 5000;

function App() {
  const [flows, setFlows] = useState<FlowsView>({ ok: true, flows: [] });
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [calls, setCalls] = useState<ConsoleCall[]>([]);
  const [sms, setSms] = useState<SmsRecord[]>([]);
  const [whatsApp, setWhatsApp] = useState<WhatsAppRecord[]>([]);
  const [selected, setSelected] = useState<string | undefined>();
  /** An outbound call the app was asked to place, followed as soon as the emulator shows it. */
  const [awaitedCallId, setAwaitedCallId] = useState<string | undefined>();
  const [chosenFlow, setChosenFlow] = useState<string | undefined>();
  const [errors, setErrors] = useState<string[]>([]);
  const [connected, setConnected] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [voiceProvider, setVoiceProvider] = useState<string | undefined>();
  const steps = useRef(new Map<string, string>());
  const lastSeq = useRef(0);
  const refreshTimer = useRef<number | undefined>(undefined);

  const run = useCallback(async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      setErrors((list) => [...list.slice(-4), `Could not ${what}: ${(error as Error).message}`]);
    }
  }, []);

  const report = useCallback((message: string) => setErrors((list) => [...list.slice(-4), message]), []);

  const refreshCalls = useCallback(async () => {
    const list = await api.calls();
    // The orchestration's step changes become timeline entries of their own, after what caused them.
    const added: TimelineEntry[] = [];
    for (const call of list) {
      const step = call.app?.currentStep;
      if (step && steps.current.get(call.callId) !== step) {
        steps.current.set(call.callId, step);
        added.push({
          seq: lastSeq.current,
          time: new Date().toISOString(),
          kind: 'step',
          type: step,
          callId: call.callId,
          serverCallId: call.serverCallId,
          data: call.app,
        });
      }
    }
    if (added.length) setEntries((list) => [...list, ...added].slice(-MAX_ENTRIES));
    setCalls(list);
  }, []);

  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current !== undefined) return;
    refreshTimer.current = window.setTimeout(() => {
      refreshTimer.current = undefined;
      void run('read the calls', refreshCalls);
    }, 150);
  }, [refreshCalls, run]);

  useEffect(() => {
    void run('read the flows', async () => setFlows(await api.flows()));
    void run('read the sandbox status', async () => {
      const { problems, voiceProvider } = await api.sandbox();
      if (problems.length) setErrors((list) => [...list, ...problems]);
      setVoiceProvider(voiceProvider);
    });
    void run('read the calls', refreshCalls);
    void run('read the messages', async () => setSms(await api.sms()));
    void run('read the WhatsApp messages', async () => setWhatsApp(await api.whatsApp()));
    const stop = followTimeline((entry) => {
      lastSeq.current = entry.seq;
      setEntries((list) => [...list, entry].slice(-MAX_ENTRIES));
      if (entry.type === 'smsSent' || /SMSReceived/.test(entry.type ?? ''))
        void run('read the messages', async () => setSms(await api.sms()));
      if (entry.type === 'advancedMessageSent' || /AdvancedMessage/.test(entry.type ?? ''))
        void run('read the WhatsApp messages', async () => setWhatsApp(await api.whatsApp()));
      if (entry.serverCallId || entry.kind === 'eventGrid') scheduleRefresh();
    }, setConnected);
    return stop;
  }, [refreshCalls, run, scheduleRefresh]);

  // The app's status moves without the emulator seeing it (timers, activities): poll while calls are live.
  const anyLive = calls.some((c) => c.state !== 'disconnected' || c.app?.state === 'Running');
  useEffect(() => {
    const tick = window.setInterval(() => {
      setNow(Date.now());
      if (anyLive) scheduleRefresh();
    }, 1000);
    return () => window.clearInterval(tick);
  }, [anyLive, scheduleRefresh]);

  useEffect(() => {
    const placed = awaitedCallId && calls.find((c) => c.callId === awaitedCallId);
    if (placed) {
      setSelected(placed.serverCallId);
      setAwaitedCallId(undefined);
    }
  }, [awaitedCallId, calls]);

  const call = calls.find((c) => c.serverCallId === selected);
  const flowList = flows.ok ? flows.flows : [];
  const flowName = call?.flow ?? chosenFlow;
  return html`
    <header class="top">
      <h1>Switchboard sandbox console</h1>
      <span class=${`link-state ${connected ? 'up' : 'down'}`} role="status">
        ${connected ? 'Live: following the timeline' : 'Connecting to the sandbox…'}
      </span>
      ${voiceProvider ? html`<span class="voice-provider">Voice agent: ${voiceProvider} provider</span>` : null}
    </header>
    ${
      errors.length
        ? html`<div class="error-banner" role="alert">
            ${errors.map((e, i) => html`<p key=${i}>${e}</p>`)}
            <button type="button" onClick=${() => setErrors([])}>Dismiss</button>
          </div>`
        : ''
    }
    <main class="panes">
      <div class="column left">
        <${Softphone}
          flows=${flowList}
          call=${call}
          run=${run}
          onError=${report}
          onDialled=${(id: string) => {
            setSelected(id);
            scheduleRefresh();
          }}
          onCalledOut=${(callId: string) => {
            setAwaitedCallId(callId);
            scheduleRefresh();
          }}
        />
        <${Agents} entries=${entries} run=${run} />
        <${CallsList} calls=${calls} selected=${selected} now=${now} onSelect=${setSelected} />
        <${Messages} sms=${sms} whatsApp=${whatsApp} flows=${flowList} run=${run} />
      </div>
      <div class="column middle">
        <${TimelinePane}
          entries=${entries}
          selected=${call ? { serverCallId: call.serverCallId, callId: call.callId } : undefined}
        />
      </div>
      <div class="column right">
        <${FlowPane}
          flows=${flowList}
          problems=${flows.ok ? [] : flows.problems}
          flowName=${flowName}
          currentStep=${call?.app?.currentStep}
          history=${call?.app?.history ?? []}
          onChoose=${(name: string) => {
            setChosenFlow(name);
            setSelected(undefined);
          }}
        />
        <${AfterCall} call=${call} refresh=${call?.state === 'disconnected' ? Math.floor(now / 3000) : 0} />
      </div>
    </main>
  `;
}

render(html`<${App} />`, document.getElementById('app') as HTMLElement);
