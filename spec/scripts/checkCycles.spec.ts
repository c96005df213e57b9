import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
const script = new URL('../../scripts/checkCycles.ts', import.meta.url).pathname;

/** Runs the cycle check over a folder of files; resolves with its exit code and output. */
async function check(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hf14-cycles-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script, dir]);
      return { code: 0, output: stdout };
    } catch (error) {
      const failed = error as { code: number; stderr: string };
      return { code: failed.code, output: failed.stderr };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('scripts/checkCycles.ts', () => {
  it('finds a cycle made of type-only imports', async () => {
    const result = await check({
      'a.ts': "import type { B } from './b.js';\nexport type A = B[];\n",
      'b.ts': "export type { A as B } from './a.js';\n",
    });
    expect(result.code).to.equal(1);
    expect(result.output).to.include('import cycle: a.ts -> b.ts -> a.ts');
  });

  it('passes imports that point one way', async () => {
    const result = await check({
      'a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'b.ts': 'export const b = 1;\n',
    });
    expect(result.code).to.equal(0);
  });
});
