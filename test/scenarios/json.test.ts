import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseJson } from '../../scenarios/json';

describe('parseJson', () => {
  it('parses like JSON.parse for arbitrary JSON values (property)', () => {
    const noProto = (v: unknown): boolean =>
      v === null || typeof v !== 'object' ? true : Object.keys(v).every((k) => k !== '__proto__' && noProto((v as Record<string, unknown>)[k]));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }).filter(noProto), fc.boolean(), (v, pretty) => {
        const t = JSON.stringify(v, null, pretty ? 2 : 0);
        const r = parseJson(t);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(JSON.parse(t));
      }),
      { numRuns: 300 },
    );
  });

  it('records line/column of values by JSON path', () => {
    const r = parseJson('{\n  "a": [1,\n    {"b": true}],\n  "c d": "x"\n}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.positions.get('a')).toEqual({ line: 2, column: 8 });
    expect(r.positions.get('a[1].b')).toEqual({ line: 3, column: 11 });
    expect(r.positions.get('["c d"]')).toEqual({ line: 4, column: 10 });
  });

  it.each([
    ['{\n  "a": }', 2, 8, 'expected a value'],
    ['{"a": 1,\n"b" 2}', 2, 5, "expected ':'"],
    ['[1, 2', 1, 6, 'unexpected end of input'],
    ['{"a": 1, "a": 2}', 1, 10, 'duplicate key'],
    ['{"a": "x\ny"}', 1, 9, 'control character'],
    ['[1,]', 1, 4, 'expected a value'],
    ['{} x', 1, 4, 'after the end'],
    ['{"__proto__": {}}', 1, 2, '__proto__'],
  ])('reports syntax errors with line and column: %j', (t, line, column, msg) => {
    const r = parseJson(t);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.position).toEqual({ line, column });
    expect(r.message).toContain(msg);
  });

  it('rejects deep nesting without overflowing the stack', () => {
    const r = parseJson('['.repeat(200000) + ']'.repeat(200000), 64);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('nesting deeper than 64');
  });

  it('never throws on random text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', 'a', ' ', '\n', '\\', 't', 'e', '-', '.') }), (s) => {
        const r = parseJson(s);
        if (r.ok) expect(r.value).toEqual(JSON.parse(s));
        else expect(r.position.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
