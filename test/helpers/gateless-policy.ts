// A policy with no gates between its four phases (triage → fixing → review → done, resolved at
// review), so a test reaches "resolved" or "closed" in a few moves; `reporters` is the policy's
// reporters line (e.g. with followIncident).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function gatelessPolicyFile(
  reporters = '{ description: Tell them., acknowledgeWithin: 1d }',
): string {
  const path = join(mkdtempSync(join(tmpdir(), 'stopline-gateless-')), 'policy.yaml');
  writeFileSync(
    path,
    `format: 1
name: Gateless
revision: t
description: No gates between the phases.
severities:
  - { id: S1, name: High, description: Bad., critical: true, responseWithin: 1h }
  - { id: S2, name: Low, description: Minor., critical: false, responseWithin: 1d }
criticality:
  description: One question.
  defaultSeverity: { critical: S1, non_critical: S2 }
  criteria: [{ id: bad, question: Is it bad?, yesPointsTo: critical }]
panel: { description: One., otherResponders: 0, includesSecurityLead: false, quorum: 1, onTie: critical }
roles: [{ id: lead, name: Lead, description: Leads. }]
phases:
  - { id: triage, name: Triage, description: Look. }
  - { id: fixing, name: Fixing, description: Fix. }
  - { id: review, name: Review, description: Learn. }
  - { id: done, name: Done, description: Over., terminal: true }
stopTheLine: { description: Stop., resumesWhen: [closed], containedAfterPhase: triage, resolvedAtPhase: review }
verification: { description: Look first., requiredBefore: [] }
reporters: ${reporters}
`,
  );
  return path;
}
