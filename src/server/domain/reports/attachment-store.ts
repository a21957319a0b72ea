// Evidence files from reporters: the type is detected from the bytes (never from the name), the
// SHA-256 recorded, and the file kept in the file store (db/file-store.ts: the database or
// $STOPLINE_DATA_DIR/attachments/), outside any web root, under a name we choose. The reporter's
// file name is kept only as data. Files from the public forms are streamed to this instance's
// staging folder (attachments/.incoming/) as they arrive, never held in memory whole, and moved
// into the store when their report or reply is recorded.
import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { FileStore } from '../../db/file-store.ts';
import { ensurePrivateFolder, openPrivateFile } from '../../private-files.ts';

export interface InspectedFile {
  detectedType: string;
  sha256: string;
  size: number;
}

/** A file written to the staging folder as it arrived, inspected on the way. */
export interface StagedFile extends InspectedFile {
  /** Relative to the data folder. */
  stagedPath: string;
}

export interface AttachmentStore {
  inspect(bytes: Buffer): Promise<InspectedFile>;
  /** Keeps the file durably and returns its key (its path relative to the data folder). */
  save(reportId: string, attachmentId: string, bytes: Buffer): Promise<string>;
  /**
   * Streams a file to the staging folder (fsync), hashing it and detecting its type on the way;
   * on any error the partial file is removed.
   */
  stage(source: AsyncIterable<Buffer>): Promise<StagedFile>;
  /** Moves a staged file into the store and returns its key. */
  keep(reportId: string, attachmentId: string, staged: StagedFile): Promise<string>;
  read(storedPath: string): Promise<Buffer>;
  remove(storedPath: string): Promise<void>;
}

const MARKUP = /^\s*<(?:!doctype\s+html|html|head|body|script|svg|iframe|\?xml)\b/i;

/** A MIME type from the content: binary formats by signature, then text, then unknown bytes. */
export async function detectType(bytes: Buffer): Promise<string> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) return found.mime;
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return 'application/octet-stream';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  if (MARKUP.test(text)) return 'text/html';
  return 'text/plain';
}

/** How much of the start of a streamed file is kept to detect its type. */
const HEAD_BYTES = 64 * 1024;

export function createAttachmentStore(dataDir: string, files: FileStore): AttachmentStore {
  const root = resolve(dataDir, 'attachments');
  const staging = join('attachments', '.incoming');
  const absolute = (storedPath: string) => {
    const path = resolve(dataDir, storedPath);
    if (!path.startsWith(root + sep))
      throw new Error('attachment path outside the attachment folder');
    return path;
  };
  return {
    async inspect(bytes) {
      return {
        detectedType: await detectType(bytes),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
      };
    },
    async save(reportId, attachmentId, bytes) {
      const storedPath = join('attachments', reportId, attachmentId);
      absolute(storedPath);
      await files.put(storedPath, bytes);
      return storedPath;
    },
    async stage(source) {
      const stagedPath = join(staging, randomUUID());
      const path = absolute(stagedPath);
      await ensurePrivateFolder(dirname(path));
      const file = await openPrivateFile(path, 'wx');
      const hash = createHash('sha256');
      const head: Buffer[] = [];
      let headSize = 0;
      let size = 0;
      try {
        try {
          for await (const chunk of source) {
            hash.update(chunk);
            size += chunk.length;
            if (headSize < HEAD_BYTES) {
              head.push(chunk.subarray(0, HEAD_BYTES - headSize));
              headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
            }
            await file.write(chunk);
          }
          await file.datasync();
        } finally {
          await file.close();
        }
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      }
      return {
        stagedPath,
        size,
        sha256: hash.digest('hex'),
        detectedType: await detectType(Buffer.concat(head)),
      };
    },
    async keep(reportId, attachmentId, staged) {
      const storedPath = join('attachments', reportId, attachmentId);
      absolute(storedPath);
      await files.putLocal(storedPath, absolute(staged.stagedPath));
      return storedPath;
    },
    read: (storedPath) => files.get(storedPath),
    async remove(storedPath) {
      const path = absolute(storedPath);
      if (path.startsWith(resolve(dataDir, staging) + sep)) await rm(path, { force: true });
      else await files.remove(storedPath);
    },
  };
}
