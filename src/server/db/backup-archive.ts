// A backup of a Stopline installation is one gzipped tar file: a consistent copy of the database
// (SQLite: taken with SQLite's online backup API while the server keeps writing; PostgreSQL: a
// pg_dump of Stopline's schema inside an exported snapshot, db/postgres-backup.ts), the key file
// that seals stored secrets, the stored files kept in the data folder (attachments, raw mail with
// STOPLINE_FILE_STORE=fs; in the database they are in its copy), the chain heads at the
// moment of the copy, and last a manifest with every file's size and SHA-256 and a check value of
// the server key. The manifest comes last, so a file cut short has none and is refused as
// truncated. Operators can list it with `tar tzf`.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import SQLite from 'better-sqlite3';
import tar from 'tar-stream';
import { z } from 'zod';
import {
  PRIVATE_FILE_MODE,
  createPrivateWriteStream,
  ensurePrivateFolder,
  makePrivateTempFolder,
} from '../private-files.ts';
import { SECRET_KEY_FILE } from '../secret-key.ts';
import { FILE_FOLDERS } from './file-store.ts';
import { MIGRATION_NAMES } from './migrations/index.ts';

export const MANIFEST = 'stopline-backup.json';
export const CHAIN_HEADS = 'chain-heads.json';
/** The database's copy in the archive, per database. */
export const DATABASE_ENTRY = { sqlite: 'stopline.db', postgres: 'stopline.pgdump' } as const;
const FORMAT_VERSION = 1;

export const BackupManifest = z.object({
  format: z.literal('stopline-backup'),
  formatVersion: z.number().int(),
  createdAt: z.string(),
  database: z.enum(['sqlite', 'postgres']),
  /** PostgreSQL: the schema the dump holds (a dump restores into the schema of that name). */
  pgSchema: z.string().optional(),
  migrations: z.array(z.string()),
  secretKey: z.enum(['file', 'environment']),
  /** A check value of the server key (never the key), so a restore can tell a wrong key. */
  keyCheck: z.string().optional(),
  chainHeads: z.object({ streams: z.number(), auditSeq: z.number(), auditHead: z.string() }),
  files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string() })),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

export interface ChainHeads {
  streams: { id: string; version: number; head: string }[];
  audit: { seq: number; head: string };
}

/** The backup cannot be used; nothing was written to the data folder. */
export class BackupRefusedError extends Error {
  override name = 'BackupRefusedError';
}

/** What a snapshot reads, in its own transaction or copy, beside the database's copy. */
export const HEADS_SQL = {
  streams: 'select id, version, head_hash as head from streams order by id',
  audit: 'select seq, head_hash as head from audit_head where id = 1',
  migrations: 'select name from kysely_migration order by name',
};

/** The chain heads from the rows HEADS_SQL read. */
export function chainHeadsFrom(
  streams: { id: string; version: number | string; head: string }[],
  audit: { seq: number | string; head: string } | undefined,
): ChainHeads {
  return {
    streams: streams.map((s) => ({ id: s.id, version: Number(s.version), head: s.head })),
    audit: audit ? { seq: Number(audit.seq), head: audit.head } : { seq: 0, head: '' },
  };
}

/** A copy of the database taken at one moment, with what it held at that moment. */
export interface DatabaseSnapshot {
  /** The copy's file, in the work folder. */
  path: string;
  heads: ChainHeads;
  migrations: string[];
}

