/**
 * Amazon EventBridge event-pattern matching, for tests that check every rule pattern in the
 * packaged CloudFormation template selects exactly the sample events it should. No npm package
 * implements it, so this is a small re-implementation of the documented semantics:
 * - Amazon EventBridge User Guide: "Event patterns", "Comparison operators", "Content filtering
 *   in Amazon EventBridge event patterns", "Arrays in event patterns", "Matching null values and
 *   empty strings";
 * - aws/event-ruler (the open-source matcher behind EventBridge) where the guide is silent:
 *   `$or`, wildcard escapes, numeric limits, array consistency.
 */

type Obj = Record<string, unknown>;
type Leaf = string | number | boolean | null;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLeaf = (v: unknown): v is Leaf => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Numeric matching is only defined in this range (event-ruler README: -5.0e9..+5.0e9). */
const NUMERIC_LIMIT = 5e9;
const COMPARE = new Map<unknown, (a: number, b: number) => boolean>([
  ['<', (a, b) => a < b],
  ['<=', (a, b) => a <= b],
  ['=', (a, b) => a === b],
  ['>=', (a, b) => a >= b],
  ['>', (a, b) => a > b],
]);
const STRING_OPS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

/**
 * True when `event` (the whole EventBridge envelope: source, detail-type, detail, ...) matches.
 * Throws on a pattern EventBridge would reject, so a typo in a rule can't pass as "no match".
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  const problems = validatePattern(pattern);
  if (problems.length > 0) throw new Error(`Invalid EventBridge pattern: ${problems.join('; ')}`);
  return matchObject(pattern as Obj, event);
}

/** Every field must match (AND); `$or` branches are alternatives; other objects nest. */
function matchObject(pattern: Obj, value: unknown): boolean {
  // An array of objects matches when ONE element matches the whole sub-pattern, so fields are
  // never combined across elements (event-ruler's "array consistency"). Nested arrays flatten;
  // an empty array has no fields. Undocumented consequence: exists:false is judged per element.
  if (Array.isArray(value)) {
    const elements = value.flat(Number.POSITIVE_INFINITY);
    if (elements.length === 0) return matchObject(pattern, undefined);
    return elements.some((element) => matchObject(pattern, element));
  }
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as Obj[]).some((branch) => matchObject(branch, value));
    const child = isObj(value) ? value[key] : undefined;
    return Array.isArray(rule) ? matchField(rule, child) : matchObject(rule as Obj, child);
  });
}

/** A pattern array is a list of alternatives (OR) tested against the field's leaf values. */
function matchField(matchers: unknown[], value: unknown): boolean {
  const leaves = leafValues(value);
  // "exists" is about leaves: an object-valued field does not exist, a null-valued one does.
  const exists = leaves.length > 0;
  return matchers.some((matcher) => {
    if (isObj(matcher) && 'exists' in matcher) return matcher.exists === exists;
    // An event array matches if ANY element matches; an absent field matches nothing else
    // (so anything-but never matches a missing field).
    return leaves.some((leaf) => matchLeaf(matcher, leaf));
  });
}

function leafValues(value: unknown): Leaf[] {
  if (Array.isArray(value)) return value.flatMap(leafValues);
  return isLeaf(value) ? [value] : [];
}

function matchLeaf(matcher: unknown, leaf: Leaf): boolean {
  // Exact match: strings case-sensitive, numbers numerically (JSON.parse already made 300.0 ===
  // 300), no coercion between types, null only matches null.
  if (!isObj(matcher)) return matcher === leaf;
  const [op, arg] = Object.entries(matcher)[0] as [string, unknown];
  switch (op) {
    case 'numeric':
      return typeof leaf === 'number' && inRange(arg as unknown[], leaf);
    case 'cidr':
      return typeof leaf === 'string' && inCidr(arg as string, leaf);
    case 'anything-but': {
      if (!isObj(arg)) return !asList(arg).includes(leaf);
      const [inner, innerArg] = Object.entries(arg)[0] as [string, unknown];
      // Not documented for non-strings; they can't have the excluded shape, so they pass.
      return typeof leaf !== 'string' || !asList(innerArg).some((a) => stringTest(inner, a)(leaf));
    }
    default:
      return typeof leaf === 'string' && stringTest(op, arg)(leaf);
  }
}

