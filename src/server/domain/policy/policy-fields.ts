// Which fields the schema allows at a place in the policy file, so a typo such as
// `responseWitin` is answered with "did you mean responseWithin?" instead of a bare refusal.
import { z } from 'zod';
import { PolicyDocument } from './policy-schema.ts';

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.core.$ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.core.$ZodType;
    } else {
      return current;
    }
  }
}

/** The field names allowed in the object at `path` (empty when the path leads elsewhere). */
export function allowedFields(path: ReadonlyArray<PropertyKey>): string[] {
  let schema: z.core.$ZodType = PolicyDocument;
  for (const part of path) {
    const here = unwrap(schema);
    if (typeof part === 'number' && here instanceof z.ZodArray) {
      schema = here.element as z.core.$ZodType;
    } else if (typeof part === 'string' && here instanceof z.ZodObject) {
      const next = (here.shape as Record<string, z.core.$ZodType | undefined>)[part];
      if (!next) return [];
      schema = next;
    } else {
      return [];
    }
  }
  const target = unwrap(schema);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const same = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase();
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (same ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** "unknown field; did you mean "x"?" or the list of fields allowed here. */
export function unknownFieldMessage(key: string, allowed: string[]): string {
  const best = allowed
    .map((name) => ({ name, d: distance(key, name) }))
    .sort((x, y) => x.d - y.d)[0];
  if (best && best.d <= Math.max(2, Math.floor(best.name.length / 4))) {
    return `unknown field "${key}"; did you mean "${best.name}"?`;
  }
  return allowed.length > 0
    ? `unknown field "${key}"; allowed here: ${allowed.join(', ')}`
    : `unknown field "${key}"`;
}
