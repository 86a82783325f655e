import { createServer } from 'node:net';

// Ports from below the kernel's ephemeral range (32768-60999 on Linux): a port the OS hands out for port 0
// is also where its outgoing connections and other port-0 listeners land, so under a busy test run one of them
// could take it between this check and the moment our process binds it (EADDRINUSE).
const LOW = 20_000;
const HIGH = 32_767;

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/** A port free right now (for a process that must know its own URL before it starts). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await tryListen(LOW + Math.floor(Math.random() * (HIGH - LOW)));
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new Error('No free port on 127.0.0.1.');
  return port;
}
