// `stopline policy check FILE`: is this policy file valid, and what does it say?
// `stopline policy show`: the policy in force (STOPLINE_POLICY), in one paragraph.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import {
  describePolicy,
  describeRegimes,
  formatProblemAt,
  isPolicyFragment,
  loadPolicyFile,
  parsePolicy,
  parsePolicyFragment,
  type PolicyProblem,
} from '../domain/policy/index.ts';
import type { Output } from './output.ts';

export const POLICY_USAGE = `Usage:
  stopline policy check FILE   validate a policy file (or a fragment holding only a breach: section);
                               prints a summary, or each problem as FILE:LINE: field: message
  stopline policy show         summarise the policy in force (STOPLINE_POLICY)`;

function checkFile(file: string, out: Output): number {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    out.error(
      `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
    return 1;
  }
  const refuse = (problems: PolicyProblem[], what: string) => {
    for (const problem of problems) out.error(formatProblemAt(file, problem));
    const n = problems.length;
    out.error(`${file}: not a valid ${what} (${n} problem${n === 1 ? '' : 's'})`);
    return 1;
  };
  if (isPolicyFragment(text)) {
    const fragment = parsePolicyFragment(text);
    if (!fragment.ok) return refuse(fragment.problems, 'policy fragment');
    const { regimes, calendars } = fragment.fragment.breach;
    out.info(`${file}: valid policy fragment (breach section)`);
    out.info(describeRegimes(regimes, calendars.length));
    return 0;
  }
  const result = parsePolicy(text);
  if (!result.ok) return refuse(result.problems, 'policy');
  out.info(`${file}: valid policy, hash ${result.hash}`);
  out.info(describePolicy(result.policy));
  return 0;
}

function showInForce(config: Config, out: Output): number {
  const inForce = loadPolicyFile(config.policyFile);
  out.info(`Policy in force: ${inForce.path}, hash ${inForce.hash}`);
  out.info(describePolicy(inForce.policy));
  return 0;
}

export async function policyCommand(args: string[], config: Config, out: Output): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'check' && rest.length === 1) return checkFile(rest[0]!, out);
  if (sub === 'show' && rest.length === 0) return showInForce(config, out);
  out.error(POLICY_USAGE);
  return 2;
}
