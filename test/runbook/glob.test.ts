import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, findGlobError, GlobSyntaxError, isGlob } from '../../shared/runbook/glob.js';

describe('compileGlob', () => {
  it.each([
    ['*-prod', 'churn-prod', true],
    ['*-prod', 'churn-staging', false],
    ['*-prod', '-prod', true],
    ['churn-*', 'churn-prod', true],
    ['churn-*', 'fraud-prod', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['model-?', 'model-a', true],
    ['model-?', 'model-', false],
    ['model-?', 'model-ab', false],
    ['v?', 'v😀', true],
    ['fraud-[ab]', 'fraud-a', true],
    ['fraud-[ab]', 'fraud-c', false],
    ['fraud-[a-c]*', 'fraud-b-prod', true],
    ['fraud-[!a-c]*', 'fraud-b-prod', false],
    ['fraud-[!a-c]*', 'fraud-x-prod', true],
    ['fraud-[^a-c]', 'fraud-d', true],
    ['[]]x', ']x', true],
    ['[a-]', '-', true],
    ['*\\*', 'price*', true],
    ['*\\*', 'price', false],
    ['\\?', '?', true],
    ['\\?', 'a', false],
    ['a]', 'a]', true],
    ['*a?c*', 'xxabcxx', true],
    ['*a?c*', 'xxacxx', false],
  ])('%j on %j is %s', (pattern, value, expected) => {
    expect(compileGlob(pattern)(value)).toBe(expected);
  });

  it.each([
    ['*-prod[', 'invalid glob "*-prod[": [ at character 7 is never closed'],
    ['[]', 'invalid glob "[]": [ at character 1 is never closed'],
    ['[!', 'invalid glob "[!": [ at character 1 is never closed'],
    ['ends\\', 'invalid glob "ends\\": ends with a lone \\'],
    ['[z-a]', 'invalid glob "[z-a]": range z-a is backwards'],
  ])('refuses %j', (pattern, message) => {
    expect(findGlobError(pattern)).toBe(message);
    expect(() => compileGlob(pattern)).toThrow(new GlobSyntaxError(message));
  });

  it('treats regex syntax as plain characters', () => {
    expect(compileGlob('a.c')('abc')).toBe(false);
    expect(compileGlob('a.c')('a.c')).toBe(true);
    expect(compileGlob('(a|b)+$')('(a|b)+$')).toBe(true);
    expect(compileGlob('*(a|b)')('x(a|b)')).toBe(true);
    expect(compileGlob('*(a|b)')('xa')).toBe(false);
  });

  it('answers patterns that make backtracking regexes explode (no regex is built)', () => {
    // A backtracking engine would take exponential time here and the test would hang.
    const pattern = `${'a*'.repeat(20)}?b`;
    const value = 'a'.repeat(5000);
    expect(compileGlob(pattern)(value)).toBe(false);
  });
});

describe('glob properties', () => {
  const plain = fc.string({ maxLength: 20 }).filter((s) => !isGlob(s));

  it('a string without metacharacters matches exactly itself', () => {
    fc.assert(
      fc.property(plain, fc.string({ maxLength: 20 }), (pattern, other) => {
        const matches = compileGlob(pattern);
        expect(matches(pattern)).toBe(true);
        expect(matches(other)).toBe(other === pattern);
      }),
    );
  });

  it('`*` around a plain string means "contains"; a trailing `*` means "starts with"', () => {
    fc.assert(
      fc.property(plain, fc.string({ maxLength: 20 }), (part, value) => {
        expect(compileGlob(`*${part}*`)(value)).toBe(value.includes(part));
        expect(compileGlob(`${part}*`)(value)).toBe(value.startsWith(part));
        expect(compileGlob(`*${part}`)(value)).toBe(value.endsWith(part));
      }),
    );
  });

  // An oracle for the test only: a regex built from the pattern with every character escaped.
  function oracle(pattern: string): RegExp {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern.charAt(i);
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else if (ch === '[') {
        const close = pattern.indexOf(']', i + 2);
        const body = pattern.slice(i + 1, close);
        const negated = body.startsWith('!');
        const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
        source += `[${negated ? '^' : ''}${members}]`;
        i = close;
      } else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    return new RegExp(`^${source}$`, 's');
  }

  const piece = fc.constantFrom('a', 'b', 'ab', '*', '?', '[ab]', '[!a]', '[a-c]', '.', '-');
  const pattern = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));
  const value = fc.array(fc.constantFrom('a', 'b', 'c', '.', '-'), { maxLength: 10 }).map((chars) => chars.join(''));

  it('agrees with an escaped-regex oracle on random patterns', () => {
    fc.assert(
      fc.property(pattern, value, (p, v) => {
        expect(compileGlob(p)(v)).toBe(oracle(p).test(v));
      }),
      { numRuns: 2000 },
    );
  });
});
