// The raw bytes of every inbound message, kept as received in the data folder (mail/, files 0600)
// before anything parses them, so a parser bug or a hostile message loses nothing.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateFolder, openPrivateFile } from '../../private-files.ts';

export interface RawMessageStore {
  /** Writes the bytes (flushed to disk) and answers the path relative to the data folder. */
  save(id: string, raw: Buffer): Promise<string>;
  read(relativePath: string): Promise<Buffer>;
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function createRawMessageStore(dataDir: string): RawMessageStore {
  const folder = join(dataDir, 'mail');
  return {
    async save(id, raw) {
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('a message id is a UUID');
      await ensurePrivateFolder(folder);
      const file = await openPrivateFile(join(folder, `${id}.eml`), 'wx');
      try {
        await file.writeFile(raw);
        await file.sync();
      } finally {
        await file.close();
      }
      return `mail/${id}.eml`;
    },
    read: (relativePath) => readFile(join(dataDir, relativePath)),
  };
}
