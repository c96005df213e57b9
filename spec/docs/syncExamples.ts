// Rewrites every fence marked `<!-- example: examples/x.ts -->` in README.md and docs/ with the
// current examples/x.ts (its imports as users write them). Run after editing an example:
//   npx tsx spec/docs/syncExamples.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asUserWritesIt, markdownFiles, repoRoot } from './docExamples.js';

const block =
  /(<!--\s*example:\s*(\S+?)\s*-->\n(?:[ \t]*\n)*```(?:ts|typescript)\n)([\s\S]*?)(```)/g;

for (const file of markdownFiles()) {
  const path = join(repoRoot, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(
    block,
    (_all, head: string, example: string, _old: string, end: string) => {
      const source = readFileSync(join(repoRoot, example), 'utf8');
      return `${head}${asUserWritesIt(source)}${end}`;
    },
  );
  if (next !== text) {
    writeFileSync(path, next);
    console.log(`updated ${file}`);
  }
}