/** prefix / suffix (optionally `{"equals-ignore-case": ...}` inside), equals-ignore-case, wildcard. */
function stringTest(op: string, arg: unknown): (s: string) => boolean {
  const fold = isObj(arg); // {"prefix": {"equals-ignore-case": "eventb"}}
  const needle = String(fold ? arg['equals-ignore-case'] : arg);
  const norm = (s: string) => (fold ? s.toLowerCase() : s);
  switch (op) {
    case 'prefix':
      return (s) => norm(s).startsWith(norm(needle));
    case 'suffix':
      return (s) => norm(s).endsWith(norm(needle));
    case 'equals-ignore-case':
      return (s) => s.toLowerCase() === needle.toLowerCase();
    default: {
      const re = wildcardRegExp(needle);
      return (s) => re.test(s);
    }
  }
}

/** `*` is any run of characters; `\*` a literal star and `\\` a literal backslash. */
function wildcardRegExp(wildcard: string): RegExp {
  let source = '';
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i] as string;
    if (c === '\\') source += escapeRegExp(wildcard[++i] ?? '');
    else source += c === '*' ? '.*' : escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** ["<", 10] or [">", 0, "<=", 5] or ["=", 3.018e2]: every comparison must hold. */
function inRange(spec: unknown[], n: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    if (!COMPARE.get(spec[i])?.(n, spec[i + 1] as number)) return false;
  }
  return true;
}

function inCidr(cidr: string, address: string): boolean {
  const [base = '', length = ''] = cidr.split('/');
  const net = parseIp(base);
  const ip = parseIp(address);
  if (!net || !ip || net.bits !== ip.bits) return false;
  const hostBits = BigInt(net.bits - Number(length));
  return ip.value >> hostBits === net.value >> hostBits;
}

/** IPv4 dotted quad or IPv6 (with optional `::`) as an integer; undefined when malformed. */
function parseIp(text: string): { value: bigint; bits: number } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), bits: 32 };
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [head = [], tail = []] = halves.map((h) => (h === '' ? [] : h.split(':')));
  const given = head.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const groups = [...head, ...Array<string>(8 - given).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n), bits: 128 };
}

/** Problems EventBridge would reject the pattern for (or that can never match); empty when valid. */
export function validatePattern(pattern: unknown): string[] {
  const problems: string[] = [];
  checkObject(pattern, '', problems);
  return problems;
}

function checkObject(node: unknown, path: string, out: string[]): void {
  const here = path || '(pattern)';
  if (!isObj(node)) {
    out.push(`${here}: must be a JSON object`);
    return;
  }
  if (Object.keys(node).length === 0) out.push(`${here}: must name at least one field`);
  for (const [key, rule] of Object.entries(node)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2) out.push(`${at}: must be an array of at least two patterns`);
      else
        rule.forEach((branch, i) => {
          checkObject(branch, `${at}[${i}]`, out);
        });
    } else if (Array.isArray(rule)) {
      if (rule.length === 0) out.push(`${at}: an empty array matches nothing`);
      rule.forEach((matcher, i) => {
        const problem = isLeaf(matcher) ? undefined : checkOperator(matcher);
        if (problem) out.push(`${at}[${i}]: ${problem}`);
      });
    } else if (isObj(rule)) {
      checkObject(rule, at, out);
    } else {
      out.push(`${at}: values must be wrapped in an array, e.g. [${JSON.stringify(rule)}]`);
    }
  }
}

