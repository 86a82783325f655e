// Follows the emulator's timeline over the console's WebSocket relay, reconnecting after a drop and
// asking only for entries newer than the last one seen.
import type { TimelineEntry } from './api';

export function followTimeline(
  onEntry: (entry: TimelineEntry) => void,
  onState: (connected: boolean) => void,
): () => void {
  let lastSeq = 0;
  let socket: WebSocket | undefined;
  let stopped = false;
  let retry: number | undefined;
  const open = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/timeline${lastSeq ? `?since=${lastSeq}` : ''}`);
    socket.onopen = () => onState(true);
    socket.onmessage = (message: MessageEvent<string>) => {
      const entry = JSON.parse(message.data) as TimelineEntry;
      if (entry.seq <= lastSeq) return;
      lastSeq = entry.seq;
      onEntry(entry);
    };
    socket.onclose = () => {
      onState(false);
      if (!stopped) retry = window.setTimeout(open, 1000);
    };
  };
  open();
  return () => {
    stopped = true;
    window.clearTimeout(retry);
    socket?.close();
  };
}
