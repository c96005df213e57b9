// The package as npm ships it (issue 13): built, packed with `npm pack` (offline, no install),
// unpacked into a consumer project whose other dependencies are symlinks to this repository's
// node_modules, then type-checked under the three settings TypeScript users have — `nodenext`,
// `bundler` and `commonjs` (node10 resolution, which reads `typesVersions`, not `exports`) —
// and imported by Node. Every entry point of the exports map is checked, so a new one (such as
// `holdfast/mysql2/promise`) is covered as soon as it is exported.
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { buildPackage } from './packageBuild.js';

const run = promisify(execFile);
const repoRoot = new URL('../../', import.meta.url).pathname;
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
const offline = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}
interface Manifest {
  readonly exports: Record<string, string | { types?: string; default?: string }>;
  readonly typesVersions?: Record<string, Record<string, readonly string[]>>;
  readonly types?: string;
  readonly main?: string;
}

/** The entry points users import: `holdfast`, `holdfast/mysql2`, ... (not package.json). */
function entryPoints(manifest: Manifest): string[] {
  return Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? 'holdfast' : `holdfast/${key.slice(2)}`));
}

// skipLibCheck: the declaration files were checked when the build emitted them, and checking
// the drivers' and OpenTelemetry's too costs ~10 s a setting. What is checked here is that every
// import resolves to holdfast's types; the not-`any` checks of the consumer see a declaration
// inside the package that fails to resolve.
const settings = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  commonjs: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' },
} as const;

