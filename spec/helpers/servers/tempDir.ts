import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates `<os.tmpdir()>/holdfast-<label>-XXXXXX`. */
export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `holdfast-${label}-`));
}

/** Removes a temp dir tree; retries a little because a just-killed server may still close files. */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}

/** Synchronous removal for the process 'exit' handler, where no promise can run. */
export function removeTempDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
  } catch {
    // Best effort at process exit: nothing left to report to.
  }
}
