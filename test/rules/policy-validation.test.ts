// A policy file with a mistake is refused with the line, the field and what is wrong, one kind of
// mistake at a time, starting from the bundled default policy.

import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_TEXT } from '../helpers/policies.ts';
import {
  formatProblemAt,
  parsePolicy,
  type PolicyProblem,
} from '../../src/server/domain/policy/index.ts';

const DEFAULT = DEFAULT_POLICY_TEXT;

/** The default policy with one passage replaced (which must occur exactly once). */
function withChange(from: string, to: string): string {
  expect(DEFAULT.split(from), `"${from}" occurs once in the default policy`).toHaveLength(2);
  return DEFAULT.replace(from, to);
}

/** 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  expect(at, `"${needle}" is in the text`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split('\n').length;
}

function problemsOf(text: string): PolicyProblem[] {
  const result = parsePolicy(text);
  if (result.ok) throw new Error('the policy was accepted');
  return result.problems;
}

describe('a policy file with a mistake is refused, naming the line and the field', () => {
  it('a YAML syntax error names its line', () => {
    const text = withChange('  quorum: 4\n', '  quorum: [4\n');
    const [first] = problemsOf(text);
    expect(first!.message).toMatch(/^not valid YAML: /);
    expect(first!.line).toBeGreaterThanOrEqual(lineOf(text, 'quorum: [4'));
  });

  it('a repeated key is a YAML error on its line', () => {
    const text = withChange('  quorum: 4\n', '  quorum: 4\n  quorum: 3\n');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ line: lineOf(text, 'quorum: 3'), path: '' }),
    ]);
  });

  it('a misspelt field is refused with the field it probably meant', () => {
    const text = withChange('    responseWithin: 15m\n', '    responseWitin: 15m\n');
    const problems = problemsOf(text);
    expect(problems).toContainEqual({
      line: lineOf(text, 'responseWitin'),
      path: 'severities[0].responseWitin',
      message: 'unknown field "responseWitin"; did you mean "responseWithin"?',
    });
    expect(problems).toContainEqual({
      line: lineOf(text, '- id: P0'),
      path: 'severities[0].responseWithin',
      message: 'is required but missing',
    });
  });

  it('an unknown field far from any known one lists the fields allowed there', () => {
    const text = withChange('  quorum: 4\n', '  quorum: 4\n  chairperson: Alice\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'chairperson'),
        path: 'panel.chairperson',
        message: expect.stringMatching(
          /^unknown field "chairperson"; allowed here: description, includesOwner, .*quorum/,
        ),
      },
    ]);
  });

  it('a value of the wrong type says what was expected and what was found', () => {
    const text = withChange('  otherResponders: 2\n', '  otherResponders: two\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'otherResponders: two'),
        path: 'panel.otherResponders',
        message: 'must be a number (got "two")',
      },
    ]);
  });

  it('a duration that is not one says how to write it', () => {
    const text = withChange('    responseWithin: 1h\n', '    responseWithin: an hour\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'responseWithin: an hour'),
        path: 'severities[1].responseWithin',
        message: 'must be a duration such as "15m", "4h" or "3d"',
      },
    ]);
  });

  it('a number where a duration belongs says how to write a duration', () => {
    const text = withChange('  acknowledgeWithin: 24h\n', '  acknowledgeWithin: 24\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'acknowledgeWithin: 24'),
        path: 'reporters.acknowledgeWithin',
        message: 'must be a duration such as "15m", "4h" or "3d"',
      },
    ]);
  });

  it('a value outside its choices lists them', () => {
    const text = withChange('  onTie: security_lead_decides\n', '  onTie: coin_flip\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'coin_flip'),
        path: 'panel.onTie',
        message: 'must be one of security_lead_decides, critical, no_decision (got "coin_flip")',
      },
    ]);
  });

  it('two severities with the same id are refused at the second', () => {
    const text = withChange('  - id: P1\n', '  - id: P0\n');
    expect(problemsOf(text)).toContainEqual({
      line: lineOf(text, '- id: P0\n    name: High'),
      path: 'severities[1].id',
      message: 'duplicate severity id "P0"',
    });
  });

  it('a role required for a severity the policy does not have is refused', () => {
    const text = withChange('    requiredFor: [P0]\n', '    requiredFor: [P0, P5]\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, '[P0, P5]'),
        path: 'roles[5].requiredFor[1]',
        message: '"P5" is not one of the severities (P0, P1, P2)',
      },
    ]);
  });

  it('four-eyes publishing for a severity the policy does not have is refused', () => {
    const text = withChange('      severities: []\n', '      severities: [P0, SEV9]\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, '[P0, SEV9]'),
        path: 'communications.publishing.fourEyes.severities[1]',
        message: '"SEV9" is not one of the severities (P0, P1, P2)',
      },
    ]);
  });

  it('the severity proposed for a critical decision must itself be critical', () => {
    const text = withChange('    critical: P1\n', '    critical: P2\n');
    expect(problemsOf(text)).toContainEqual({
      line: lineOf(text, 'critical: P2'),
      path: 'criticality.defaultSeverity.critical',
      message: 'severity "P2" is not marked critical',
    });
  });

  it('containment kinds are ids, each listed once', () => {
    const lastClocksLine =
      '  repeatAtLastLevel: 3 # then the ladder is quiet; the deadline stays breached\n';
    const text = withChange(
      lastClocksLine,
      lastClocksLine +
        'containment:\n  kinds:\n    - id: unplugged\n      name: Unplugged\n    - id: unplugged\n      name: Pulled\n',
    );
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'name: Pulled') - 1,
        path: 'containment.kinds[1].id',
        message: 'duplicate containment kind id "unplugged"',
      },
    ]);
  });

  it('a quorum larger than the panel can never be reached and is refused', () => {
    const text = withChange('  quorum: 4\n', '  quorum: 5\n');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'quorum: 5'),
        path: 'panel.quorum',
        message: 'quorum 5 is larger than the panel (4 members)',
      },
    ]);
  });

  it('a policy without a terminal phase is refused at its last phase', () => {
    const text = withChange('    terminal: true\n', '');
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, '- id: closed'),
        path: 'phases[5]',
        message:
          'no terminal phase: the last phase must say "terminal: true" (incidents are closed there)',
      },
    ]);
  });

  it('a terminal phase that is not the last is refused', () => {
    const text = withChange(
      '    name: Lessons learned\n',
      '    name: Lessons learned\n    terminal: true\n',
    );
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'terminal: true'),
        path: 'phases[4].terminal',
        message: 'only the last phase may be terminal',
      },
    ]);
  });

  it('stop-the-line naming a phase that does not exist is refused', () => {
    const text = withChange(
      '  containedAfterPhase: containment\n',
      '  containedAfterPhase: contain\n',
    );
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'containedAfterPhase: contain'),
        path: 'stopTheLine.containedAfterPhase',
        message: expect.stringMatching(
          /^"contain" is not one of the phases \(detection_analysis, /,
        ),
      },
    ]);
  });

  it('"contained" measured after the terminal phase could never resume the line, and is refused', () => {
    const text = withChange(
      '  containedAfterPhase: containment\n',
      '  containedAfterPhase: closed\n',
    );
    expect(problemsOf(text)).toEqual([
      {
        line: lineOf(text, 'containedAfterPhase: closed'),
        path: 'stopTheLine.containedAfterPhase',
        message: expect.stringMatching(/^"closed" is the terminal phase/),
      },
    ]);
  });

  it('a missing section is named, at the start of the document', () => {
    const start = DEFAULT.indexOf('verification:');
    const end = DEFAULT.indexOf('reporters:');
    const without = DEFAULT.slice(0, start) + DEFAULT.slice(end);
    expect(problemsOf(without)).toEqual([
      {
        line: lineOf(without, 'format: 1'),
        path: 'verification',
        message: 'is required but missing',
      },
    ]);
  });

  it('an empty file and a file that is not a mapping are refused in plain words', () => {
    expect(problemsOf('')[0]!.message).toBe('the file is empty; a policy starts with "format: 1"');
    expect(problemsOf('- P0\n- P1\n')[0]!.message).toMatch(/must be a mapping of fields/);
  });

  it('problems print as FILE:LINE: field: message, the form editors jump to', () => {
    const text = withChange('  quorum: 4\n', '  quorum: 5\n');
    expect(problemsOf(text).map((p) => formatProblemAt('team.yaml', p))).toEqual([
      `team.yaml:${lineOf(text, 'quorum: 5')}: panel.quorum: quorum 5 is larger than the panel (4 members)`,
    ]);
  });
});
