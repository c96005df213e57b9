// Mocha root hook plugin (listed in .mocharc.json "require"): stops every private server a
// spec left running, even after failures.
import { stopAllServers } from './registry.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopAllServers();
  },
};
