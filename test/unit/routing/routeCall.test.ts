import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlowFile } from '@switchboard/app/flows/parseFlowFile';
import { routeCall } from '@switchboard/app/call/routeCall';
import { isFlowOpen } from '@switchboard/app/call/isFlowOpen';
import { parseWeeklySchedule } from '@switchboard/app/call/weeklySchedule';
import { isHoliday } from '@switchboard/app/call/holidays';

const flows = parseFlowFile(
  `
flows:
  main:
    numbers: ["+18005550100"]
    hours:
      timeZone: America/New_York
      open: ["Mon-Fri 08:00-18:00", "Sat 09:00-13:00"]
      holidays: ["12-25", { date: "2026-11-26", name: Thanksgiving }]
      closed: afterHours
    blockList: ["+1900", "+15555550666"]
    overflow: { maxActiveCalls: 2, whenBusy: { redirect: "+18005550199" } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
      afterHours: { say: closed, hangup: true }
  sales:
    numbers: ["+18005550200"]
    hours: { timeZone: Europe/London, open: "Mon-Fri 09:00-17:00" }
    overflow: { whenClosed: { flow: night }, maxActiveCalls: 1, whenBusy: { flow: night } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  night:
    numbers: ["+18005550300"]
    overflow: { maxActiveCalls: 1 }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  loopA:
    numbers: ["+18005550400"]
    hours: { timeZone: UTC, open: "Mon 00:00-00:01" }
    overflow: { whenClosed: { flow: loopB } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  loopB:
    hours: { timeZone: UTC, open: "Mon 00:00-00:01" }
    overflow: { whenClosed: { flow: loopA } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  reject:
    numbers: ["+18005550500"]
    hours: { timeZone: Asia/Tokyo, open: "Mon-Fri 09:00-17:00" }
    overflow: { whenClosed: { reject: busy } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
`,
  'routing.yaml',
);

const caller = '+12125550123';
// Wednesday 2026-11-18 15:00 UTC = 10:00 in New York (EST, UTC-5).
const wednesdayMorning = new Date('2026-11-18T15:00:00Z');

describe('routeCall', () => {
  it('answers the flow of the dialled number at its start step during opening hours', () => {
    assert.deepEqual(routeCall(flows, { to: '+18005550100', from: caller, now: wednesdayMorning }), {
      action: 'answer',
      flow: 'main',
      startStep: 'hello',
      why: 'open',
    });
  });

  it('accepts ACS raw ids (4:+1...) for both numbers', () => {
    const decision = routeCall(flows, { to: '4:+18005550100', from: `4:${caller}`, now: wednesdayMorning });
    assert.equal(decision.action, 'answer');
  });

  it('rejects calls to a number no flow answers as forbidden', () => {
    assert.deepEqual(routeCall(flows, { to: '+18005559999', from: caller, now: wednesdayMorning }), {
      action: 'reject',
      reason: 'forbidden',
      why: 'no-flow',
    });
  });

  it('rejects blocked callers by exact number and by prefix', () => {
    for (const from of ['+15555550666', '+19005550123', '4:+19005550123']) {
      const decision = routeCall(flows, { to: '+18005550100', from, now: wednesdayMorning });
      assert.deepEqual(decision, { action: 'reject', reason: 'forbidden', why: 'blocked' }, from);
    }
    assert.equal(
      routeCall(flows, { to: '+18005550100', from: '+15555550667', now: wednesdayMorning }).action,
      'answer',
    );
  });

  it('starts at the after-hours step in the evening, on Sundays and on holidays', () => {
    const evening = new Date('2026-11-18T23:30:00Z'); // 18:30 New York
    const sunday = new Date('2026-11-22T15:00:00Z');
    const christmas = new Date('2026-12-25T15:00:00Z'); // a Friday, recurring holiday
    const thanksgiving = new Date('2026-11-26T15:00:00Z'); // one-off holiday
    for (const [now, why] of [
      [evening, 'closed'],
      [sunday, 'closed'],
      [christmas, 'holiday'],
      [thanksgiving, 'holiday'],
    ] as const) {
      assert.deepEqual(routeCall(flows, { to: '+18005550100', from: caller, now }), {
        action: 'answer',
        flow: 'main',
        startStep: 'afterHours',
        why,
      });
    }
  });

  it('judges hours in the flow time zone, not UTC: Saturday 12:59 in New York is open, 13:00 is not', () => {
    assert.equal(
      routeCall(flows, { to: '+18005550100', from: caller, now: new Date('2026-11-21T17:59:00Z') }).why,
      'open',
    );
    assert.equal(
      routeCall(flows, { to: '+18005550100', from: caller, now: new Date('2026-11-21T18:00:00Z') }).why,
      'closed',
    );
  });

  it('follows daylight saving time: 12:30 UTC is 07:30 before the spring change and 08:30 after', () => {
    const hours = flows.flows.main.hours;
    // US DST starts Sunday 2026-03-08; Friday before vs Monday after.
    assert.equal(isFlowOpen(hours, new Date('2026-03-06T12:30:00Z')), false); // 07:30 EST
    assert.equal(isFlowOpen(hours, new Date('2026-03-09T12:30:00Z')), true); // 08:30 EDT
    // And back in autumn (2026-11-01): 12:30 UTC is 08:30 EDT on Friday 30 Oct, 07:30 EST on Monday 2 Nov.
    assert.equal(isFlowOpen(hours, new Date('2026-10-30T12:30:00Z')), true);
    assert.equal(isFlowOpen(hours, new Date('2026-11-02T12:30:00Z')), false);
  });

  it('counts hours across the night of the DST change itself', () => {
    const hours = { timeZone: 'America/New_York', open: 'Sun 01:00-04:00' };
    assert.equal(isFlowOpen(hours, new Date('2026-03-08T06:59:00Z')), true); // 01:59 EST
    assert.equal(isFlowOpen(hours, new Date('2026-03-08T07:00:00Z')), true); // 03:00 EDT (02:xx never happens)
    assert.equal(isFlowOpen(hours, new Date('2026-03-08T08:00:00Z')), false); // 04:00 EDT
  });

  it('redirects to the overflow number when the concurrency cap is reached', () => {
    const now = wednesdayMorning;
    assert.equal(routeCall(flows, { to: '+18005550100', from: caller, now, activeCalls: 1 }).action, 'answer');
    assert.deepEqual(routeCall(flows, { to: '+18005550100', from: caller, now, activeCalls: 2 }), {
      action: 'redirect',
      target: '+18005550199',
      why: 'at-capacity',
    });
    assert.equal(
      routeCall(flows, { to: '+18005550100', from: caller, now, activeCalls: { main: 5 } }).action,
      'redirect',
    );
    assert.equal(
      routeCall(flows, { to: '+18005550100', from: caller, now, activeCalls: { other: 5 } }).action,
      'answer',
    );
  });

  it('overflows to another flow when closed or busy, and rejects busy when that one is full too', () => {
    const londonNight = new Date('2026-11-18T22:00:00Z');
    const londonDay = new Date('2026-11-18T12:00:00Z');
    assert.deepEqual(routeCall(flows, { to: '+18005550200', from: caller, now: londonNight }), {
      action: 'answer',
      flow: 'night',
      startStep: 'hello',
      why: 'closed',
    });
    assert.deepEqual(
      routeCall(flows, { to: '+18005550200', from: caller, now: londonDay, activeCalls: { sales: 1 } }),
      {
        action: 'answer',
        flow: 'night',
        startStep: 'hello',
        why: 'at-capacity',
      },
    );
    assert.deepEqual(
      routeCall(flows, { to: '+18005550200', from: caller, now: londonDay, activeCalls: { sales: 1, night: 1 } }),
      {
        action: 'reject',
        reason: 'busy',
        why: 'at-capacity',
      },
    );
  });

  it('rejects busy instead of looping when two closed flows overflow into each other', () => {
    const decision = routeCall(flows, { to: '+18005550400', from: caller, now: wednesdayMorning });
    assert.deepEqual(decision, { action: 'reject', reason: 'busy', why: 'overflow-loop' });
  });

  it('rejects busy when closed with an explicit reject overflow', () => {
    const tokyoNight = new Date('2026-11-18T15:00:00Z'); // 00:00 Thursday in Tokyo
    assert.deepEqual(routeCall(flows, { to: '+18005550500', from: caller, now: tokyoNight }), {
      action: 'reject',
      reason: 'busy',
      why: 'closed',
    });
  });
});

