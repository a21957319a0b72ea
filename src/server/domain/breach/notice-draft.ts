// The first draft of a breach notice, written from the record's fields for the stage's audience:
// for an authority, the content GDPR Art. 33(3) asks for, item by item; for the people affected,
// the same facts in plain language (Art. 34(2)); each followed by what the stage's policy says the
// notice must contain, as a checklist for the legal role editing it. Pure: no I/O.
import { BREACH_NATURE_WORDS, type StageAudience } from '../../../shared/domain/breach.ts';
import type { RegimeStage } from '../policy/index.ts';
import type { BreachFacts } from './breach-events.ts';

const or = (text: string, missing: string) => (text.trim() === '' ? missing : text.trim());
const TO_FILL = '[to be completed]';

function count(a: BreachFacts['people']): string {
  if (a.count === null) return 'not yet known';
  return `${a.estimate ? 'about ' : ''}${a.count.toLocaleString('en-GB')}`;
}

function dataCategories(facts: BreachFacts): string {
  if (facts.dataCategories.length === 0) return TO_FILL;
  return facts.dataCategories
    .map((c) => (c.special ? `${c.name} (a special category)` : c.name))
    .join(', ');
}

function authorityText(facts: BreachFacts, stage: RegimeStage, incidentKey: string): string {
  const when =
    facts.occurredFrom === null
      ? TO_FILL
      : new Date(facts.occurredFrom).toISOString() +
        (facts.occurredTo === null ? '' : ` to ${new Date(facts.occurredTo).toISOString()}`);
  const nature = facts.nature.map((n) => `${n} (${BREACH_NATURE_WORDS[n]})`).join('; ');
  return [
    `Notification of a personal-data breach (our reference ${incidentKey}).`,
    `1. Nature of the breach: ${or(nature, TO_FILL)}. When it occurred: ${when}. How we became aware: ${or(facts.awareHow, TO_FILL)}.`,
    `   Categories of data: ${dataCategories(facts)}. Categories of people: ${or(facts.peopleCategories.join(', '), TO_FILL)}${facts.children ? ', including children' : ''}${facts.vulnerable ? ', including vulnerable people' : ''}.`,
    `   Approximate number of people concerned: ${count(facts.people)}; of records concerned: ${count(facts.records)}.`,
    `2. Contact point: ${or(facts.contactPoint, TO_FILL)}.`,
    `3. Likely consequences: ${or(facts.consequences, TO_FILL)}.`,
    `4. Measures taken: ${or(facts.measuresTaken, TO_FILL)}. Measures proposed: ${or(facts.measuresProposed, TO_FILL)}.`,
    '',
    `What ${stage.name.toLowerCase()} must contain (policy):`,
    ...stage.content.map((item) => `- ${item}`),
  ].join('\n');
}

function individualsText(facts: BreachFacts, stage: RegimeStage): string {
  const what =
    facts.nature.length === 0
      ? TO_FILL
      : facts.nature.map((n) => BREACH_NATURE_WORDS[n]).join(', and ');
  const data =
    facts.dataCategories.length === 0
      ? TO_FILL
      : facts.dataCategories.map((c) => c.name).join(', ');
  return [
    'Dear {name},',
    '',
    `We are writing to tell you about a problem with how we looked after information about you: ${what}.`,
    `The information involved: ${data}.`,
    `What this could mean for you: ${or(facts.consequences, TO_FILL)}`,
    `What we have done: ${or(facts.measuresTaken, TO_FILL)}`,
    `What we will do, and what you can do to protect yourself: ${or(facts.measuresProposed, TO_FILL)}`,
    `If you have questions, contact: ${or(facts.contactPoint, TO_FILL)}`,
    '',
    `What ${stage.name.toLowerCase()} must contain (policy; remove this list before approving):`,
    ...stage.content.map((item) => `- ${item}`),
  ].join('\n');
}

export function draftNoticeText(
  facts: BreachFacts,
  stage: RegimeStage,
  incidentKey: string,
): { audience: StageAudience; subject: string; text: string } {
  const audience = stage.audience;
  if (audience === 'individuals') {
    return {
      audience,
      subject: 'Important: a problem with your personal information',
      text: individualsText(facts, stage),
    };
  }
  return {
    audience,
    subject: `Personal-data breach notification (${incidentKey}): ${stage.name}`,
    text: authorityText(facts, stage, incidentKey),
  };
}
