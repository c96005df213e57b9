// Builds the package for spec/integration/package.spec.ts the way `npm run build` does
// (tsconfig.build.json), but into .tmp/ (git-ignored) and incrementally, so that the spec costs
// a full compile only when src/ changed. The repository's own dist/ is left alone.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = new URL('../../', import.meta.url).pathname;

/** Compiles src/ and resolves with the directory holding the built dist. */
export async function buildPackage(): Promise<string> {
  const out = join(repoRoot, '.tmp/package-spec');
  const dist = join(out, 'dist');
  await run(
    process.execPath,
    [
      join(repoRoot, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(repoRoot, 'tsconfig.build.json'),
      '--outDir',
      dist,
      '--incremental',
      '--tsBuildInfoFile',
      join(out, 'build.tsbuildinfo'),
    ],
    { cwd: repoRoot },
  );
  pruneOutputsOfDeletedSources(dist);
  return dist;
}

/** An incremental build keeps the outputs of a source deleted since: they must not be packed. */
function pruneOutputsOfDeletedSources(dist: string): void {
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const source = relative(dist, path).replace(/(\.d\.ts|\.js\.map|\.js)$/, '.ts');
    if (!existsSync(join(repoRoot, 'src', source))) rmSync(path);
  }
}
