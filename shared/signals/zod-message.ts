/** One readable line for the first problem zod found, e.g. `detail.state.value: expected one of ...`. */
import type { z } from 'zod';

export function firstIssueLine(error: z.ZodError, root = ''): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = [root, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
    .filter(Boolean)
    .join('.')
    .replace(/\.\[/g, '[');
  return path ? `${path}: ${issue.message}` : issue.message;
}
