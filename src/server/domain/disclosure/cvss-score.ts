// CVSS vectors scored by a library (ae-cvss-calculator, by metaeffekt): no formula is written
// here. What this file adds is the strictness the library lacks (it forgives a missing prefix,
// repeated metrics and a partial vector): a vector must name its version, each metric once, and
// every base metric, or it is refused naming the field.
import * as calculator from 'ae-cvss-calculator';
import type { CvssRating } from '../../../shared/domain/disclosure.ts';

// A webpack bundle: Node's ESM loader sees its exports under `default`, tsx and Vite by name.
const library: typeof calculator =
  (calculator as { Cvss3P1?: unknown }).Cvss3P1 !== undefined
    ? calculator
    : (calculator as unknown as { default: typeof calculator }).default;
const { Cvss3P1, Cvss4P0 } = library;

export interface CvssScore {
  /** The vector as given. */
  vector: string;
  version: '3.1' | '4.0';
  baseScore: number;
  rating: CvssRating;
}

const SHAPE = /^CVSS:(3\.1|4\.0)((?:\/[A-Za-z]{1,3}:[A-Za-z]{1,5})+)$/;

/** The score of a vector of this version, or the reason it cannot be scored. */
export function scoreCvss(
  vector: string,
  version: '3.1' | '4.0',
): { score: CvssScore } | { problem: string } {
  const shape = SHAPE.exec(vector);
  if (!shape || shape[1] !== version) {
    return { problem: `must be a CVSS ${version} vector starting CVSS:${version}/` };
  }
  const metrics = shape[2]!
    .slice(1)
    .split('/')
    .map((part) => part.split(':')[0]!);
  const repeated = metrics.find((m, i) => metrics.indexOf(m) !== i);
  if (repeated) return { problem: `names the metric ${repeated} more than once` };
  let parsed: InstanceType<typeof Cvss3P1> | InstanceType<typeof Cvss4P0>;
  try {
    parsed = version === '3.1' ? new Cvss3P1(vector) : new Cvss4P0(vector);
  } catch (error) {
    return { problem: `is not a valid CVSS ${version} vector (${(error as Error).message})` };
  }
  if (!parsed.isBaseFullyDefined()) {
    return { problem: `lacks base metrics: a CVSS ${version} vector gives every one of them` };
  }
  const json = parsed.createJsonSchema() as { baseScore: number; baseSeverity: string };
  return {
    score: {
      vector,
      version,
      baseScore: json.baseScore,
      rating: json.baseSeverity.toLowerCase() as CvssRating,
    },
  };
}
