import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { captureIO } from '@skiff/cli';
import { ALL_COMMANDS, main } from './main.ts';

describe('skiff (runtime entry point)', () => {
  it('offers every verb once, client and server verbs alike', () => {
    const names = ALL_COMMANDS.map((c) => c.name);
    assert.deepEqual(names, [...new Set(names)]);
    for (const verb of ['validate', 'analyze', 'up', 'version']) assert.ok(names.includes(verb), verb);
  });

  it('lists every verb in --help', async () => {
    const io = captureIO(process.cwd());
    assert.equal(await main(['--help'], io), 0);
    for (const command of ALL_COMMANDS) assert.match(io.out(), new RegExp(`\\n  ${command.name} `));
  });
});