function checkOperator(matcher: unknown): string | undefined {
  if (!isObj(matcher)) return 'must be a string, number, boolean, null or an operator object';
  const keys = Object.keys(matcher);
  if (keys.length !== 1) return `an operator object takes exactly one key, got ${JSON.stringify(keys)}`;
  const op = keys[0] as string;
  const arg = matcher[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return checkString(op, isObj(arg) && Object.keys(arg).length === 1 ? arg['equals-ignore-case'] : arg);
    case 'equals-ignore-case':
    case 'wildcard':
      return checkString(op, arg);
    case 'anything-but':
      return checkAnythingBut(arg);
    case 'numeric':
      return checkNumeric(arg);
    case 'exists':
      return typeof arg === 'boolean' ? undefined : 'exists takes true or false';
    case 'cidr':
      return checkCidr(arg);
    default:
      return `unknown operator "${op}"`;
  }
}

function checkString(op: string, arg: unknown): string | undefined {
  if (typeof arg !== 'string') return `${op} takes a string`;
  return op === 'wildcard' ? checkWildcard(arg) : undefined;
}

function checkWildcard(wildcard: string): string | undefined {
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i];
    if (c === '\\') {
      const next = wildcard[++i];
      if (next !== '*' && next !== '\\') return 'wildcard: a backslash may only escape * or \\';
    } else if (c === '*' && wildcard[i + 1] === '*') {
      return 'wildcard: consecutive * are not allowed';
    }
  }
  return undefined;
}

function checkAnythingBut(arg: unknown): string | undefined {
  if (typeof arg === 'string' || typeof arg === 'number') return undefined;
  if (Array.isArray(arg)) {
    const ok = arg.length > 0 && ['string', 'number'].some((t) => arg.every((v) => typeof v === t));
    return ok ? undefined : 'anything-but lists must be non-empty and all strings or all numbers';
  }
  const keys = isObj(arg) ? Object.keys(arg) : [];
  const inner = keys[0] as string;
  if (keys.length !== 1 || !STRING_OPS.includes(inner)) {
    return 'anything-but takes a string, a number, a list, or {prefix|suffix|equals-ignore-case|wildcard}';
  }
  const value = (arg as Obj)[inner];
  // The guide: anything-but prefix (and suffix) take a single value, not a list.
  const values = Array.isArray(value) && (inner === 'equals-ignore-case' || inner === 'wildcard') ? value : [value];
  if (values.length === 0) return `anything-but ${inner} list is empty`;
  for (const v of values) {
    const problem = checkString(`anything-but ${inner}`, v);
    if (problem) return problem;
  }
  return undefined;
}

function checkNumeric(arg: unknown): string | undefined {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) {
    return 'numeric takes [operator, number, ...] pairs';
  }
  const lower: number[] = [];
  const upper: number[] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const [op, bound] = [arg[i], arg[i + 1]];
    if (!COMPARE.has(op)) return `numeric: unknown operator ${JSON.stringify(op)}`;
    if (typeof bound !== 'number' || Math.abs(bound) > NUMERIC_LIMIT) {
      return `numeric: bound must be a number within ±${NUMERIC_LIMIT}`;
    }
    if (op === '=' && arg.length > 2) return 'numeric: "=" cannot be combined with other comparisons';
    (op === '>' || op === '>=' ? lower : upper).push(bound);
  }
  if (lower.length > 1 || upper.length > 1) return 'numeric: at most one lower and one upper bound';
  if (lower[0] !== undefined && upper[0] !== undefined && lower[0] >= upper[0]) {
    return 'numeric: the lower bound must be below the upper bound';
  }
  return undefined;
}

function checkCidr(arg: unknown): string | undefined {
  if (typeof arg !== 'string') return 'cidr takes a string';
  const [base = '', length, ...rest] = arg.split('/');
  const ip = parseIp(base);
  const bits = Number(length);
  const ok = ip && rest.length === 0 && /^\d{1,3}$/.test(length ?? '') && bits <= ip.bits;
  return ok ? undefined : `cidr: "${arg}" is not an IPv4 or IPv6 address/prefix-length`;
}
