import { InvalidArgumentError } from 'commander';

/** Commander parsers that reject bad flags with a message naming the flag's expectation. */
export function positiveInt(max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`expected a whole number from 1 to ${max}, got '${value}'`);
    }
    return n;
  };
}

/** A whole-number flag in [min, max]; the error names the flag. */
export function wholeNumber(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
    return n;
  };
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

export function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

export function serverList(allowed: readonly string[]) {
  return (value: string): string[] => {
    const names = value.split(',').map((s) => s.trim());
    const unknown = names.filter((n) => !allowed.includes(n));
    if (unknown.length > 0)
      throw new InvalidArgumentError(`unknown server(s) ${unknown.join(', ')}; known: ${allowed.join(', ')}`);
    return names;
  };
}
