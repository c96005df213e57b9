// Every code example a user reads runs: each ```ts fence of README.md and docs/ (unless marked
// `<!-- not-run: reason -->`) is type-checked and run with tsx against the shared MariaDB and
// Redis, and every examples/*.ts file runs too; a fence marked `<!-- example: examples/x.ts -->`
// must show that file exactly (with `holdfast` imports; `npx tsx spec/docs/syncExamples.ts`
// rewrites them). A block that defines mocha suites (`describe(` at the start of a line) runs
// under mocha. Each example must end by itself: close what it opens. See docExamples.ts.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  asUserWritesIt,
  examplesOf,
  markdownFiles,
  pointImportsAtSource,
  repoRoot,
} from './docExamples.js';

const cacheDir = join(repoRoot, 'node_modules/.cache/holdfast-doc-examples');
const runTimeoutMs = 30_000;
const mochaBin = join(repoRoot, 'node_modules/mocha/bin/mocha.js');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: {
        ...process.env,
        NO_COLOR: '1',
        HOLDFAST_LOG_LEVEL: process.env['HOLDFAST_LOG_LEVEL'] ?? 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

const examples = markdownFiles().flatMap(examplesOf);
const inline = examples.filter((e) => e.notRun === undefined && e.mirrors === undefined);
const mirrored = examples.filter((e) => e.notRun === undefined && e.mirrors !== undefined);
const exampleFiles = readdirSync(join(repoRoot, 'examples'))
  .filter((name) => name.endsWith('.ts') && name !== 'otel.ts')
  .map((name) => `examples/${name}`);

function slug(where: string): string {
  return where.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '');
}

describe('documentation examples', function () {
  this.timeout(runTimeoutMs + 5000);

  before(() => {
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    // Under node_modules no package.json of ours applies: say these files are ES modules.
    writeFileSync(join(cacheDir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(cacheDir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.json',
        compilerOptions: { noEmit: true, noUnusedLocals: false },
        include: ['*.ts'],
      }),
    );
    for (const example of inline) {
      writeFileSync(
        join(cacheDir, `${slug(example.where)}.ts`),
        `// ${example.where}\n${pointImportsAtSource(example.code, cacheDir)}`,
      );
    }
  });

  it('finds examples in README.md and docs/', () => {
    expect(examples.filter((e) => e.where.startsWith('README.md'))).to.not.be.empty;
    expect(inline.length + mirrored.length).to.be.greaterThan(3);
  });

  it('gives a reason for every block it does not run', () => {
    const unexplained = examples.filter((e) => e.notRun === 'no reason given').map((e) => e.where);
    expect(unexplained).to.deep.equal([]);
  });

  it('type-checks every inline example', async function () {
    if (inline.length === 0) this.skip(); // nothing inline to check: the mirrored files are type-checked by npm run typecheck
    this.timeout(120_000);
    const result = await run(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(cacheDir, 'tsconfig.json')],
      115_000,
    );
    expect(result.code, result.output).to.equal(0);
  });

  describe('inline examples', () => {
    for (const example of inline) {
      it(`${example.where} runs`, async () => {
        const file = join(cacheDir, `${slug(example.where)}.ts`);
        // A block written as a mocha spec (a guide to testing your code) runs under mocha.
        const args = /^describe\(/m.test(example.code)
          ? [
              '--import',
              'tsx',
              mochaBin,
              '--no-config',
              '--reporter',
              'dot',
              '--timeout',
              '20000',
              file,
            ]
          : ['--import', 'tsx', file];
        const result = await run(process.execPath, args, runTimeoutMs);
        expect(result.code, `${example.where}\n${result.output}`).to.equal(0);
      });
    }
  });

  describe('examples shown from examples/*.ts', () => {
    for (const example of mirrored) {
      it(`${example.where} shows ${String(example.mirrors)} as it is`, () => {
        const source = readFileSync(join(repoRoot, String(example.mirrors)), 'utf8');
        expect(example.code).to.equal(asUserWritesIt(source));
      });
    }
  });

  describe('examples/*.ts', () => {
    for (const file of exampleFiles) {
      it(`${file} runs`, async () => {
        const result = await run(process.execPath, ['--import', 'tsx', file], runTimeoutMs);
        expect(result.code, `${file}\n${result.output}`).to.equal(0);
      });
    }
  });
});
