// Reads a policy file's text: YAML → schema. Every problem names the line and the field path,
// e.g. `line 12, severities[1].responseWithin: must be a duration such as "15m"`.
import { createHash } from 'node:crypto';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
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

function lineOf(
  doc: Document,
  counter: LineCounter,
  path: ReadonlyArray<PropertyKey>,
): number | null {
  // Walk up until a node exists: a missing key is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}

/** The policy's identity: SHA-256 of the file's text, so any edit is a new version. */
export function policyHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function parsePolicy(text: string): PolicyParseResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        line: e.linePos?.[0]?.line ?? null,
        path: '',
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const result = PolicyDocument.safeParse(doc.toJS());
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => ({
        line: lineOf(doc, counter, issue.path),
        path: formatPath(issue.path),
        message: issue.message,
      })),
    };
  }
  return { ok: true, policy: result.data, hash: policyHash(text) };
}
