import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where a long command keeps what it has done, so that running it again after an interruption
 * resumes instead of starting over (DATA_DIR/.cli/<command>.json). Written whole to a temporary
 * file and renamed over, so a crash leaves the previous state, never half of one.
 */
export class StateFile<T> {
  constructor(readonly path: string) {}

  read(): T | null {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as T;
    } catch {
      return null;
    }
  }

  write(state: T): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(`${this.path}.tmp`, JSON.stringify(state));
    renameSync(`${this.path}.tmp`, this.path);
  }

  clear(): void {
    rmSync(this.path, { force: true });
  }
}
