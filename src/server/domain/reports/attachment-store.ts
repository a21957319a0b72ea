// Evidence files from reporters: the type is detected from the bytes (never from the name), the
// SHA-256 recorded, and the file written under $STOPLINE_DATA_DIR/attachments/, outside any web
// root, under a name we choose. The reporter's file name is kept only as data.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { ensurePrivateFolder, openPrivateFile } from '../../private-files.ts';

export interface InspectedFile {
  detectedType: string;
  sha256: string;
  size: number;
}

export interface AttachmentStore {
  inspect(bytes: Buffer): Promise<InspectedFile>;
  /** Writes durably (fsync) and returns the path relative to the data folder. */
  save(reportId: string, attachmentId: string, bytes: Buffer): Promise<string>;
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

export function createAttachmentStore(dataDir: string): AttachmentStore {
  const root = resolve(dataDir, 'attachments');
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
      const path = absolute(storedPath);
      await ensurePrivateFolder(dirname(path));
      const file = await openPrivateFile(path, 'wx');
      try {
        await file.writeFile(bytes);
        await file.datasync();
      } finally {
        await file.close();
      }
      return storedPath;
    },
    read: (storedPath) => readFile(absolute(storedPath)),
    async remove(storedPath) {
      await rm(absolute(storedPath), { force: true });
    },
  };
}
