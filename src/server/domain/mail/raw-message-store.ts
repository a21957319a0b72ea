// The raw bytes of every inbound message, kept as received in the file store (db/file-store.ts:
// the database, or the data folder's mail/ with files 0600) before anything parses them, so a
// parser bug or a hostile message loses nothing.
import { createHash } from 'node:crypto';
import type { FileStore } from '../../db/file-store.ts';

export interface RawMessageStore {
  /** Keeps the bytes durably and answers their key (the path relative to the data folder). */
  save(id: string, raw: Buffer): Promise<string>;
  read(relativePath: string): Promise<Buffer>;
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function createRawMessageStore(files: FileStore): RawMessageStore {
  return {
    async save(id, raw) {
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('a message id is a UUID');
      const key = `mail/${id}.eml`;
      await files.put(key, raw);
      return key;
    },
    read: (relativePath) => files.get(relativePath),
  };
}