describe('weekly schedules', () => {
  it('parse day ranges, lists, several ranges a day and 24/7', () => {
    assert.ok(parseWeeklySchedule('Mon-Fri 08:00-18:00').ok);
    assert.ok(parseWeeklySchedule('Mon,Wed,Fri 09:00-12:00, 13:00-17:00').ok);
    assert.ok(parseWeeklySchedule(['Sat-Sun 10:00-14:00', '24/7']).ok);
  });

  it('run a range past midnight into the next day, and past Sunday into Monday', () => {
    const hours = { timeZone: 'UTC', open: 'Fri,Sun 22:00-06:00' };
    assert.equal(isFlowOpen(hours, new Date('2026-11-20T23:00:00Z')), true); // Fri 23:00
    assert.equal(isFlowOpen(hours, new Date('2026-11-21T05:59:00Z')), true); // Sat 05:59
    assert.equal(isFlowOpen(hours, new Date('2026-11-21T06:00:00Z')), false);
    assert.equal(isFlowOpen(hours, new Date('2026-11-23T03:00:00Z')), true); // Mon 03:00 from Sunday night
  });

  it('explain what is wrong', () => {
    assert.deepEqual(parseWeeklySchedule('Mon-Fry 08:00-18:00'), {
      ok: false,
      error: '"Mon-Fry" is not a day or day range (Mon..Sun, e.g. Mon-Fri)',
    });
    assert.equal(parseWeeklySchedule('Mon 8-18').ok, false);
    assert.equal(parseWeeklySchedule('Mon 09:00-09:00').ok, false);
    assert.equal(parseWeeklySchedule('Mon 25:00-26:00').ok, false);
  });
});

describe('holidays', () => {
  it('match one-off dates and every-year dates on the local calendar day', () => {
    // 2026-12-25 03:00 UTC is still 24 December in New York.
    assert.equal(isHoliday(['12-25'], new Date('2026-12-25T03:00:00Z'), 'America/New_York'), false);
    assert.equal(isHoliday(['12-25'], new Date('2027-12-25T15:00:00Z'), 'America/New_York'), true);
    assert.equal(isHoliday([{ date: '2026-11-26' }], new Date('2026-11-26T15:00:00Z'), 'America/New_York'), true);
    assert.equal(isHoliday([{ date: '2026-11-26' }], new Date('2027-11-26T15:00:00Z'), 'America/New_York'), false);
  });
});
