import type { Random } from '../../internal/Random.js';
import type { PoolClusterRole } from './ClusterNode.js';
import type { ClusterSelector } from './PoolClusterOptions.js';

/** What routing reads of a node. */
export interface RoutableNode {
  readonly id: string;
  /** Its pool is connected. */
  readonly usable: boolean;
  readonly role: PoolClusterRole;
}

/** Where a call goes: `pick` chooses among the nodes now, or finds none (the call waits). */
export interface RouteTarget<N extends RoutableNode> {
  /** What was asked, for errors: `primary`, `replica` or the pattern. */
  readonly label: string;
  /** A write: while it waits, the nodes' roles are asked again. */
  readonly wantsPrimary: boolean;
  pick(nodes: readonly N[], primary: N | undefined): N | undefined;
}

/** mysql2's pattern syntax: `*` matches anything, the rest literally; or a RegExp. */
export function patternRegExp(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const source = pattern.replace(/([.+?^=!:${}()|[\]/\\])/g, '\\$1').replace(/\*/g, '.*');
  return new RegExp(`^${source}$`);
}

/** One selector instance (RR keeps its own position, as mysql2's does per namespace). */
export function makeSelector(
  selector: ClusterSelector,
  random: Random,
): <T>(nodes: readonly T[]) => T | undefined {
  switch (selector) {
    case 'RR': {
      let index = 0;
      return (nodes) => nodes[index++ % nodes.length];
    }
    case 'RANDOM':
      return (nodes) => nodes[Math.floor(random() * nodes.length)];
    case 'ORDER':
      return (nodes) => nodes[0];
  }
}

/** mysql2's `of(pattern, selector)`: the connected nodes whose id matches, by the selector. */
export function patternTarget<N extends RoutableNode>(
  pattern: string | RegExp,
  select: <T>(nodes: readonly T[]) => T | undefined,
): RouteTarget<N> {
  const expression = patternRegExp(pattern);
  return {
    label: String(pattern),
    wantsPrimary: false,
    pick: (nodes) => select(nodes.filter((node) => node.usable && expression.test(node.id))),
  };
}

/** Writes: the node that currently accepts them. */
export function primaryTarget<N extends RoutableNode>(): RouteTarget<N> {
  return { label: 'primary', wantsPrimary: true, pick: (_nodes, primary) => primary };
}

/**
 * Reads: a connected replica by the selector; the primary when no replica is connected (a read
 * from the primary is as correct, only not offloaded).
 */
export function replicaTarget<N extends RoutableNode>(
  select: <T>(nodes: readonly T[]) => T | undefined,
): RouteTarget<N> {
  return {
    label: 'replica',
    wantsPrimary: false,
    pick: (nodes, primary) =>
      select(nodes.filter((node) => node.usable && node.role === 'replica')) ?? primary,
  };
}

/**
 * The node writes go to: the current one while it is connected and accepts writes (so that a
 * second writable server, such as an old primary restarted without read_only, does not take
 * writes away from the promoted one), else the first such node in the order they were added.
 */
export function choosePrimary<N extends RoutableNode>(
  nodes: readonly N[],
  current: N | undefined,
): N | undefined {
  const writable = (node: N | undefined): boolean =>
    node !== undefined && node.usable && node.role === 'primary';
  if (writable(current)) return current;
  return nodes.find(writable);
}
