// Finds the code examples of README.md and docs/ (every ```ts fence) and turns each into a file
// that can be type-checked and run: `holdfast` imports point at src/. A fence preceded by
// `<!-- not-run: <reason> -->` is skipped; a fence preceded by `<!-- example: examples/x.ts -->`
// must be that file, with its imports spelled as a user writes them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repoRoot = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

export interface DocExample {
  /** `docs/getting-started.md:42` (the line of the opening fence). */
  readonly where: string;
  readonly code: string;
  /** `examples/x.ts` when the block mirrors a file. */
  readonly mirrors: string | undefined;
  /** The reason given in `<!-- not-run: ... -->`, else undefined. */
  readonly notRun: string | undefined;
}

/** Entry points as users import them -> source files (relative to the repository). */
export const entryPoints: Readonly<Record<string, string>> = {
  holdfast: 'src/index.js',
  'holdfast/mysql2': 'src/mysql2/index.js',
  'holdfast/mysql2/promise': 'src/mysql2/promise.js',
  'holdfast/ioredis': 'src/ioredis/index.js',
  'holdfast/testing': 'src/testing/index.js',
};

export function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(repoRoot, dir)).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(join(repoRoot, path)).isDirectory()) return walk(path);
      return path.endsWith('.md') ? [path] : [];
    });
  return ['README.md', ...walk('docs')];
}

const fenceOpen = /^```(\S*)(.*)$/;
const marker = /^<!--\s*(not-run|example):\s*(.*?)\s*-->\s*$/;

/** Every ```ts / ```typescript fence of one markdown file. */
export function examplesOf(file: string): DocExample[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const found: DocExample[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = fenceOpen.exec(lines[i] ?? '');
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end < 0) break;
    const language = open[1] ?? '';
    if (language === 'ts' || language === 'typescript') {
      const previous =
        lines
          .slice(0, i)
          .reverse()
          .find((line) => line.trim() !== '') ?? '';
      const mark = marker.exec(previous.trim());
      found.push({
        where: `${file}:${i + 1}`,
        code: lines.slice(i + 1, end).join('\n') + '\n',
        mirrors: mark?.[1] === 'example' ? mark[2] : undefined,
        notRun: mark?.[1] === 'not-run' ? mark[2] || 'no reason given' : undefined,
      });
    }
    i = end;
  }
  return found;
}

/** Rewrites `from 'holdfast...'` to paths relative to `fromDir` (inside the repository). */
export function pointImportsAtSource(code: string, fromDir: string): string {
  return code.replace(
    /(from\s+|import\s*\(\s*)(['"])(holdfast(?:\/[a-z0-9]+){0,2})\2/g,
    (all, lead: string, quote: string, name: string) => {
      const target = entryPoints[name];
      if (target === undefined) return all;
      let path = relative(fromDir, join(repoRoot, target));
      if (!path.startsWith('.')) path = `./${path}`;
      return `${lead}${quote}${path}${quote}`;
    },
  );
}

/** The form of an examples/*.ts file shown in the docs: its source imports as users spell them. */
export function asUserWritesIt(code: string): string {
  return code.replace(
    /(['"])\.\.\/src\/((?:[a-z0-9]+\/)?)index\.js\1/g,
    (_all, quote: string, sub: string) =>
      `${quote}holdfast${sub === '' ? '' : `/${sub.slice(0, -1)}`}${quote}`,
  );
}
