import type { Readable } from 'node:stream';

/** Uploaded files (photos, documents, signatures, CSV). Disk under DATA_DIR by default;
 * MongoDB GridFS when MongoDB is configured. */

export interface StoredFile {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface SaveFileInput {
  /** Id chosen by the caller (from the injected id generator). */
  id: string;
  filename: string;
  contentType: string;
  content: Readable;
  /** The save fails with FileTooLargeError, and keeps nothing, once the content exceeds this. */
  maxBytes: number;
  createdAt: string;
}

export interface FileStore {
  save(input: SaveFileInput): Promise<StoredFile>;
  /** null when no such file exists. */
  open(id: string): Promise<{ file: StoredFile; content: Readable } | null>;
  stat(id: string): Promise<StoredFile | null>;
  delete(id: string): Promise<void>;
}

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`File exceeds the limit of ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}
