import type { ManagerExecuteOptions } from '../connection/ConnectionManagerOptions.js';
import { type CommandRule, commandRule } from './commandTable.js';

/** How a client sends one command: frozen, and shared by every call with the same verdict. */
export interface CommandSpec {
  /**
   * The lower-case name that ioredis keys its reply transformers by (`hgetall` answers an object
   * only when called so).
   */
  readonly ioredisName: string;
  /** The manager's options: the upper-case name as `description`, and the verdict. */
  readonly options: ManagerExecuteOptions & {
    readonly description: string;
    readonly idempotent: boolean;
  };
}

/** The two specs of one command name and its row of the command table. */
interface NameSpecs {
  readonly rule: CommandRule;
  /** Sent again after it may have reached the server (a read or an idempotent write). */
  readonly resendable: CommandSpec;
  readonly unsafe: CommandSpec;
}

/**
 * How many spellings of command names are kept. The names holdfast sends are a few dozen;
 * `client.call()` takes any string, so past this the specs are built per call, not cached.
 */
const cachedNamesLimit = 512;

/** By the name as given (`get`, `GET`): upper- and lower-casing once per spelling, not per call. */
const specsByName = new Map<string, NameSpecs>();

function spec(name: string, idempotent: boolean): CommandSpec {
  return Object.freeze({
    ioredisName: name.toLowerCase(),
    options: Object.freeze({ description: name.toUpperCase(), idempotent }),
  });
}

function specsOf(name: string): NameSpecs {
  let specs = specsByName.get(name);
  if (specs === undefined) {
    specs = { rule: commandRule(name), resendable: spec(name, true), unsafe: spec(name, false) };
    if (specsByName.size < cachedNamesLimit) specsByName.set(name, specs);
  }
  return specs;
}

/**
 * The spec of one command with its arguments, judged by the command table (`commandSafety`): the
 * name's row is looked up once per spelling, a row that depends on the arguments (`SET ... NX`)
 * judges them on every call. The hot path of every client command: one map lookup, no
 * allocation.
 *
 * @param name the command name in any case
 * @param args the arguments after the name
 * @example
 * commandSpec('set', ['k', 'v']).options; // { description: 'SET', idempotent: true }
 * commandSpec('set', ['k', 'v', 'NX']).options; // { description: 'SET', idempotent: false }
 */
export function commandSpec(name: string, args: readonly unknown[]): CommandSpec {
  const specs = specsOf(name);
  const rule = specs.rule;
  const verdict = typeof rule === 'function' ? rule(args) : rule;
  return verdict === 'unsafe' ? specs.unsafe : specs.resendable;
}

/**
 * The spec of a command whose caller decided the verdict (`client.command(name, args, {
 * idempotent })`): the table is not asked, and nothing about the choice is remembered, so the
 * next call without one gets the table's verdict again.
 *
 * @example
 * commandSpecWith('EVALSHA', true).options; // { description: 'EVALSHA', idempotent: true }
 */
export function commandSpecWith(name: string, idempotent: boolean): CommandSpec {
  const specs = specsOf(name);
  return idempotent ? specs.resendable : specs.unsafe;
}
