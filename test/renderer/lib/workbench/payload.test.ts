import { describe, expect, it } from 'vitest';
import { buildPayload, prettyJson } from '../../../../src/renderer/src/lib/workbench/payload.ts';

describe('buildPayload', () => {
  it('sends JSON as typed once it parses, and says why when it does not', () => {
    expect(buildPayload('json', '{"a": 1}')).toEqual({ ok: true, data: '{"a": 1}' });
    const bad = buildPayload('json', '{"a": }');
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.problem).toBe('json');
  });

  it('turns hex and base64 into bytes', () => {
    expect(buildPayload('hex', 'ff00')).toEqual({ ok: true, data: new Uint8Array([255, 0]) });
    expect(buildPayload('base64', '/wA=')).toEqual({ ok: true, data: new Uint8Array([255, 0]) });
    expect(buildPayload('hex', 'f')).toEqual({ ok: false, problem: 'hex' });
  });

  it('pretty-prints JSON objects and arrays only', () => {
    expect(prettyJson('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson('42')).toBeNull();
    expect(prettyJson('{oops')).toBeNull();
  });
});
