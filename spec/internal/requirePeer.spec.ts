import { expect } from 'chai';
import { requirePeer } from '../../src/internal/requirePeer.js';

// Its missing-driver message is shown in spec/integration/package.spec.ts, against the packed
// package in a project where the drivers are not installed.
describe('requirePeer', () => {
  for (const name of ['mysql2', 'mysql2/promise', 'ioredis'] as const) {
    it(`gives the module object an import of ${name} gives (one copy of the driver)`, async () => {
      const imported = (await import(name)) as { default: unknown };
      expect(requirePeer(name, 'holdfast/x')).to.equal(imported.default);
    });
  }
});
