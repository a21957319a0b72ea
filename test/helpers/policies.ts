// Policy files for tests: the bundled default, the SEV1–SEV4 example, and edited copies on disk.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_POLICY } from '../../src/server/config.ts';

export { BUNDLED_POLICY };
export const SEV_EXAMPLE = fileURLToPath(
  new URL('../../policies/examples/sev-1-to-4.yaml', import.meta.url),
);
export const DEFAULT_POLICY_TEXT = readFileSync(BUNDLED_POLICY, 'utf8');

/** Writes the default policy with one passage replaced to a temp file; returns its path. */
export function writeEditedPolicy(from: string, to: string, name = 'policy.yaml'): string {
  if (DEFAULT_POLICY_TEXT.split(from).length !== 2) {
    throw new Error(`"${from}" must occur exactly once in the default policy`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), name);
  writeFileSync(path, DEFAULT_POLICY_TEXT.replace(from, to));
  return path;
}

/**
 * The default policy with phases that need nothing but what is given: detection, containment
 * (skippable), recovery with `recoveryExitChecks` (YAML list items, indented six spaces), lessons
 * learned, closed. Tests reach resolution and closing in a few steps.
 */
export function withShortPhases(recoveryExitChecks = ''): string {
  const checks = recoveryExitChecks ? `\n    exitChecks:\n${recoveryExitChecks.trimEnd()}` : '';
  const phases = `phases:
  - id: detection_analysis
    name: Detection & analysis
    description: Look.
  - id: containment
    name: Containment
    description: Contain.
    skippableWhen: always
  - id: recovery
    name: Recovery
    description: Restore.${checks}
  - id: lessons_learned
    name: Lessons learned
    description: Learn.
  - id: closed
    name: Closed
    description: Over.
    terminal: true

stopTheLine:`;
  return DEFAULT_POLICY_TEXT.replace(/\nphases:\n[\s\S]*?\nstopTheLine:/, `\n${phases}`);
}

/** Writes a policy fragment (a file holding only a `breach:` section) to a temp file. */
export function writeEditedPolicyFragment(text: string, name = 'fragment.yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'stopline-fragment-')), name);
  writeFileSync(path, text);
  return path;
}

/** Kundo's incident management process, step 8: the post-mortem's questions, word for word. */
export const KUNDO_POSTMORTEM_QUESTIONS = [
  'Under which circumstances did the incident occur?',
  'What happened and how did Kundo respond?',
  'What went wrong? What checks failed?',
  'In what way did or processes and technology fail?',
  'In what way did or processes and technology work well?',
  'Based on this: what changes to processes or technology are we planning to do?',
  'Does knowledge about this issue need to be spead wider within the company?',
  "Has the issue been documented according to what it's severity demands?",
];

/** The default policy with two continuity procedures (payments by phone, mail by hand). */
export function withContinuityProcedures(): string {
  return writeEditedPolicy(
    '  procedures: []',
    `  procedures:
    - id: payments-manual
      title: Take card payments by phone
      covers: [Payments, payments-api]
      steps:
        - Switch the checkout banner to "call us to order".
        - Take orders on the paper form kept by the support desk.
      stakeholders: [Head of support, Finance on-call]
    - id: mail-by-hand
      title: Answer reporters by hand
      covers: [Email]
      steps:
        - Reply from the shared security mailbox.`,
  );
}