/** SQLite's online backup API: one moment of the database while the server keeps writing. */
export async function snapshotSqlite(sqlitePath: string, work: string): Promise<DatabaseSnapshot> {
  const copy = join(work, DATABASE_ENTRY.sqlite);
  const source = new SQLite(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(copy, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  } finally {
    source.close();
  }
  // The copy is rebuilt page by page: the backup API copies free pages too, and a page freed
  // before secure_delete was on could still hold bytes that were redacted since.
  const rebuilt = new SQLite(copy);
  try {
    rebuilt.exec('VACUUM');
  } finally {
    rebuilt.close();
  }
  const snapshot = new SQLite(copy, { readonly: true });
  try {
    return {
      path: copy,
      heads: chainHeadsFrom(
        snapshot.prepare(HEADS_SQL.streams).all() as ChainHeads['streams'],
        snapshot.prepare(HEADS_SQL.audit).get() as ChainHeads['audit'] | undefined,
      ),
      migrations: (snapshot.prepare(HEADS_SQL.migrations).all() as { name: string }[]).map(
        (m) => m.name,
      ),
    };
  } finally {
    snapshot.close();
  }
}

/** Files under the data folder's record folders, relative to it (staging folders left out). */
async function listRecordFiles(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of FILE_FOLDERS) {
    const root = join(dataDir, folder);
    if (!existsSync(root)) continue;
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = relative(dataDir, join(entry.parentPath, entry.name));
      if (path.split(sep).some((part) => part.startsWith('.'))) continue;
      found.push(path.split(sep).join('/'));
    }
  }
  return found.sort();
}

export interface BackupSummary {
  file: string;
  manifest: BackupManifest;
}

/**
 * Writes the backup to `file` (refusing one that exists). Written beside it under a temporary
 * name and renamed when complete, so an interrupted backup never looks like one.
 */
