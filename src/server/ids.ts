// Internal ids are UUIDv7 (time-sortable); people get human keys from key-sequence.ts instead.
import { v7 } from 'uuid';

export function newId(): string {
  return v7();
}
