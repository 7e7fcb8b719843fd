import type { z } from 'zod';

/** A domain validation failure; `issues` name each offending field ("plays[2].userId: ..."). */
export class ValidationError extends Error {
  constructor(
    readonly issues: string[],
    what = 'input',
  ) {
    super(`invalid ${what}: ${issues.join('; ')}`);
    this.name = 'ValidationError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/** Parses `value` with `schema` or throws a ValidationError naming every bad field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(formatIssues(result.error), what);
  return result.data;
}
