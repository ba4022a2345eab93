/** parseJsonText: every JSON file the CLI reads (events, the recorded state, recorded S3 reports). */
import { describe, expect, it } from 'vitest';
import { inFile, parseJsonText } from '../../shared/json-text.js';

describe('parseJsonText', () => {
  it('reads past a UTF-8 byte order mark, as the YAML parser does for a runbook', () => {
    expect(parseJsonText('\uFEFF{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
  });

  it.each([
    ['{"a": ', '1:7: not valid JSON: Unexpected end of JSON input'],
    ['{\n  "a": ', '2:8: not valid JSON: Unexpected end of JSON input'],
    ['\uFEFF{\n  "a": ', '2:8: not valid JSON: Unexpected end of JSON input'],
    ['{\n  "a": 1,\n}', '3:1: not valid JSON: Expected double-quoted property name'],
    ['{"a": "x', '1:9: not valid JSON: Unterminated string'],
  ])('%j: the position as LINE:COL (the end of the file when it stops short)', (text, error) => {
    expect(parseJsonText(text)).toEqual({ ok: false, error });
  });

  it('inFile puts a position next to the file name, anything else after it', () => {
    expect(inFile('e.json', '2:8: not valid JSON: x')).toBe('e.json:2:8: not valid JSON: x');
    expect(inFile('e.json', 'the file is empty')).toBe('e.json: the file is empty');
  });
});
