import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CHROMIUM_PACKAGES, missingCommands, systemPackages } from '../support/systemPackages';

// A newcomer without a Debian package a test needs gets a skip with the install command; CI gets a failure.

describe('tests that need optional system packages', () => {
  const empty = mkdtempSync(join(tmpdir(), 'switchboard-no-packages-'));
  const stocked = mkdtempSync(join(tmpdir(), 'switchboard-packages-'));
  for (const command of CHROMIUM_PACKAGES.commands) {
    writeFileSync(join(stocked, command), '#!/bin/sh\n');
    chmodSync(join(stocked, command), 0o755);
  }
  after(() => {
    rmSync(empty, { recursive: true, force: true });
    rmSync(stocked, { recursive: true, force: true });
  });

  it('skip with one line naming the missing commands and the install command when PATH lacks them', () => {
    const check = systemPackages(CHROMIUM_PACKAGES, { PATH: empty });
    assert.equal(check.skip, 'needs chromium, not installed: sudo apt-get install chromium');
    assert.ok(!String(check.skip).includes('\n'));
  });

  it('fail instead of skipping under CI (SWITCHBOARD_CI=1) when the packages are missing', () => {
    const check = systemPackages(CHROMIUM_PACKAGES, { PATH: empty, SWITCHBOARD_CI: '1' });
    assert.equal(check.skip, false, 'the test runs');
    assert.throws(() => check.require(), /not installed: sudo apt-get install chromium .*CI must install them/);
  });

  it('run when every command is on PATH', () => {
    const check = systemPackages(CHROMIUM_PACKAGES, { PATH: `${empty}:${stocked}`, SWITCHBOARD_CI: '1' });
    assert.equal(check.skip, false);
    check.require();
    assert.deepEqual(missingCommands(['chromium', 'espeak'], stocked), ['espeak']);
  });
});
