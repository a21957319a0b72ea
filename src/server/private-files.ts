// Stopline's files hold reports, evidence and keys, so every folder and file it creates is this
// user's alone (folders 0700, files 0600), whatever the process umask. Every place that creates a
// folder or file under the data folder goes through these functions.
import { closeSync, createWriteStream, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, type FileHandle } from 'node:fs/promises';

export const PRIVATE_FOLDER_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder and any missing parents as 0700; an existing folder is left as it is. */
export function ensurePrivateFolderSync(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}

export async function ensurePrivateFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}

/** Opens a file; when `flags` creates it, it is created 0600. */
export function openPrivateFile(path: string, flags: 'wx' | 'w' | 'a'): Promise<FileHandle> {
  return open(path, flags, PRIVATE_FILE_MODE);
}

/** Writes a new file 0600; 'wx' (the default) never replaces one that exists. */
export function writePrivateFileSync(path: string, data: Buffer | string, flag: 'wx' | 'w' = 'wx') {
  writeFileSync(path, data, { mode: PRIVATE_FILE_MODE, flag });
}

/**
 * Creates an empty file 0600 unless it exists. Used before SQLite opens a new database: SQLite
 * gives the -wal and -shm files it creates the database file's mode, so they follow.
 */
export function touchPrivateFileSync(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
}

/** A new temporary folder `prefix` + random characters (mkdtemp makes it 0700). */
export function makePrivateTempFolder(prefix: string): Promise<string> {
  return mkdtemp(prefix);
}

/** A stream writing a new file 0600; never replaces one that exists. */
export function createPrivateWriteStream(path: string) {
  return createWriteStream(path, { mode: PRIVATE_FILE_MODE, flags: 'wx' });
}
