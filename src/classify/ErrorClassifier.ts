import { isHoldfastError } from '../errors/HoldfastError.js';
import { safeInvoke } from '../internal/safeInvoke.js';
import {
  type Classification,
  type ClassifierRule,
  type ClassifyContext,
  fatal,
  isRetryable,
  transient,
} from './Classification.js';
import { errorCode, errorErrno, errorName, innermostSocketError } from './errorFields.js';
import { classifyHoldfastCode } from './holdfastErrors.js';
import {
  isMysqlClosedStateError,
  mysqlCodeTable,
  mysqlErrnoTable,
  mysqlStatementErrnoTable,
  mysqlStatementTable,
  mysqlTransactionErrnoTable,
  mysqlTransactionTable,
} from './mysqlErrors.js';
import { dnsNotFound, networkErrorTable } from './networkErrors.js';
import { redisConnectionCodes, redisReplyTable } from './redisErrors.js';
import { redisReplyPrefix } from './redisReplyPrefix.js';

/** Which built-in tables a classifier consults (network errors always). */
export type ErrorTable = 'mysql' | 'redis';

export interface ErrorClassifierOptions {
  /** Rules asked before the built-in tables, in order; the first verdict wins. */
  readonly rules?: readonly ClassifierRule[];
  /** Built-in tables. @default ['mysql', 'redis'] */
  readonly tables?: readonly ErrorTable[];
  /** Retry ENOTFOUND (a host name that does not resolve yet). @default false */
  readonly retryDnsNotFound?: boolean;
  /** Told when a user rule throws; the rule then counts as no opinion. */
  readonly onRuleError?: (error: unknown) => void;
}

const programmingErrors = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']);
const defaultContext: ClassifyContext = { attempt: 1, scope: 'execute' };
const closedState = transient('mysql: command on a closed connection');
const dnsNotFoundFatal = fatal('network: host name not found (ENOTFOUND)');
const unknownError = fatal('unknown error: not retried (add a classifier rule to retry it)');

/**
 * Decides whether an error is worth another attempt. Tables are keyed by `code`, `errno` or the
 * Redis reply prefix, never by prose; an error no table knows is fatal.
 *
 * @example
 * const classifier = new ErrorClassifier({
 *   rules: [(error) => (error instanceof MyQueueFullError ? throttled('queue full') : undefined)],
 * });
 * classifier.classify(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).kind; // 'transient'
 */
export class ErrorClassifier {
  readonly #rules: readonly ClassifierRule[];
  readonly #mysql: boolean;
  readonly #redis: boolean;
  readonly #retryDnsNotFound: boolean;
  readonly #onRuleError: ((error: unknown) => void) | undefined;

  constructor(options: ErrorClassifierOptions = {}) {
    this.#rules = options.rules ?? [];
    const tables = options.tables ?? ['mysql', 'redis'];
    this.#mysql = tables.includes('mysql');
    this.#redis = tables.includes('redis');
    this.#retryDnsNotFound = options.retryDnsNotFound ?? false;
    this.#onRuleError = options.onRuleError;
  }

  /** A classifier with these rules in front of this one's (tables and settings kept). */
  withRules(rules: readonly ClassifierRule[]): ErrorClassifier {
    return new ErrorClassifier({
      rules: [...rules, ...this.#rules],
      tables: [
        ...(this.#mysql ? ['mysql' as const] : []),
        ...(this.#redis ? ['redis' as const] : []),
      ],
      retryDnsNotFound: this.#retryDnsNotFound,
      ...(this.#onRuleError ? { onRuleError: this.#onRuleError } : {}),
    });
  }

  classify(error: unknown, context: ClassifyContext = defaultContext): Classification {
    for (const rule of this.#rules) {
      const verdict = safeInvoke(() => rule(error, context), this.#onRuleError);
      if (verdict !== undefined) return verdict;
    }
    return this.#builtIn(error, context);
  }

  isRetryable(error: unknown, context: ClassifyContext = defaultContext): boolean {
    return isRetryable(this.classify(error, context));
  }

  #builtIn(error: unknown, context: ClassifyContext): Classification {
    if (isHoldfastError(error)) return classifyHoldfastCode(error.code);
    const name = errorName(error);
    if (name !== undefined && programmingErrors.has(name) && errorCode(error) === undefined) {
      return fatal(`programming error: ${name}`);
    }
    const inner = innermostSocketError(error);
    const code = errorCode(inner);
    if (code !== undefined) {
      const network = networkErrorTable[code];
      if (network) return network;
      if (code === 'ENOTFOUND') return this.#retryDnsNotFound ? dnsNotFound : dnsNotFoundFatal;
      if (this.#redis) {
        const redis = redisConnectionCodes[code];
        if (redis) return redis;
      }
      if (this.#mysql) {
        const mysql =
          mysqlCodeTable[code] ??
          (context.scope === 'transaction' ? mysqlTransactionTable : mysqlStatementTable)[code];
        if (mysql) return mysql;
      }
    }
    if (this.#mysql) {
      const errno = errorErrno(inner);
      if (errno !== undefined) {
        const byNumber =
          mysqlErrnoTable[errno] ??
          (context.scope === 'transaction' ? mysqlTransactionErrnoTable : mysqlStatementErrnoTable)[
            errno
          ];
        if (byNumber) return byNumber;
      }
      if (isMysqlClosedStateError(inner)) return closedState;
    }
    if (this.#redis) {
      const prefix = redisReplyPrefix(inner);
      if (prefix !== undefined)
        return redisReplyTable[prefix] ?? fatal(`redis: error reply ${prefix}`);
    }
    return unknownError;
  }
}
