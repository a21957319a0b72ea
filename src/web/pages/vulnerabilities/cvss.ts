// The calculator's live preview: the same library the server scores with (ae-cvss-calculator),
// run in the browser while a vector is being written. The server stays authoritative: what is
// saved is the score it computes, and a vector it refuses comes back as a field error.
import * as calculator from 'ae-cvss-calculator';
import type { CvssRating } from '../../../shared/domain/disclosure.ts';

export type CvssVersion = '3.1' | '4.0';

interface Metric {
  id: string;
  name: string;
  values: [string, string][];
}

const IMPACT: [string, string][] = [
  ['H', 'High'],
  ['L', 'Low'],
  ['N', 'None'],
];
const ATTACK_VECTOR: [string, string][] = [
  ['N', 'Network'],
  ['A', 'Adjacent'],
  ['L', 'Local'],
  ['P', 'Physical'],
];
const COMPLEXITY: [string, string][] = [
  ['L', 'Low'],
  ['H', 'High'],
];
const PRIVILEGES: [string, string][] = [
  ['N', 'None'],
  ['L', 'Low'],
  ['H', 'High'],
];

/** The base metrics of each version, in the order the specification writes them. */
export const BASE_METRICS: Record<CvssVersion, Metric[]> = {
  '3.1': [
    { id: 'AV', name: 'Attack vector', values: ATTACK_VECTOR },
    { id: 'AC', name: 'Attack complexity', values: COMPLEXITY },
    { id: 'PR', name: 'Privileges required', values: PRIVILEGES },
    {
      id: 'UI',
      name: 'User interaction',
      values: [
        ['N', 'None'],
        ['R', 'Required'],
      ],
    },
    {
      id: 'S',
      name: 'Scope',
      values: [
        ['U', 'Unchanged'],
        ['C', 'Changed'],
      ],
    },
    { id: 'C', name: 'Confidentiality', values: IMPACT },
    { id: 'I', name: 'Integrity', values: IMPACT },
    { id: 'A', name: 'Availability', values: IMPACT },
  ],
  '4.0': [
    { id: 'AV', name: 'Attack vector', values: ATTACK_VECTOR },
    { id: 'AC', name: 'Attack complexity', values: COMPLEXITY },
    {
      id: 'AT',
      name: 'Attack requirements',
      values: [
        ['N', 'None'],
        ['P', 'Present'],
      ],
    },
    { id: 'PR', name: 'Privileges required', values: PRIVILEGES },
    {
      id: 'UI',
      name: 'User interaction',
      values: [
        ['N', 'None'],
        ['P', 'Passive'],
        ['A', 'Active'],
      ],
    },
    { id: 'VC', name: 'Vulnerable system confidentiality', values: IMPACT },
    { id: 'VI', name: 'Vulnerable system integrity', values: IMPACT },
    { id: 'VA', name: 'Vulnerable system availability', values: IMPACT },
    { id: 'SC', name: 'Subsequent system confidentiality', values: IMPACT },
    { id: 'SI', name: 'Subsequent system integrity', values: IMPACT },
    { id: 'SA', name: 'Subsequent system availability', values: IMPACT },
  ],
};

const prefix = (version: CvssVersion) => `CVSS:${version}`;

/** The metrics a vector names, in its order ("AV" → "N"); the prefix left out. */
export function metricsOf(vector: string): [string, string][] {
  return vector
    .trim()
    .split('/')
    .filter((part) => part && !part.startsWith('CVSS:'))
    .map((part) => {
      const [id = '', value = ''] = part.split(':');
      return [id, value];
    });
}

/** The vector with one metric set (or removed when value is empty), the others kept. */
export function withMetric(
  vector: string,
  version: CvssVersion,
  id: string,
  value: string,
): string {
  const metrics = metricsOf(vector);
  const at = metrics.findIndex(([m]) => m === id);
  if (at >= 0) {
    if (value) metrics[at] = [id, value];
    else metrics.splice(at, 1);
  } else if (value) {
    // In the specification's order, after the base metrics that come before it.
    const order = BASE_METRICS[version].map((m) => m.id);
    const before = metrics.findIndex(([m]) => order.indexOf(m) > order.indexOf(id));
    metrics.splice(before < 0 ? metrics.length : before, 0, [id, value]);
  }
  return [prefix(version), ...metrics.map(([m, v]) => `${m}:${v}`)].join('/');
}

export type Preview =
  | { kind: 'empty' }
  | { kind: 'incomplete'; missing: string[] }
  | { kind: 'invalid'; message: string }
  | { kind: 'score'; baseScore: number; rating: CvssRating };

// A webpack bundle: Vite sees its exports by name, some loaders under `default`.
const library: typeof calculator =
  (calculator as { Cvss3P1?: unknown }).Cvss3P1 !== undefined
    ? calculator
    : (calculator as unknown as { default: typeof calculator }).default;

/** The base score the library computes for this vector, or why it cannot yet. */
export function previewScore(vector: string, version: CvssVersion): Preview {
  if (!vector.trim()) return { kind: 'empty' };
  if (!vector.trim().startsWith(`${prefix(version)}/`))
    return { kind: 'invalid', message: `A CVSS ${version} vector starts ${prefix(version)}/` };
  const named = new Set(metricsOf(vector).map(([id]) => id));
  const missing = BASE_METRICS[version].filter((m) => !named.has(m.id)).map((m) => m.id);
  if (missing.length > 0) return { kind: 'incomplete', missing };
  try {
    const parsed =
      version === '3.1' ? new library.Cvss3P1(vector.trim()) : new library.Cvss4P0(vector.trim());
    const json = parsed.createJsonSchema() as { baseScore: number; baseSeverity: string };
    return {
      kind: 'score',
      baseScore: json.baseScore,
      rating: json.baseSeverity.toLowerCase() as CvssRating,
    };
  } catch (error) {
    return { kind: 'invalid', message: (error as Error).message };
  }
}
