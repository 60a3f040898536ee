/**
 * A strict JSON parser (RFC 8259) that records the line/column of every value by JSON path and
 * reports syntax errors with line and column. It never recurses (explicit stack), limits nesting
 * depth, and rejects duplicate keys and `__proto__`, so hostile files end in an error, not a crash.
 */
import { formatPath, type PathSegment, type TextPosition } from './errors';
import { fail, ok, type Result } from '../sim/result';

/** Result of parsing: the value and the position of each JSON path, or a positioned syntax error. */
export type JsonParse =
  | { readonly ok: true; readonly value: unknown; readonly positions: ReadonlyMap<string, TextPosition> }
  | { readonly ok: false; readonly message: string; readonly position: TextPosition };

interface Frame {
  readonly container: Record<string, unknown> | unknown[];
  readonly path: PathSegment[];
  key?: string;
  count: number;
}

/** The UTF-8 byte-order mark as decoded text (U+FEFF). */
export const BOM = '\uFEFF';

/** `text` without a leading byte-order mark (editors on Windows write one; it is not content). */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/**
 * The JSON-text reader of every JSON file Faultline reads (campaign, weights, model.json, manifest):
 * a leading byte-order mark is accepted, and a syntax error names `file`.
 */
export function parseJsonText(text: string, file: string): Result<unknown> {
  try {
    return ok(JSON.parse(stripBom(text)) as unknown);
  } catch (e) {
    return fail(`${file}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Parses `text` (a leading byte-order mark is skipped); `maxDepth` bounds nesting of objects/arrays (default 64). */
export function parseJson(text: string, maxDepth = 64): JsonParse {
  const positions = new Map<string, TextPosition>();
  // a byte-order mark is not content: skip it, and count columns from after it
  let i = text.startsWith(BOM) ? 1 : 0;
  let line = 1;
  let lineStart = i;
  const pos = (): TextPosition => ({ line, column: i - lineStart + 1 });
  const err = (message: string): JsonParse => ({ ok: false, message, position: pos() });
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) return;
      i++;
    }
  };
  const stack: Frame[] = [];
  let root: unknown;
  let haveRoot = false;

  const place = (value: unknown, path: PathSegment[], at: TextPosition): void => {
    positions.set(formatPath(path), at);
    const top = stack[stack.length - 1];
    if (!top) {
      root = value;
      haveRoot = true;
    } else if (Array.isArray(top.container)) top.container.push(value);
    else Object.defineProperty(top.container, top.key as string, { value, enumerable: true, writable: true, configurable: true });
  };

  for (;;) {
    ws();
    const top = stack[stack.length - 1];
    if (top) {
      // Between items of a container: expect a separator, a closer, or (objects) a key.
      const closer = Array.isArray(top.container) ? ']' : '}';
      if (text[i] === closer) {
        i++;
        stack.pop();
        if (stack.length === 0) break;
        continue;
      }
      if (top.count > 0) {
        if (text[i] !== ',') return err(i >= text.length ? `unexpected end of input, expected ',' or '${closer}'` : `unexpected ${show(text[i])}, expected ',' or '${closer}'`);
        i++;
        ws();
      }
      if (!Array.isArray(top.container)) {
        if (text[i] !== '"') return err(i >= text.length ? 'unexpected end of input, expected a key string' : `unexpected ${show(text[i])}, expected a key string`);
        const keyAt = pos();
        const k = readString();
        if (typeof k !== 'string') return k;
        if (k === '__proto__') return { ok: false, message: 'the key "__proto__" is not allowed', position: keyAt };
        if (Object.prototype.hasOwnProperty.call(top.container, k)) return { ok: false, message: `duplicate key ${JSON.stringify(k)}`, position: keyAt };
        ws();
        if (text[i] !== ':') return err(`unexpected ${show(text[i])}, expected ':'`);
        i++;
        ws();
        top.key = k;
      }
      top.count++;
    } else if (haveRoot) break;
    // Read one value.
    const parentPath = top ? top.path : [];
    const path = top ? [...parentPath, Array.isArray(top.container) ? top.count - 1 : (top.key as string)] : [];
    const at = pos();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) return err(`nesting deeper than ${maxDepth} levels`);
      i++;
      const container: Record<string, unknown> | unknown[] = c === '[' ? [] : {};
      place(container, path, at);
      stack.push({ container, path, count: 0 });
      continue;
    }
    if (c === '"') {
      const s = readString();
      if (typeof s !== 'string') return s;
      place(s, path, at);
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) return err(`invalid number`);
      i += m[0].length;
      place(Number(m[0]), path, at);
    } else if (text.startsWith('true', i)) {
      i += 4;
      place(true, path, at);
    } else if (text.startsWith('false', i)) {
      i += 5;
      place(false, path, at);
    } else if (text.startsWith('null', i)) {
      i += 4;
      place(null, path, at);
    } else return err(i >= text.length ? 'unexpected end of input, expected a value' : `unexpected ${show(c)}, expected a value`);
    if (stack.length === 0) break;
  }
  ws();
  if (i < text.length) return err(`unexpected ${show(text[i])} after the end of the document`);
  return { ok: true, value: root, positions };

  function readString(): string | JsonParse {
    const start = ++i;
    let out = '';
    let chunk = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c < 0x20) return err('control character in string');
      if (c === 92) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else return err('invalid escape in string');
        chunk = i;
        continue;
      }
      i++;
    }
    return err('unterminated string');
  }
}

function show(c: string | undefined): string {
  return c === undefined ? 'end of input' : `character ${JSON.stringify(c)}`;
}
