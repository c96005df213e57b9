import { expect } from 'chai';
import { describeProbeAddress, probeAddressOf } from '../../src/probe/ProbeAddress.js';

describe('probeAddressOf', () => {
  it('reads a TCP address from host and port', () => {
    expect(probeAddressOf({ system: 'mysql', address: 'db.internal', port: 3306 })).to.deep.equal({
      host: 'db.internal',
      port: 3306,
    });
  });

  it('reads a unix socket from an absolute path without a port', () => {
    expect(probeAddressOf({ system: 'redis', address: '/run/redis.sock' })).to.deep.equal({
      path: '/run/redis.sock',
    });
  });

  it('has none without a target, an address, or with a name and no port (Sentinel)', () => {
    expect(probeAddressOf(undefined)).to.equal(undefined);
    expect(probeAddressOf({ system: 'redis' })).to.equal(undefined);
    expect(probeAddressOf({ system: 'redis', address: '' })).to.equal(undefined);
    expect(probeAddressOf({ system: 'redis', address: 'mymaster' })).to.equal(undefined);
    expect(probeAddressOf({ address: 'db', port: 0 })).to.equal(undefined);
    expect(probeAddressOf({ address: 'db', port: 70000 })).to.equal(undefined);
  });

  it('describes an address for messages', () => {
    expect(describeProbeAddress({ host: 'db', port: 1 })).to.equal('db:1');
    expect(describeProbeAddress({ path: '/s' })).to.equal('/s');
  });
});
