// Reads a policy file's text: YAML → schema. Every problem names the line and the field path,
// e.g. `line 12, severities[1].responseWithin: must be a duration such as "15m"`.
import { createHash } from 'node:crypto';
import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { allowedFields, unknownFieldMessage } from './policy-fields.ts';
import { Breach } from './breach-schema.ts';
import { PolicyDocument, type Policy } from './policy-schema.ts';

export interface PolicyProblem {
  /** 1-based line in the file, when the field can be located. */
  line: number | null;
  /** Field path such as "severities[1].responseWithin" ("" for the whole file). */
  path: string;
  message: string;
}

export type PolicyParseResult =
  { ok: true; policy: Policy; hash: string } | { ok: false; problems: PolicyProblem[] };

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

export function formatProblem(problem: PolicyProblem): string {
  const where = [problem.line !== null ? `line ${problem.line}` : null, problem.path || null]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${problem.message}` : problem.message;
}

/** The compiler-style form editors understand: `FILE:LINE: path: message`. */
export function formatProblemAt(file: string, problem: PolicyProblem): string {
  const where = problem.line !== null ? `${file}:${problem.line}` : file;
  return `${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** Where a field is written: the line of its key, or of the item in a list. */
function lineOf(
  doc: Document,
  counter: LineCounter,
  path: ReadonlyArray<PropertyKey>,
): number | null {
  // Walk up until a node exists: a missing key is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const parent = depth > 0 ? doc.getIn(path.slice(0, depth - 1) as unknown[], true) : null;
    const last = path[depth - 1];
    if (typeof last === 'string' && isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (pair && isNode(pair.key) && pair.key.range) {
        return counter.linePos(pair.key.range[0]).line;
      }
    }
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

const EXPECTED: Partial<Record<string, string>> = {
  boolean: 'must be true or false',
  number: 'must be a number',
  string: 'must be text',
  array: 'must be a list',
  object: 'must be a mapping of fields',
};

/** Zod's issues in the policy author's terms: one problem per unknown key, "is required". */
function problemsOf(
  issue: z.core.$ZodIssue,
  input: unknown,
  locate: (path: ReadonlyArray<PropertyKey>) => number | null,
): PolicyProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedFields(issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return {
        line: locate(path),
        path: formatPath(path),
        message: unknownFieldMessage(key, allowed),
      };
    });
  }
  const value = valueAt(input, issue.path);
  const got = JSON.stringify(value)?.slice(0, 60);
  // Zod's generic wording is rewritten; the schema's own messages (durations...) stay.
  const generic = /^Invalid (input|option)/.test(issue.message);
  let message = issue.message;
  if (issue.path.length === 0 && issue.code === 'invalid_type') {
    message =
      input === null || input === undefined
        ? 'the file is empty; a policy starts with "format: 1"'
        : 'a policy file must be a mapping of fields (format, name, severities, ...)';
  } else if (issue.code === 'invalid_type' && value === undefined) {
    message = 'is required but missing';
  } else if (generic && issue.code === 'invalid_value') {
    message = `must be one of ${issue.values.map(String).join(', ')} (got ${got})`;
  } else if (generic && issue.code === 'invalid_type') {
    message = `${EXPECTED[issue.expected] ?? issue.message} (got ${got})`;
  }
  return [{ line: locate(issue.path), path: formatPath(issue.path), message }];
}

/** The policy's identity: SHA-256 of the file's text, so any edit is a new version. */
export function policyHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const MAX_YAML_PROBLEMS = 5;

/** A file holding only a `breach:` section: regimes to copy into a policy (policies/examples). */
export const PolicyFragment = z.strictObject({ breach: Breach });
export type PolicyFragment = z.output<typeof PolicyFragment>;

export type FragmentParseResult =
  { ok: true; fragment: PolicyFragment } | { ok: false; problems: PolicyProblem[] };

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: PolicyProblem[] };

function parseYamlWith<T>(text: string, schema: z.ZodType<T>): Parsed<T> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One mistake often makes the parser complain many times; the first few distinct ones help.
    const seen = new Set<string>();
    const problems: PolicyProblem[] = [];
    for (const error of doc.errors) {
      const line = counter.linePos(error.pos[0]).line;
      const message = `not valid YAML: ${error.message.split('\n')[0]}`;
      if (seen.has(`${line}:${message}`)) continue;
      seen.add(`${line}:${message}`);
      problems.push({ line, path: '', message });
    }
    return { ok: false, problems: problems.slice(0, MAX_YAML_PROBLEMS) };
  }
  const input: unknown = doc.toJS();
  const result = schema.safeParse(input);
  if (!result.success) {
    const locate = (path: ReadonlyArray<PropertyKey>) => lineOf(doc, counter, path);
    const problems = result.error.issues.flatMap((issue) => problemsOf(issue, input, locate));
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { ok: false, problems };
  }
  return { ok: true, value: result.data };
}

export function parsePolicy(text: string): PolicyParseResult {
  const parsed = parseYamlWith(text, PolicyDocument);
  return parsed.ok
    ? { ok: true, policy: parsed.value, hash: policyHash(text) }
    : { ok: false, problems: parsed.problems };
}

export function parsePolicyFragment(text: string): FragmentParseResult {
  const parsed = parseYamlWith(text, PolicyFragment);
  return parsed.ok ? { ok: true, fragment: parsed.value } : parsed;
}

/** A fragment has a `breach:` section and none of a policy's own fields (no `format`). */
export function isPolicyFragment(text: string): boolean {
  const doc = parseDocument(text, { prettyErrors: false });
  const value: unknown = doc.errors.length === 0 ? doc.toJS() : null;
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'breach' in value &&
    !('format' in value)
  );
}