describe('the packed package (integration)', function () {
  this.timeout(120_000);
  let work = '';
  let pack: PackResult;
  let manifest: Manifest;
  let consumer: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'hf13-pack-'));
    const staging = join(work, 'staging');
    mkdirSync(staging);
    for (const file of ['package.json', 'README.md', 'LICENSE']) {
      cpSync(join(repoRoot, file), join(staging, file));
    }
    cpSync(await buildPackage(), join(staging, 'dist'), { recursive: true });
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
      { cwd: staging, env: offline },
    );
    [pack] = JSON.parse(stdout) as [PackResult];
    consumer = join(work, 'consumer');
    const installed = join(consumer, 'node_modules', 'holdfast');
    mkdirSync(installed, { recursive: true });
    await run('tar', ['-xzf', join(work, pack.filename), '-C', installed, '--strip-components=1']);
    manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Manifest;
    for (const peer of ['rxjs', 'mysql2', 'ioredis', '@opentelemetry', '@types']) {
      symlinkSync(join(repoRoot, 'node_modules', peer), join(consumer, 'node_modules', peer));
    }
  });

  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  describe('its files', () => {
    it('ship LICENSE, README and the built entry points, and no TypeScript source', () => {
      const paths = pack.files.map((file) => file.path);
      expect(paths).to.include.members(['LICENSE', 'README.md', 'package.json']);
      expect(readFileSync(join(consumer, 'node_modules/holdfast/LICENSE'), 'utf8')).to.match(
        /^MIT License/,
      );
      for (const target of Object.values(manifest.exports)) {
        for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
          expect(paths).to.include(file.replace(/^\.\//, ''));
        }
      }
      expect(
        paths.filter((path) => path.startsWith('src/') || /(?<!\.d)\.ts$/.test(path)),
      ).to.deep.equal([]);
      expect(pack.files.length).to.be.below(1000);
    });

    it('have source maps that carry their sources (the .ts files are not shipped)', () => {
      const maps = pack.files.map((file) => file.path).filter((path) => path.endsWith('.map'));
      expect(maps.length).to.be.greaterThan(0);
      for (const path of maps) {
        const map = JSON.parse(
          readFileSync(join(consumer, 'node_modules/holdfast', path), 'utf8'),
        ) as {
          sources: string[];
          sourcesContent?: (string | null)[];
        };
        expect(map.sourcesContent?.length, path).to.equal(map.sources.length);
        expect(
          map.sourcesContent?.every((content) => typeof content === 'string' && content !== ''),
          path,
        ).to.equal(true);
      }
    });

    it('map every entry point for node10 resolution in typesVersions', () => {
      const mapped = manifest.typesVersions?.['*'] ?? {};
      expect(manifest.types).to.equal('./dist/index.d.ts');
      for (const entry of entryPoints(manifest).filter((e) => e !== 'holdfast')) {
        const subpath = entry.slice('holdfast/'.length);
        const target = manifest.exports[`./${subpath}`];
        const types = typeof target === 'string' ? undefined : target?.types;
        expect(mapped[subpath], `typesVersions for ${subpath}`).to.deep.equal([types]);
      }
    });
  });

  describe('a consumer project', () => {
    for (const [name, options] of Object.entries(settings)) {
      it(`type-checks against it with module ${options.module}, moduleResolution ${options.moduleResolution}`, async () => {
        const dir = join(consumer, name);
        mkdirSync(dir, { recursive: true });
        const imports = entryPoints(manifest).map(
          (entry, index) => `import * as entry${index} from '${entry}';`,
        );
        writeFileSync(
          join(dir, 'index.ts'),
          [
            ...imports,
            "import { ConnectionManager, type RetryOptions } from 'holdfast';",
            'const retry: RetryOptions = { maxRetries: 2, baseDelayMs: 100 };',
            'const manager = new ConnectionManager({ name: "x", connect: async () => 1, retry });',
            // A declaration that failed to resolve would make these `any`, silently.
            'type IsAny<T> = 0 extends 1 & T ? true : false;',
            'export const notAny: [IsAny<typeof manager.state$>, IsAny<typeof entry1>] = [false, false];',
            `export const all = [manager, ${imports.map((_, index) => `entry${index}`).join(', ')}];`,
            '',
          ].join('\n'),
        );
        writeFileSync(
          join(dir, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: {
              ...options,
              target: 'es2022',
              strict: true,
              noEmit: true,
              skipLibCheck: true,
              types: ['node'],
              typeRoots: [join(consumer, 'node_modules/@types')],
            },
            files: ['index.ts'],
          }),
        );
        const result = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
          cwd: dir,
        }).catch((error: unknown) => error as { stdout?: string; stderr?: string });
        expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).to.equal('');
      });
    }

    it('imports every entry point at run time (ESM)', async () => {
      const imports = entryPoints(manifest).map((entry) => `await import('${entry}');`);
      writeFileSync(join(consumer, 'package.json'), '{"type":"module"}');
      writeFileSync(join(consumer, 'load.js'), `${imports.join('\n')}\nconsole.log('loaded');\n`);
      const { stdout } = await run(process.execPath, ['load.js'], { cwd: consumer });
      expect(stdout.trim()).to.equal('loaded');
    });
  });

  describe('in a project without the drivers installed', () => {
    let bare: string;

    before(() => {
      // A copy, not a symlink: Node resolves a symlinked package from its real path, which
      // would find the drivers next to it.
      bare = join(work, 'bare');
      cpSync(join(consumer, 'node_modules/holdfast'), join(bare, 'node_modules/holdfast'), {
        recursive: true,
      });
      for (const dependency of ['rxjs', '@opentelemetry']) {
        symlinkSync(
          join(repoRoot, 'node_modules', dependency),
          join(bare, 'node_modules', dependency),
        );
      }
      writeFileSync(join(bare, 'package.json'), '{"type":"module"}');
    });

    const load = async (entry: string): Promise<string> => {
      const script = `try { await import('${entry}'); console.log('loaded'); } catch (e) { console.log(e.message); }`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: bare,
      });
      return stdout.trim();
    };

    it('imports the core and holdfast/testing', async () => {
      expect(await load('holdfast')).to.equal('loaded');
      expect(await load('holdfast/testing')).to.equal('loaded');
    });

    for (const [entry, driver] of [
      ['holdfast/ioredis', 'ioredis'],
      ['holdfast/mysql2', 'mysql2'],
    ] as const) {
      it(`says which package to install when ${entry} is imported without ${driver}`, async () => {
        expect(await load(entry)).to.equal(
          `${entry} needs the ${driver} package, which is not installed: npm install ${driver}`,
        );
      });
    }
  });
});
