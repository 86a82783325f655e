import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sampleProcessTreeCpu } from '../../../bench/processTreeCpu';

// The load bench's CPU rows rest on this sampler: it must find the processes the bench started and say how much
// CPU each used in a window, by the script it runs.

const BUSY_MS = 300;

describe('the process-tree CPU sampler', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  it("attributes a child's CPU, spent inside the window, to the script the child runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cpu-'));
    const script = join(dir, 'busyChild.js');
    // Spins until it has used BUSY_MS of CPU, says so, then stays alive (idle) until it is killed.
    writeFileSync(
      script,
      `process.on('message', () => {
         const start = process.cpuUsage();
         for (;;) { const u = process.cpuUsage(start); if ((u.user + u.system) / 1000 >= ${BUSY_MS}) break; }
         process.send('done');
       });
       process.send('ready');
       setInterval(() => undefined, 1000);`,
    );
    const child = fork(script, [], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('message', resolve));
      const cpu = sampleProcessTreeCpu(20);
      const from = Date.now();
      child.send('go');
      await new Promise((resolve) => child.once('message', resolve));
      cpu.stop();
      const window = cpu.between(from, Date.now());
      const used = [...window.byRole].find(([role]) => role.endsWith('/busyChild.js'))?.[1] ?? 0;
      // /proc counts in 10 ms ticks; the window's edges may miss a tick or two each side.
      assert.ok(used >= BUSY_MS - 40 && used <= BUSY_MS + 200, `busy child used ${used} ms by the sampler's count`);
      assert.ok(window.totalMs >= used, 'the total includes the child');
    } finally {
      child.kill();
    }
  });
});
