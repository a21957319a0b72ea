// Internal ids are UUIDv7 (time-sortable); people get human keys from key-sequence.ts instead.
import { v5, v7 } from 'uuid';

export function newId(): string {
  return v7();
}

/** Stopline's namespace for name-based ids (UUIDv5). */
const NAMESPACE = '5f0c8c3e-9a43-4f3b-9d7e-6a1f2b8c4d10';

/**
 * An id that follows from a name (UUIDv5): the same on every instance and every call, so a
 * record made for another (a status-page entry for an advisory) is found again from it, and a
 * second one for the same name collides with the first.
 */
export function derivedId(name: string): string {
  return v5(name, NAMESPACE);
}