export async function writeBackup(options: {
  database: 'sqlite' | 'postgres';
  pgSchema?: string;
  /** Copies the database into the work folder (snapshotSqlite, snapshotPostgres). */
  snapshot: (work: string) => Promise<DatabaseSnapshot>;
  dataDir: string;
  file: string;
  keyFromEnvironment: boolean;
  keyCheck: string;
  now: number;
}): Promise<BackupSummary> {
  const { dataDir, file, now } = options;
  if (existsSync(file)) throw new BackupRefusedError(`${file} exists; name a new file`);
  const work = await makePrivateTempFolder(join(dirname(file), '.stopline-backup-'));
  const partial = join(work, 'backup.tar.gz');
  try {
    // The copy first: every stored file its rows name was written before the row was committed,
    // so it is on disk when the files are read below.
    const { path, heads, migrations } = await options.snapshot(work);
    const entries: { path: string; from: string }[] = [
      { path: DATABASE_ENTRY[options.database], from: path },
    ];
    if (!options.keyFromEnvironment && existsSync(join(dataDir, SECRET_KEY_FILE)))
      entries.push({ path: SECRET_KEY_FILE, from: join(dataDir, SECRET_KEY_FILE) });
    for (const path of await listRecordFiles(dataDir))
      entries.push({ path, from: join(dataDir, path) });

    const pack = tar.pack();
    const written = pipeline(pack, createGzip(), createPrivateWriteStream(partial));
    const files: BackupManifest['files'] = [];
    for (const entry of entries) files.push(await addFile(pack, entry.path, entry.from));
    const headsText = Buffer.from(JSON.stringify(heads));
    files.push(await addBuffer(pack, CHAIN_HEADS, headsText));
    const manifest: BackupManifest = {
      format: 'stopline-backup',
      formatVersion: FORMAT_VERSION,
      createdAt: new Date(now).toISOString(),
      database: options.database,
      ...(options.pgSchema === undefined ? {} : { pgSchema: options.pgSchema }),
      migrations,
      secretKey: options.keyFromEnvironment ? 'environment' : 'file',
      keyCheck: options.keyCheck,
      chainHeads: {
        streams: heads.streams.length,
        auditSeq: heads.audit.seq,
        auditHead: heads.audit.head,
      },
      files,
    };
    await addBuffer(pack, MANIFEST, Buffer.from(JSON.stringify(manifest, null, 2)));
    pack.finalize();
    await written;
    await rename(partial, file);
    return { file, manifest };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function addBuffer(pack: tar.Pack, path: string, bytes: Buffer) {
  return new Promise<BackupManifest['files'][number]>((resolve, reject) => {
    pack.entry({ name: path, size: bytes.length, mode: PRIVATE_FILE_MODE }, bytes, (error) =>
      error
        ? reject(error)
        : resolve({
            path,
            size: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
          }),
    );
  });
}

async function addFile(pack: tar.Pack, path: string, from: string) {
  const { size } = await stat(from);
  const hash = createHash('sha256');
  const entry = pack.entry({ name: path, size, mode: PRIVATE_FILE_MODE });
  await pipeline(createReadStream(from), hashing(hash), entry);
  return { path, size, sha256: hash.digest('hex') };
}

function hashing(hash: ReturnType<typeof createHash>) {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

/** What an archive may hold: the database, the key file, chain heads, manifest, record files. */
function allowedPath(path: string): boolean {
  if (path.includes('\\') || path.startsWith('/') || path.split('/').some((p) => p === '..'))
    return false;
  if (
    [...Object.values(DATABASE_ENTRY), SECRET_KEY_FILE, CHAIN_HEADS, MANIFEST].includes(
      path as never,
    )
  )
    return true;
  return FILE_FOLDERS.some((folder) => path.startsWith(`${folder}/`));
}

export interface UnpackedBackup {
  manifest: BackupManifest;
  heads: ChainHeads;
}

/**
 * Unpacks `file` into `into` (an empty folder) and checks it whole: every entry allowed, the
 * manifest last, every file its size and hash, no migration this version does not know.
 */
export async function unpackBackup(file: string, into: string): Promise<UnpackedBackup> {
  const seen = new Map<string, { size: number; sha256: string }>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const path = header.name;
    if (header.type !== 'file' || !allowedPath(path)) {
      stream.resume();
      next(new BackupRefusedError(`it holds ${path}, which is not part of a Stopline backup`));
      return;
    }
    const target = join(into, ...path.split('/'));
    const hash = createHash('sha256');
    let size = 0;
    ensurePrivateFolder(dirname(target))
      .then(() =>
        pipeline(
          stream as Readable,
          new Transform({
            transform(chunk: Buffer, _encoding, done) {
              hash.update(chunk);
              size += chunk.length;
              done(null, chunk);
            },
          }),
          createPrivateWriteStream(target),
        ),
      )
      .then(() => {
        seen.set(path, { size, sha256: hash.digest('hex') });
        next();
      }, next);
  });
  try {
    await pipeline(createReadStream(file), createGunzip(), extract);
  } catch (error) {
    if (error instanceof BackupRefusedError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BackupRefusedError(`${file} does not exist`);
    throw new BackupRefusedError(
      `${file} is truncated or damaged (${(error as Error).message}); it cannot be restored`,
    );
  }
  const manifestFile = seen.get(MANIFEST);
  if (!manifestFile)
    throw new BackupRefusedError(
      `${file} has no manifest (${MANIFEST}): it is truncated, or not a Stopline backup`,
    );
  const parsed = BackupManifest.safeParse(safeJson(await readFile(join(into, MANIFEST), 'utf8')));
  if (!parsed.success)
    throw new BackupRefusedError(`${file} has a manifest this version of Stopline cannot read`);
  const manifest = parsed.data;
  if (manifest.formatVersion > FORMAT_VERSION)
    throw new BackupRefusedError(
      `${file} was written by a newer Stopline (backup format ${manifest.formatVersion}; this version reads ${FORMAT_VERSION}): restore it with that version or newer`,
    );
  const unknown = manifest.migrations.filter((m) => !MIGRATION_NAMES.includes(m));
  if (unknown.length > 0)
    throw new BackupRefusedError(
      `${file} was written by a newer Stopline: its database has migration(s) this version does not know (${unknown.join(', ')}); restore it with that version or newer`,
    );
  const listed = new Set(manifest.files.map((f) => f.path));
  const extra = [...seen.keys()].find((path) => path !== MANIFEST && !listed.has(path));
  if (extra)
    throw new BackupRefusedError(`${file} holds ${extra}, which its manifest does not list`);
  for (const expected of manifest.files) {
    const got = seen.get(expected.path);
    if (!got) throw new BackupRefusedError(`${file} is missing ${expected.path}: truncated?`);
    if (got.size !== expected.size || got.sha256 !== expected.sha256)
      throw new BackupRefusedError(
        `${file}: ${expected.path} does not match its size and SHA-256 in the manifest (damaged)`,
      );
  }
  const heads = safeJson(await readFile(join(into, CHAIN_HEADS), 'utf8')) as ChainHeads;
  return { manifest, heads };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
