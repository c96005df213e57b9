// Prints the functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`),
// and the share of time spent under holdfast's own files.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: summarizeProfile.ts <file.cpuprofile> [top]');
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map<string, number>();
let holdfast = 0;
for (const [id, us] of self) {
  const frame = byId.get(id)?.callFrame;
  if (frame === undefined) continue;
  const where = frame.url.replace(/^.*\/(node_modules\/|src\/)/, '$1');
  const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  if (frame.url.includes('/src/')) holdfast += us;
}
const idle = [...byFunction].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log(
  `total ${(total / 1000).toFixed(0)} ms, idle ${((100 * idle) / total).toFixed(1)} %, self time in holdfast src/ ${((100 * holdfast) / (total - idle)).toFixed(1)} % of busy`,
);
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((100 * us) / (total - idle)).toFixed(1).padStart(5)} %  ${key}`);
}
