/**
 * Where in runbook.yml a problem is: turns a data path (`['rules', 2, 'actions', 0]`) into the
 * 1-based line and column of the YAML node it came from, and into the `rules[2].actions[0]`
 * spelling used in messages.
 *
 * Every problem is found on plain data (after YAML parsing), so this is the one place that
 * knows about YAML nodes. A path that does not exist in the file (a missing key) points at
 * the nearest ancestor that does, which is where the key would have to be written.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type DataPath = ReadonlyArray<string | number>;

/** `value`: the node at the path; `key`: the key of the last segment (unknown keys, aliases). */
export type PathTarget = 'value' | 'key';

export interface SourcePosition {
  line: number;
  col: number;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `rules[2].actions[0].scale.by`; keys that are not identifiers are quoted: `topics["a.b"]`. */
export function formatDataPath(path: DataPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export class NodeLocator {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  locate(path: DataPath, target: PathTarget = 'value'): SourcePosition {
    const node = this.findNode(path, target);
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, col: 1 };
    return this.lineCounter.linePos(offset);
  }

  private findNode(path: DataPath, target: PathTarget): Node | undefined {
    let current: unknown = this.doc.contents;
    let found: Node | undefined = isNode(current) ? current : undefined;
    for (let depth = 0; depth < path.length; depth++) {
      const segment = path[depth] as string | number;
      const isLast = depth === path.length - 1;
      if (isMap(current)) {
        const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return found;
        const keyNode = isNode(pair.key) ? pair.key : undefined;
        if (isLast && target === 'key') return keyNode ?? found;
        current = pair.value;
        // `key:` with nothing after it has an empty value node; its key is the better place.
        found = isNode(current) && !isEmptyScalar(current) ? current : (keyNode ?? found);
      } else if (isSeq(current) && typeof segment === 'number') {
        const item = current.items[segment];
        if (!isNode(item)) return found;
        current = item;
        found = item;
      } else {
        return found;
      }
    }
    return found;
  }
}

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && !isPair(value) && 'range' in value;
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1];
}
