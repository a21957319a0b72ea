// Where stored files (report attachments, raw mail) are kept, behind one port. A file is named by
// the path it has always had under the data folder (attachments/<report>/<id>, mail/<id>.eml),
// and that key is what the rows record, so a store can change without rewriting them.
// - fs: files under $STOPLINE_DATA_DIR (one instance; the SQLite default).
// - database: rows of the files table (the PostgreSQL default), so every instance on the database
//   serves every file and a database backup holds them. A key not in the table is read from the
//   data folder, so files kept before the switch stay readable.
import { createHash } from 'node:crypto';
import { readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { ensurePrivateFolder, openPrivateFile } from '../private-files.ts';
import type { Database } from './schema.ts';

export type FileStoreKind = 'database' | 'fs';

export interface FileStore {
  readonly kind: FileStoreKind;
  /** Keeps the bytes under a new key, durably (a key kept already is refused). */
  put(key: string, bytes: Buffer): Promise<void>;
  /** Keeps a local file (a staged upload) under a new key; the local file is gone afterwards. */
  putLocal(key: string, path: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  remove(key: string): Promise<void>;
}

/** Folders of the data folder that hold stored files (the keys' first part). */
export const FILE_FOLDERS = ['attachments', 'mail'] as const;

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function createFsFileStore(dataDir: string): FileStore {
  const root = resolve(dataDir);
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    const folder = FILE_FOLDERS.find((f) => path.startsWith(resolve(root, f) + sep));
    if (!folder) throw new Error(`a stored file's key is under ${FILE_FOLDERS.join(' or ')}/`);
    return path;
  };
  return {
    kind: 'fs',
    async put(key, bytes) {
      const path = pathOf(key);
      await ensurePrivateFolder(dirname(path));
      const file = await openPrivateFile(path, 'wx');
      try {
        await file.writeFile(bytes);
        await file.datasync();
      } finally {
        await file.close();
      }
    },
    async putLocal(key, from) {
      const path = pathOf(key);
      await ensurePrivateFolder(dirname(path));
      await rename(from, path);
    },
    get: (key) => readFile(pathOf(key)),
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/** The file's content does not match the hash recorded when it was kept. */
export class StoredFileDamagedError extends Error {
  override name = 'StoredFileDamagedError';
}

export function createDatabaseFileStore(
  db: Kysely<Database>,
  clock: Clock,
  dataDir: string,
): FileStore {
  const before = createFsFileStore(dataDir);
  const put = async (key: string, bytes: Buffer) => {
    await db
      .insertInto('files')
      .values({
        key,
        size: bytes.length,
        sha256: sha256Of(bytes),
        content: bytes,
        created_at: clock.now(),
      })
      .execute();
  };
  return {
    kind: 'database',
    put,
    async putLocal(key, from) {
      await put(key, await readFile(from));
      await rm(from, { force: true });
    },
    async get(key) {
      const row = await db
        .selectFrom('files')
        .select(['content', 'sha256'])
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) return before.get(key);
      const content = Buffer.from(row.content);
      if (sha256Of(content) !== row.sha256)
        throw new StoredFileDamagedError(`the stored file ${key} does not match its SHA-256`);
      return content;
    },
    async remove(key) {
      await db.deleteFrom('files').where('key', '=', key).execute();
      await before.remove(key);
    },
  };
}

export function createFileStore(
  kind: FileStoreKind,
  ports: { db: Kysely<Database>; clock: Clock; dataDir: string },
): FileStore {
  return kind === 'database'
    ? createDatabaseFileStore(ports.db, ports.clock, ports.dataDir)
    : createFsFileStore(ports.dataDir);
}
