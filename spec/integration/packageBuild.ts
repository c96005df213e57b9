// Builds the package for spec/integration/package.spec.ts the way `npm run build` does
// (tsconfig.build.json), but into .tmp/ (git-ignored) and incrementally, so that the spec costs
// a full compile only when src/ changed. The repository's own dist/ is left alone.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = new URL('../../', import.meta.url).pathname;

/** Compiles src/ and resolves with the directory holding the built dist. */
export async function buildPackage(): Promise<string> {
  const out = join(repoRoot, '.tmp/package-spec');
  await run(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(repoRoot, 'tsconfig.build.json'),
      '--outDir',
      join(out, 'dist'),
      '--incremental',
      '--tsBuildInfoFile',
      join(out, 'build.tsbuildinfo'),
    ],
    { cwd: repoRoot },
  );
  return join(out, 'dist');
}
