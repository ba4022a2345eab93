/**
 * Positions in a runbook file for messages about a runbook that already loaded (lint): the
 * same YAML parse the loader does, kept for its node positions.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { LintSource } from '../shared/runbook/lint.js';
import { NodeLocator } from '../shared/runbook/yaml-location.js';

export function runbookSource(filePath: string): LintSource | undefined {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false });
  const locator = new NodeLocator(doc, lineCounter);
  return {
    locate: (path, target) => locator.locate(path, target),
    has: (path) => doc.hasIn(path),
  };
}
