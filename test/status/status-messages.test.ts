// The status page's message catalogue (issue 13, item 6): every language has every key English
// has, none empty, and a key left out of a language is found; dates are written per language.
import { describe, expect, it } from 'vitest';
import {
  formatStatusTime,
  missingMessages,
  STATUS_CATALOGUE,
} from '../../src/shared/domain/status-messages.ts';
import { STATUS_LANGUAGES } from '../../src/shared/domain/status.ts';

describe('the status page message catalogue', () => {
  it.each(STATUS_LANGUAGES)('%s has every key of English, none empty, and no others', (lang) => {
    expect(missingMessages(STATUS_CATALOGUE.en, STATUS_CATALOGUE[lang])).toEqual([]);
    expect(missingMessages(STATUS_CATALOGUE[lang], STATUS_CATALOGUE.en)).toEqual([]);
  });

  it('finds a key missing or empty in a language, nested ones too', () => {
    const { noIncidents: _, ...withoutOne } = STATUS_CATALOGUE.de;
    const { critical: __, ...overall } = STATUS_CATALOGUE.de.overall;
    const broken = { ...withoutOne, overall, updates: ' ', lastDays: 'not a function' };
    expect(missingMessages(STATUS_CATALOGUE.en, broken).sort()).toEqual([
      'lastDays',
      'noIncidents',
      'overall.critical',
      'updates',
    ]);
  });

  it('German is German, and dates follow the language (in UTC)', () => {
    expect(STATUS_CATALOGUE.de.overall.none).toBe('Alle Systeme funktionieren');
    const at = Date.parse('2026-03-02T14:05:00Z');
    expect(formatStatusTime(at, STATUS_CATALOGUE.en)).toBe('2 Mar 2026, 14:05 UTC');
    expect(formatStatusTime(at, STATUS_CATALOGUE.de)).toBe('02.03.2026, 14:05 UTC');
  });
});
