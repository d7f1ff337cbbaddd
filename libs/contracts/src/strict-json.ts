import { isUtf8 } from 'node:buffer';

/** Deeper than any body of the contract (a manifest is the deepest, at 4): 32 is plenty. */
export const MAX_JSON_DEPTH = 32;

const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * Why a JSON body's bytes are refused before parsing, or undefined if they may be parsed: bytes that
 * are not UTF-8 (a decoder would silently turn them into U+FFFD), nesting deeper than `maxDepth`
 * (re-serialising it overflows the stack), `\u0000` (PostgreSQL's text and jsonb cannot hold it)
 * and lone surrogate escapes (not a character; refused by PostgreSQL's jsonb). One pass, no
 * recursion: the check is as cheap on 10,000 levels as on 1.
 */
export function refusedJsonText(bytes: Buffer, maxDepth = MAX_JSON_DEPTH): string | undefined {
  if (!isUtf8(bytes)) return 'the body is not valid UTF-8';
  const text = bytes.toString('utf8');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x22 /* " */) inString = false;
      else if (char === 0x5c /* \ */) {
        const escape = text[i + 1];
        if (escape === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!HEX4.test(hex)) return undefined; // not valid JSON: the parser says so
          const code = parseInt(hex, 16);
          if (code === 0) return 'a string holds U+0000, which cannot be stored';
          if (code >= 0xdc00 && code <= 0xdfff) return 'a string holds a lone surrogate (\\u' + hex + ')';
          if (code >= 0xd800 && code <= 0xdbff) {
            const low = text.slice(i + 6, i + 12);
            const lowCode =
              low.startsWith('\\u') && HEX4.test(low.slice(2)) ? parseInt(low.slice(2), 16) : -1;
            if (lowCode < 0xdc00 || lowCode > 0xdfff)
              return 'a string holds a lone surrogate (\\u' + hex + ')';
            i += 6;
          }
          i += 5;
        } else {
          i += 1;
        }
      }
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth += 1;
      if (depth > maxDepth) return `the body is nested deeper than ${maxDepth} levels`;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth -= 1;
  }
  return undefined;
}
