// Where stored files (report attachments, raw mail) are kept, behind one port. A file is named by
// the path it has always had under the data folder (attachments/<report>/<id>, mail/<id>.eml),
// and that key is what the rows record, so a store can change without rewriting them.
// - fs: files under $STOPLINE_DATA_DIR (one instance; the SQLite default).
// - database: rows of the files table (the PostgreSQL default), so every instance on the database
//   serves every file and a database backup holds them. A key not in the table is read from the
//   data folder, so files kept before the switch stay readable.
// - s3: objects in an S3-compatible bucket, their size and SHA-256 as kept in the stored_objects
//   table, so every instance serves every file and a read refuses an object changed in the
//   bucket. A key not in that table is read as the database store reads it.
// `stopline files migrate` moves files kept in the data folder into the database or the bucket.
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { AwsClient } from 'aws4fetch';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { ensurePrivateFolder, openPrivateFile } from '../private-files.ts';
import type { Database } from './schema.ts';

export type FileStoreKind = 'database' | 'fs' | 's3';

export interface FileStore {
  readonly kind: FileStoreKind;
  /** Keeps the bytes under a new key, durably (a key kept already is refused). */
  put(key: string, bytes: Buffer): Promise<void>;
  /** Keeps a local file (a staged upload) under a new key; the local file is gone afterwards. */
  putLocal(key: string, path: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** The file as this store itself keeps it (no fallback to the data folder), hash checked;
   * null when it keeps none under the key. */
  readOwn(key: string): Promise<Buffer | null>;
  remove(key: string): Promise<void>;
}

/** Folders of the data folder that hold stored files (the keys' first part). */
export const FILE_FOLDERS = ['attachments', 'mail'] as const;

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Where a key's file is in the data folder; a key outside the stored files' folders is refused. */
function keyPath(dataDir: string, key: string): string {
  const root = resolve(dataDir);
  const path = resolve(root, key);
  const folder = FILE_FOLDERS.find((f) => path.startsWith(resolve(root, f) + sep));
  if (!folder) throw new Error(`a stored file's key is under ${FILE_FOLDERS.join(' or ')}/`);
  return path;
}

export function createFsFileStore(dataDir: string): FileStore {
  const pathOf = (key: string) => keyPath(dataDir, key);
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
    async readOwn(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/** The file's content does not match the hash recorded when it was kept, or it is gone. */
export class StoredFileDamagedError extends AppError {
  override name = 'StoredFileDamagedError';
  constructor(message: string) {
    super('INTERNAL', message);
  }
}

/** The bucket could not be reached, or refused the request. */
export class FileStoreUnavailableError extends AppError {
  override name = 'FileStoreUnavailableError';
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}

/**
 * A store that keeps files itself and reads a key it does not keep from `before` (the store used
 * before it), so files kept before a switch stay readable.
 */
function layered(
  kind: FileStoreKind,
  before: FileStore,
  own: Pick<FileStore, 'put' | 'readOwn' | 'remove'>,
): FileStore {
  return {
    kind,
    ...own,
    async putLocal(key, from) {
      await own.put(key, await readFile(from));
      await rm(from, { force: true });
    },
    async get(key) {
      return (await own.readOwn(key)) ?? before.get(key);
    },
  };
}

export function createDatabaseFileStore(
  db: Kysely<Database>,
  clock: Clock,
  dataDir: string,
): FileStore {
  const before = createFsFileStore(dataDir);
  const readOwn = async (key: string) => {
    const row = await db
      .selectFrom('files')
      .select(['content', 'sha256'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return null;
    const content = Buffer.from(row.content);
    if (sha256Of(content) !== row.sha256)
      throw new StoredFileDamagedError(`the stored file ${key} does not match its SHA-256`);
    return content;
  };
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
  return layered('database', before, {
    put,
    readOwn,
    async remove(key) {
      await db.deleteFrom('files').where('key', '=', key).execute();
      await before.remove(key);
    },
  });
}

/** Where the S3-compatible bucket is and how to sign for it (config: STOPLINE_S3_*). */
export interface S3Settings {
  bucket: string;
  /** Default: AWS's endpoint of the region. */
  endpoint?: string | undefined;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

type S3Config = Pick<
  Config,
  's3Bucket' | 's3Endpoint' | 's3Region' | 's3AccessKeyId' | 's3SecretAccessKey'
>;

/** The bucket's settings from the configuration; null while any of them is missing. */
export function s3SettingsOf(config: S3Config): S3Settings | null {
  const {
    s3Bucket: bucket,
    s3AccessKeyId: accessKeyId,
    s3SecretAccessKey: secretAccessKey,
  } = config;
  if (!bucket || !accessKeyId || !secretAccessKey) return null;
  return {
    bucket,
    endpoint: config.s3Endpoint,
    region: config.s3Region,
    accessKeyId,
    secretAccessKey,
  };
}

export function createS3FileStore(
  db: Kysely<Database>,
  clock: Clock,
  dataDir: string,
  s3: S3Settings,
): FileStore {
  const before = createDatabaseFileStore(db, clock, dataDir);
  const client = new AwsClient({
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: s3.region,
    service: 's3',
    retries: 2,
  });
  const endpoint = (s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`).replace(/\/+$/, '');
  // Named in errors and logs: the bucket and the service's address, never the credentials.
  const where = `the S3 bucket ${s3.bucket} at ${new URL(endpoint).host}`;
  const urlOf = (key: string) => {
    keyPath(dataDir, key);
    return `${endpoint}/${s3.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  };
  async function send(method: string, key: string, body?: Buffer): Promise<Response> {
    try {
      return await client.fetch(urlOf(key), {
        method,
        ...(body ? { body, headers: { 'content-type': 'application/octet-stream' } } : {}),
      });
    } catch (error) {
      throw new FileStoreUnavailableError(
        `${where} did not answer (${(error as Error).message}): check STOPLINE_S3_ENDPOINT`,
      );
    }
  }
  const refused = async (res: Response, doing: string) => {
    const code = /<Code>([^<]{1,64})<\/Code>/.exec(await res.text())?.[1];
    return new FileStoreUnavailableError(
      `${where} refused to ${doing}: HTTP ${res.status}${code ? ` ${code}` : ''}` +
        (res.status === 403
          ? ' (check STOPLINE_S3_ACCESS_KEY_ID, STOPLINE_S3_SECRET_ACCESS_KEY and STOPLINE_S3_REGION)'
          : res.status === 404 && code === 'NoSuchBucket'
            ? ' (check STOPLINE_S3_BUCKET: the bucket must exist)'
            : ''),
    );
  };
  const put = async (key: string, bytes: Buffer) => {
    // The record first: a key kept already is refused before its object could be overwritten.
    await db
      .insertInto('stored_objects')
      .values({ key, size: bytes.length, sha256: sha256Of(bytes), created_at: clock.now() })
      .execute();
    try {
      const res = await send('PUT', key, bytes);
      if (!res.ok) throw await refused(res, `keep ${key}`);
      await res.body?.cancel();
    } catch (error) {
      await db.deleteFrom('stored_objects').where('key', '=', key).execute();
      throw error;
    }
  };
  return layered('s3', before, {
    put,
    readOwn,
    async remove(key) {
      const res = await send('DELETE', key);
      if (!res.ok && res.status !== 404) throw await refused(res, `remove ${key}`);
      await res.body?.cancel();
      await db.deleteFrom('stored_objects').where('key', '=', key).execute();
      await before.remove(key);
    },
  });

  async function readOwn(key: string): Promise<Buffer | null> {
    const row = await db
      .selectFrom('stored_objects')
      .select(['sha256'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return null;
    const res = await send('GET', key);
    if (res.status === 404) {
      await res.body?.cancel();
      throw new StoredFileDamagedError(`the stored file ${key} is missing from ${where}`);
    }
    if (!res.ok) throw await refused(res, `read ${key}`);
    const content = Buffer.from(await res.arrayBuffer());
    if (sha256Of(content) !== row.sha256)
      throw new StoredFileDamagedError(
        `the stored file ${key} in ${where} does not match its SHA-256: it was changed or damaged there`,
      );
    return content;
  }
}

export function createFileStore(
  kind: FileStoreKind,
  ports: { db: Kysely<Database>; clock: Clock; dataDir: string; s3?: S3Settings | null },
): FileStore {
  if (kind === 's3') {
    if (!ports.s3) throw new Error('STOPLINE_FILE_STORE=s3 needs the STOPLINE_S3_* settings');
    return createS3FileStore(ports.db, ports.clock, ports.dataDir, ports.s3);
  }
  return kind === 'database'
    ? createDatabaseFileStore(ports.db, ports.clock, ports.dataDir)
    : createFsFileStore(ports.dataDir);
}

/** What `stopline files migrate` did with one file of the data folder. */
export interface FileMove {
  key: string;
  /** moved: copied, read back and matched, original removed; already: the store had the same
   * bytes, original removed; failed: the original is left in place (see `problem`). */
  outcome: 'moved' | 'already' | 'failed';
  problem?: string;
}

/** Every file kept in the data folder's attachments/ and mail/ (not uploads being staged), as keys. */
async function dataFolderKeys(dataDir: string): Promise<string[]> {
  const keys: string[] = [];
  for (const folder of FILE_FOLDERS) {
    let entries;
    try {
      entries = await readdir(join(dataDir, folder), { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = relative(dataDir, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (!key.startsWith('attachments/.incoming/')) keys.push(key);
    }
  }
  return keys.sort();
}

/**
 * Moves the files kept in the data folder into `store` (the database or the bucket), one at a
 * time: each is copied unless the store has it already, read back through the store, and its
 * original removed only when the copy's SHA-256 matches it. Run again, it moves what is left.
 */
export async function moveDataFolderFiles(store: FileStore, dataDir: string): Promise<FileMove[]> {
  if (store.kind === 'fs') throw new Error('the files are in the data folder already');
  const moves: FileMove[] = [];
  for (const key of await dataFolderKeys(dataDir)) {
    const path = keyPath(dataDir, key);
    try {
      const original = await readFile(path);
      let kept = await store.readOwn(key);
      const outcome = kept === null ? 'moved' : 'already';
      if (kept === null) {
        await store.put(key, original);
        kept = await store.readOwn(key);
      }
      if (kept === null || sha256Of(kept) !== sha256Of(original)) {
        moves.push({
          key,
          outcome: 'failed',
          problem: 'the store holds other bytes under this key; the original is left in place',
        });
        continue;
      }
      await rm(path);
      moves.push({ key, outcome });
    } catch (error) {
      moves.push({ key, outcome: 'failed', problem: (error as Error).message });
    }
  }
  return moves;
}
