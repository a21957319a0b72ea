// Loads the policy in force from its file at start-up. A policy with a mistake stops start-up
// with every problem listed, line by line.
import { readFileSync } from 'node:fs';
import { parsePolicy, formatProblemAt } from './policy-parse.ts';
import type { Policy } from './policy-schema.ts';

export interface PolicyInForce {
  policy: Policy;
  /** SHA-256 of the file text: the version incidents record. */
  hash: string;
  /** The file text as written, kept for the policy history. */
  text: string;
  path: string;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export function loadPolicyFile(path: string): PolicyInForce {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyError(`cannot read policy file ${path}: ${(error as Error).message}`);
  }
  const result = parsePolicy(text);
  if (!result.ok) {
    throw new PolicyError(
      `policy file ${path} is not valid:\n` +
        result.problems.map((p) => formatProblemAt(path, p)).join('\n'),
    );
  }
  return { policy: result.policy, hash: result.hash, text, path };
}
