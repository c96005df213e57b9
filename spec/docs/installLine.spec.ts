// The documented install works as written (issue 13): `npm install holdfast @opentelemetry/api`
// took api 1.10, which the OpenTelemetry SDK the docs recommend (sdk-node 0.2xx, its 2.x
// packages) refuses (< 1.10), so a later `npm i @opentelemetry/sdk-node` failed with ERESOLVE.
// Nothing is installed here: the ranges are compared with semver, from package.json, the
// getting-started guide and the SDK packages' own declarations in package-lock.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from './docExamples.js';

interface Semver {
  subset(sub: string, dom: string): boolean;
  satisfies(version: string, range: string): boolean;
  validRange(range: string): string | null;
}
// semver comes with npm's tool chain in node_modules (no @types): the part used is typed above.
const semver = createRequire(import.meta.url)('semver') as Semver;

interface LockEntry {
  readonly version?: string;
  readonly peerDependencies?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const guide = readFileSync(join(repoRoot, 'docs/getting-started.md'), 'utf8');
const apiPeer = manifest.peerDependencies['@opentelemetry/api'] ?? '';

/** Every OpenTelemetry package in the lock that declares which API it works with. */
const sdkPackages = Object.entries(lock.packages)
  .filter(([path]) => /^node_modules\/@opentelemetry\/[^/]+$/.test(path))
  .filter(([path]) => !path.endsWith('/otlp-proto-exporter-base')) // 0.51, dev-only decoder
  .flatMap(([path, entry]) => {
    const range = entry.peerDependencies?.['@opentelemetry/api'];
    return range === undefined ? [] : [{ name: path.slice('node_modules/'.length), range }];
  });

describe('the documented install', () => {
  it('finds the SDK packages the docs recommend in the lock file', () => {
    expect(sdkPackages.map((p) => p.name)).to.include.members([
      '@opentelemetry/sdk-node',
      '@opentelemetry/sdk-metrics',
      '@opentelemetry/sdk-trace-base',
      '@opentelemetry/exporter-trace-otlp-proto',
    ]);
  });

  it('installs every @opentelemetry package with a version within holdfast’s peer range', () => {
    const installs = guide
      .split('\n')
      .filter((line) => line.startsWith('npm install '))
      .flatMap((line) => line.split(/\s+/).filter((word) => word.startsWith('@opentelemetry/')));
    expect(installs.length, 'the install lines of docs/getting-started.md').to.be.at.least(2);
    for (const word of installs) {
      const at = word.indexOf('@', 1);
      expect(at, `${word} names a version (a bare name takes the newest)`).to.be.greaterThan(0);
      const [name, asked] = [word.slice(0, at), word.slice(at + 1)];
      const peer = manifest.peerDependencies[name] ?? '';
      expect(semver.validRange(asked), word).to.not.equal(null);
      expect(semver.subset(asked, peer), `${word} within ${peer}`).to.equal(true);
    }
  });

  for (const { name, range } of sdkPackages) {
    it(`holdfast's @opentelemetry/api peer (${apiPeer}) is within what ${name} accepts (${range})`, () => {
      expect(semver.subset(apiPeer, range)).to.equal(true);
    });
  }

  it('declares SDK peer ranges that the SDK versions tested here satisfy', () => {
    for (const [name, range] of Object.entries(manifest.peerDependencies)) {
      const version = lock.packages[`node_modules/${name}`]?.version ?? '';
      expect(semver.satisfies(version, range), `${name}@${version} in ${range}`).to.equal(true);
    }
  });
});
