import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MESSAGES_GEN, MESSAGES_YAML, renderMessages } from './gen-analysis-messages.ts';

describe('gen-analysis-messages', () => {
  it('messages.gen.ts is what messages.yaml generates (run tools/gen-analysis-messages.ts when this fails)', () => {
    assert.equal(readFileSync(MESSAGES_GEN, 'utf8'), renderMessages(readFileSync(MESSAGES_YAML, 'utf8')));
  });

  it('rejects a template whose verbs do not match its args', () => {
    const yaml = 'messages:\n  - name: Broken\n    code: IST0999\n    level: Error\n    description: d\n    template: "%s and %s"\n    args:\n      - name: a\n        type: string\n';
    assert.throws(() => renderMessages(yaml), /2 verbs but 1 args/);
  });

  it('rejects duplicate codes', () => {
    const entry = (name: string) => `  - name: ${name}\n    code: IST0999\n    level: Info\n    description: d\n    template: "t"\n`;
    assert.throws(() => renderMessages(`messages:\n${entry('A')}${entry('B')}`), /duplicate code IST0999/);
  });

  it('types the arguments from the Go types in the YAML', () => {
    const yaml = 'messages:\n  - name: Typed\n    code: IST0998\n    level: Warning\n    description: d\n    template: "%q %v %d"\n    args:\n      - name: host\n        type: string\n      - name: ports\n        type: "[]int"\n      - name: port\n        type: int32\n';
    assert.match(renderMessages(yaml), /export const Typed: MessageType<\[host: string, ports: readonly number\[\], port: number\]>/);
  });
});
