// Seams dependency-cruiser cannot see (a call, not an import), checked on the source: the CLI asks
// the subjects' use cases instead of querying tables, the report's side tables (its attachments
// included) are written by its projection only, and the composition root binds nothing late
// (issue 12).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../src/server');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const filesIn = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f}`);

/** Lines of `source` matching `pattern`, as "file:line: text", for a readable failure. */
function offending(files: string[], pattern: RegExp): string[] {
  return files.flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((text, i) => (pattern.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : [])),
  );
}

describe('seams a call crosses', () => {
  it('the CLI runs no query: it asks a subject (its reader or module) as the system', () => {
    const queries = /\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/;
    expect(offending(filesIn('cli'), queries)).toEqual([]);
  });

  it("a report's side rows are written by its projection only", () => {
    const writers =
      /(?<!function )\b(insertAttachment|insertMessage|insertVerification|insertRemovalTask|updateRemovalTask)\(/;
    const others = filesIn('domain/reports').filter(
      (f) => !/report-(projection|repository)\.ts$/.test(f),
    );
    expect(offending(others, writers)).toEqual([]);
    const tables =
      /insertInto\('(report_attachments|report_messages|report_identity_verifications|public_removal_tasks)'\)|updateTable\('public_removal_tasks'\)/;
    const outside = [...filesIn('domain/reports'), ...filesIn('cli'), 'container.ts'].filter(
      (f) => !f.endsWith('report-repository.ts'),
    );
    expect(offending(outside, tables)).toEqual([]);
  });

  it('the composition root binds nothing late: no `let`, no non-null assertion', () => {
    expect(offending(['container.ts'], /^\s*let \w+\s*(:[^=]+)?=\s*null|\w!\./)).toEqual([]);
  });
});
