import { describe, expect, it } from 'vitest';
import { durationInWords } from '../../src/shared/domain/duration-words.ts';

describe('promises are said in words people use', () => {
  it.each([
    [15 * 60_000, '15 minutes'],
    [3_600_000, '1 hour'],
    [4 * 3_600_000, '4 hours'],
    [24 * 3_600_000, '24 hours'],
    [72 * 3_600_000, '3 days'],
    [14 * 86_400_000, '2 weeks'],
    [90 * 60_000, '90 minutes'],
    [45_000, '45 seconds'],
  ])('%i ms is "%s"', (ms, words) => {
    expect(durationInWords(ms)).toBe(words);
  });
});
