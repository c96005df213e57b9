// Fails when the relative imports under a folder form a cycle (STYLE.md: no import cycles).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const importPattern = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"](\.[^'"]+)['"]/g;
const graph = new Map<string, string[]>();
for (const file of files(root)) {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const spec = match[1] ?? '';
    targets.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  graph.set(file, targets);
}

const done = new Set<string>();
const stack: string[] = [];
const onStack = new Set<string>();
const cycles: string[][] = [];
function visit(node: string): void {
  if (done.has(node)) return;
  if (onStack.has(node)) {
    cycles.push(stack.slice(stack.indexOf(node)).concat(node));
    return;
  }
  onStack.add(node);
  stack.push(node);
  for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next);
  stack.pop();
  onStack.delete(node);
  done.add(node);
}
for (const node of graph.keys()) visit(node);

if (cycles.length > 0) {
  for (const cycle of cycles)
    console.error(`import cycle: ${cycle.map((f) => relative(root, f)).join(' -> ')}`);
  process.exit(1);
}
console.log(
  `no import cycles in ${graph.size} files under ${relative(process.cwd(), root) || '.'}`,
);
