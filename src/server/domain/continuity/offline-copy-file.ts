// The offline copy as a file an operator syncs elsewhere: written 0600 under a temporary name and
// renamed into place, so a reader never sees half a copy; beside it `<file>.etag` holds the ETag
// it was written with, so a refresh rewrites it only when the content changed.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFolderSync, writePrivateFileSync } from '../../private-files.ts';
import type { OfflineCopy } from './offline-copy-service.ts';

/** The copy's name in `$STOPLINE_DATA_DIR/offline/` (housekeeping keeps it fresh). */
export const OFFLINE_COPY_FILE = 'stopline-offline-copy.html';

/** Writes (or replaces) the file at once, and its ETag beside it. */
export function writeOfflineCopy(file: string, copy: OfflineCopy): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writePrivateFileSync(temporary, copy.html, 'w');
  renameSync(temporary, file);
  writePrivateFileSync(`${file}.etag`, copy.etag + '\n', 'w');
}

/** Writes `folder/stopline-offline-copy.html` unless the one there has this copy's content. */
export function refreshOfflineCopy(folder: string, copy: OfflineCopy): 'written' | 'unchanged' {
  ensurePrivateFolderSync(folder);
  const file = join(folder, OFFLINE_COPY_FILE);
  const tag = `${file}.etag`;
  if (existsSync(file) && existsSync(tag) && readFileSync(tag, 'utf8').trim() === copy.etag) {
    return 'unchanged';
  }
  writeOfflineCopy(file, copy);
  return 'written';
}
