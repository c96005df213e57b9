// ClusterNodeStates with emitters standing in for ioredis's Cluster and its node connections,
// emitting the events ioredis emits (pinned by spec/ioredis/ioredisClusterInternals.spec.ts).
import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import {
  type ClusterNodeConnection,
  ClusterNodeStates,
  type NodeSource,
} from '../../src/ioredis/ClusterNodeStates.js';
import type { RedisNodeState } from '../../src/ioredis/RedisNodeState.js';

class FakeNode extends EventEmitter implements ClusterNodeConnection {
  status = 'wait';
  readonly options: { host: string; port: number; readOnly: boolean };

  constructor(port: number, readOnly = false) {
    super();
    this.options = { host: '127.0.0.1', port, readOnly };
  }

  /** ioredis's setStatus: the status, then an event of the same name. */
  set(status: string): void {
    this.status = status;
    this.emit(status);
  }
}

class FakeCluster extends EventEmitter implements NodeSource {
  readonly pool = new Map<string, FakeNode>();

  nodes(role: 'all' | 'master' | 'slave' = 'all'): FakeNode[] {
    return [...this.pool.values()].filter(
      (n) => role === 'all' || n.options.readOnly === (role === 'slave'),
    );
  }

  add(node: FakeNode): FakeNode {
    this.pool.set(`127.0.0.1:${node.options.port}`, node);
    this.emit('+node', node);
    return node;
  }

  remove(node: FakeNode): void {
    this.pool.delete(`127.0.0.1:${node.options.port}`);
    this.emit('-node', node);
  }
}

function setup(): {
  cluster: FakeCluster;
  states: ClusterNodeStates;
  seen: ReadonlyMap<string, RedisNodeState>[];
} {
  const cluster = new FakeCluster();
  const states = new ClusterNodeStates(cluster);
  const seen: ReadonlyMap<string, RedisNodeState>[] = [];
  states.states$.subscribe((map) => seen.push(map));
  return { cluster, states, seen };
}

describe('ClusterNodeStates', () => {
  it('starts empty and adds each node ioredis creates, keyed host:port, idle with its role', () => {
    const { cluster, states, seen } = setup();
    cluster.add(new FakeNode(7000));
    cluster.add(new FakeNode(7003, true));
    expect(seen[0]?.size).to.equal(0);
    expect([...states.states]).to.deep.equal([
      ['127.0.0.1:7000', { status: 'idle', role: 'master' }],
      ['127.0.0.1:7003', { status: 'idle', role: 'replica' }],
    ]);
  });

  it('follows a node connection: connecting, connected, then lost with its last error', () => {
    const { cluster, states, seen } = setup();
    const node = cluster.add(new FakeNode(7000));
    node.set('connecting');
    node.set('connect');
    node.set('ready');
    const error = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    node.emit('error', error);
    node.set('close');
    node.set('end');
    cluster.remove(node);
    expect(seen.map((map) => map.get('127.0.0.1:7000')?.status)).to.deep.equal([
      undefined,
      'idle',
      'connecting',
      'connected',
      'lost',
    ]);
    expect(states.states.get('127.0.0.1:7000')).to.deep.equal({
      status: 'lost',
      role: 'master',
      error,
    });
  });

  it('publishes a new map on each change and never mutates one already published', () => {
    const { cluster, seen } = setup();
    const node = cluster.add(new FakeNode(7000));
    const before = seen.at(-1);
    node.set('connecting');
    expect(before?.get('127.0.0.1:7000')?.status).to.equal('idle');
    expect(seen.at(-1)).to.not.equal(before);
  });

  it('keeps a lost node until a slot refresh shows ioredis no longer holds it', () => {
    const { cluster, states } = setup();
    const node = cluster.add(new FakeNode(7000));
    cluster.add(new FakeNode(7001));
    node.set('end');
    cluster.remove(node);
    expect(states.states.has('127.0.0.1:7000')).to.equal(true);
    cluster.emit('refresh');
    expect([...states.states.keys()]).to.deep.equal(['127.0.0.1:7001']);
  });

  it('reads roles again on refresh: a replica promoted becomes master', () => {
    const { cluster, states } = setup();
    const replica = cluster.add(new FakeNode(7003, true));
    replica.set('connecting');
    replica.set('ready');
    replica.options.readOnly = false; // ioredis's findOrCreate on the new slot map
    cluster.emit('refresh');
    expect(states.states.get('127.0.0.1:7003')).to.deep.equal({
      status: 'connected',
      role: 'master',
    });
  });

  it('starts a new connection to the same address afresh, and ignores the old one', () => {
    const { cluster, states } = setup();
    const old = cluster.add(new FakeNode(7000));
    old.set('connecting');
    old.set('ready');
    // ioredis's recreate(): the new instance is added before the old one is removed.
    const fresh = cluster.add(new FakeNode(7000));
    cluster.emit('-node', old);
    old.set('end');
    expect(states.states.get('127.0.0.1:7000')).to.deep.equal({ status: 'idle', role: 'master' });
    fresh.set('connecting');
    fresh.set('ready');
    expect(states.states.get('127.0.0.1:7000')?.status).to.equal('connected');
    expect(old.listenerCount('ready'), 'the old instance is let go').to.equal(0);
  });

  it('never moves a lost connection back (ioredis does not reconnect a node connection)', () => {
    const { cluster, states } = setup();
    const node = cluster.add(new FakeNode(7000));
    node.set('close');
    node.set('ready');
    expect(states.states.get('127.0.0.1:7000')?.status).to.equal('lost');
  });

  it('completes with the last map', () => {
    const { cluster, states } = setup();
    cluster.add(new FakeNode(7000));
    let completed = false;
    let last: ReadonlyMap<string, RedisNodeState> | undefined;
    states.states$.subscribe({ next: (m) => (last = m), complete: () => (completed = true) });
    states.complete();
    expect(completed).to.equal(true);
    expect(last?.size).to.equal(1);
  });
});
