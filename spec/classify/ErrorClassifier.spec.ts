import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  type Classification,
  type ClassifyContext,
  type OperationScope,
  fatal,
  throttled,
  transient,
} from '../../src/classify/Classification.js';
import { ErrorClassifier } from '../../src/classify/ErrorClassifier.js';
import { holdfastErrorTable } from '../../src/classify/holdfastErrors.js';
import { mysqlErrorRows, mysqlTransactionRows } from '../../src/classify/mysqlErrors.js';
import { dnsNotFound, networkErrorTable } from '../../src/classify/networkErrors.js';
import { redisConnectionCodes, redisReplyTable } from '../../src/classify/redisErrors.js';
import { AbortedError } from '../../src/errors/AbortedError.js';
import { CircuitOpenError } from '../../src/errors/CircuitOpenError.js';
import { ClosedError } from '../../src/errors/ClosedError.js';
import { ConfigurationError } from '../../src/errors/ConfigurationError.js';
import { OutcomeUnknownError } from '../../src/errors/OutcomeUnknownError.js';
import { RetriesExhaustedError } from '../../src/errors/RetriesExhaustedError.js';
import {
  accessDenied,
  codeError,
  errnoError,
  replyError,
  wrongPass,
} from '../helpers/fakeErrors.js';

const scopes: readonly OperationScope[] = ['connect', 'execute', 'transaction'];
const classifier = new ErrorClassifier();
const at = (scope: OperationScope, attempt = 1): ClassifyContext => ({ attempt, scope });

function expectVerdict(actual: Classification, expected: Classification): void {
  expect(actual).to.deep.equal(expected);
}

describe('ErrorClassifier', () => {
  describe('network table', () => {
    for (const [code, verdict] of Object.entries(networkErrorTable)) {
      it(`classifies ${code} as ${verdict.kind} in every scope`, () => {
        for (const scope of scopes) {
          expectVerdict(classifier.classify(codeError(code), at(scope)), verdict);
        }
      });

      it(`classifies ${code} inside an AggregateError as ${verdict.kind}`, () => {
        const aggregate = new AggregateError([codeError(code)], 'connect failed');
        expectVerdict(classifier.classify(aggregate), verdict);
      });

      it(`classifies ${code} with only the redis or only the mysql table`, () => {
        for (const tables of [['mysql'], ['redis'], []] as const) {
          expectVerdict(new ErrorClassifier({ tables }).classify(codeError(code)), verdict);
        }
      });
    }

    it('covers every network code DESIGN.md requires, each transient', () => {
      for (const code of [
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'EPIPE',
        'EHOSTUNREACH',
        'ENETUNREACH',
        'EAI_AGAIN',
      ]) {
        expect(classifier.classify(codeError(code)).kind, code).to.equal('transient');
      }
    });
  });

  describe('ENOTFOUND', () => {
    it('is fatal by default: a misspelt host fails fast', () => {
      expect(classifier.classify(codeError('ENOTFOUND')).kind).to.equal('fatal');
    });

    it('is transient with retryDnsNotFound', () => {
      const dns = new ErrorClassifier({ retryDnsNotFound: true });
      expectVerdict(dns.classify(codeError('ENOTFOUND')), dnsNotFound);
      expect(dnsNotFound.kind).to.equal('transient');
    });
  });

  describe('AggregateError', () => {
    it('is transient when an inner error is ECONNREFUSED', () => {
      const error = new AggregateError(
        [codeError('ECONNREFUSED'), codeError('ECONNREFUSED')],
        'connect ECONNREFUSED ::1:3306, connect ECONNREFUSED 127.0.0.1:3306',
      );
      expect(classifier.classify(error).kind).to.equal('transient');
    });

    it('looks past inner errors without a code', () => {
      const error = new AggregateError([new Error('no code'), codeError('ECONNREFUSED')]);
      expect(classifier.classify(error).kind).to.equal('transient');
    });

    it('uses its own code when it has one', () => {
      const error = Object.assign(new AggregateError([codeError('ER_PARSE_ERROR')]), {
        code: 'ECONNREFUSED',
      });
      expect(classifier.classify(error).kind).to.equal('transient');
    });

    it('is fatal when empty', () => {
      expect(classifier.classify(new AggregateError([])).kind).to.equal('fatal');
    });
  });

  describe('mysql table', () => {
    for (const row of mysqlErrorRows) {
      const name = row.code ?? `errno ${row.errno}`;
      if (row.code !== undefined) {
        const code = row.code;
        it(`classifies code ${code} as ${row.verdict.kind} in every scope`, () => {
          for (const scope of scopes) {
            expectVerdict(classifier.classify(codeError(code), at(scope)), row.verdict);
          }
        });
      }
      if (row.errno !== undefined) {
        const errno = row.errno;
        it(`classifies errno ${errno} (${name}) alone as ${row.verdict.kind} in every scope`, () => {
          for (const scope of scopes) {
            expectVerdict(classifier.classify(errnoError(errno), at(scope)), row.verdict);
          }
        });
      }
      if (row.code !== undefined && row.errno !== undefined) {
        const [code, errno] = [row.code, row.errno];
        it(`classifies ${code} with errno ${errno}, as mysql2 reports it, as ${row.verdict.kind}`, () => {
          expectVerdict(classifier.classify(codeError(code, errno)), row.verdict);
        });
      }
      it(`ignores ${name} when the mysql table is off`, () => {
        const redisOnly = new ErrorClassifier({ tables: ['redis'] });
        const error =
          row.code !== undefined ? codeError(row.code, row.errno) : errnoError(row.errno ?? 0);
        expect(redisOnly.classify(error).kind).to.equal('fatal');
      });
    }

    it('covers what DESIGN.md requires, with the required verdicts', () => {
      const required: readonly [Error, Classification['kind']][] = [
        [codeError('PROTOCOL_CONNECTION_LOST'), 'transient'],
        [errnoError(2002), 'transient'],
        [errnoError(2003), 'transient'],
        [errnoError(2006), 'transient'],
        [errnoError(2013), 'transient'],
        [codeError('ER_CON_COUNT_ERROR', 1040), 'throttled'],
        [errnoError(1053), 'transient'],
        [codeError('ER_SERVER_SHUTDOWN'), 'transient'],
        [errnoError(4031), 'transient'],
        [accessDenied(), 'fatal'],
        [codeError('ER_DBACCESS_DENIED_ERROR', 1044), 'fatal'],
        [codeError('ER_PARSE_ERROR', 1064), 'fatal'],
      ];
      for (const [error, kind] of required) {
        expect(classifier.classify(error).kind, JSON.stringify(error)).to.equal(kind);
      }
    });

    it("classifies mysql2's code-less closed-state error as transient with the connection lost", () => {
      const error = new Error("Can't add new command when connection is in closed state");
      const verdict = classifier.classify(error);
      expect(verdict.kind).to.equal('transient');
      expect(verdict.kind !== 'fatal' && verdict.connectionLost).to.equal(true);
    });
  });

  describe('mysql transaction-only rows', () => {
    for (const row of mysqlTransactionRows) {
      const name = `${row.code ?? ''} (${row.errno ?? ''})`;
      const errors = [
        ...(row.code !== undefined ? [codeError(row.code, row.errno)] : []),
        ...(row.errno !== undefined ? [errnoError(row.errno)] : []),
      ];

      it(`retries ${name} in scope 'transaction'`, () => {
        for (const error of errors) {
          expectVerdict(classifier.classify(error, at('transaction')), row.verdict);
          expect(row.verdict.kind).to.equal('transient');
        }
      });

      for (const scope of ['execute', 'connect'] as const) {
        it(`does not retry ${name} in scope '${scope}'`, () => {
          for (const error of errors) {
            expectVerdict(classifier.classify(error, at(scope)), row.statementVerdict);
            expect(row.statementVerdict.kind).to.equal('fatal');
          }
        });
      }
    }
  });

  describe('redis reply prefixes', () => {
    for (const [prefix, verdict] of Object.entries(redisReplyTable)) {
      it(`classifies a ${prefix} reply as ${verdict.kind}`, () => {
        for (const scope of scopes) {
          expectVerdict(
            classifier.classify(replyError(`${prefix} some server text`), at(scope)),
            verdict,
          );
        }
      });

      it(`ignores a ${prefix} reply when the redis table is off`, () => {
        const mysqlOnly = new ErrorClassifier({ tables: ['mysql'] });
        expect(mysqlOnly.classify(replyError(`${prefix} x`)).kind).to.equal('fatal');
      });

      it(`does not read ${prefix} from an error that is not a ReplyError`, () => {
        expect(classifier.classify(new Error(`${prefix} some text`)).kind).to.equal('fatal');
      });
    }

    it('covers what DESIGN.md requires, with the required verdicts', () => {
      const kinds = Object.fromEntries(
        [
          'LOADING',
          'BUSY',
          'TRYAGAIN',
          'CLUSTERDOWN',
          'MASTERDOWN',
          'READONLY',
          'NOAUTH',
          'WRONGPASS',
          'NOPERM',
        ].map((prefix) => [prefix, classifier.classify(replyError(`${prefix} x`)).kind]),
      );
      expect(kinds).to.deep.equal({
        LOADING: 'throttled',
        BUSY: 'throttled',
        TRYAGAIN: 'transient',
        CLUSTERDOWN: 'transient',
        MASTERDOWN: 'transient',
        READONLY: 'transient',
        NOAUTH: 'fatal',
        WRONGPASS: 'fatal',
        NOPERM: 'fatal',
      });
    });

    it('classifies WRONGPASS as fatal', () => {
      expect(classifier.classify(wrongPass()).kind).to.equal('fatal');
    });

    it('classifies an unknown reply (ERR, WRONGTYPE) as fatal', () => {
      expect(classifier.classify(replyError('ERR unknown command')).kind).to.equal('fatal');
      expect(classifier.classify(replyError('WRONGTYPE Operation against a key')).kind).to.equal(
        'fatal',
      );
    });
  });

  describe('redis connection codes', () => {
    for (const [code, verdict] of Object.entries(redisConnectionCodes)) {
      it(`classifies ${code} as ${verdict.kind}`, () => {
        expectVerdict(classifier.classify(codeError(code)), verdict);
      });

      it(`ignores ${code} when the redis table is off`, () => {
        expect(new ErrorClassifier({ tables: ['mysql'] }).classify(codeError(code)).kind).to.equal(
          'fatal',
        );
      });
    }
  });

  describe('programming errors', () => {
    for (const make of [
      () => new TypeError("Cannot read properties of undefined (reading 'query')"),
      () => new RangeError('Invalid array length'),
      () => new SyntaxError('Unexpected token'),
      () => new ReferenceError('x is not defined'),
    ]) {
      const error = make();
      it(`classifies ${error.name} as fatal`, () => {
        expect(classifier.classify(error).kind).to.equal('fatal');
      });
    }

    it('never reads the message: a TypeError mentioning ECONNREFUSED is still fatal', () => {
      expect(classifier.classify(new TypeError('ECONNREFUSED')).kind).to.equal('fatal');
    });
  });

  describe('holdfast errors', () => {
    for (const error of [
      new ConfigurationError('bad'),
      new AbortedError('aborted'),
      new ClosedError('closed'),
      new CircuitOpenError('open', { retryAfterMs: 1 }),
      new OutcomeUnknownError('?', { cause: codeError('ECONNRESET'), operation: 'INCR' }),
      new RetriesExhaustedError('gave up', {
        cause: codeError('ECONNREFUSED'),
        attempts: 4,
        target: 't',
      }),
    ]) {
      it(`classifies ${error.name} as fatal, even with a retryable cause`, () => {
        expect(classifier.classify(error).kind).to.equal('fatal');
      });
    }
  });

  describe('unknown errors', () => {
    const unknown: readonly [string, unknown][] = [
      ['a plain Error', new Error('something odd')],
      ['an Error with an unknown code', codeError('E_SOMETHING_NEW')],
      ['an Error with an unknown errno', errnoError(9999)],
      ['an Error with a numeric code', Object.assign(new Error('x'), { code: 42 })],
      ['a string', 'ECONNREFUSED'],
      ['undefined', undefined],
      ['null', null],
      ['a number', 2006],
      ['a plain object with a code', { code: 'ER_SOMETHING' }],
    ];
    for (const [what, value] of unknown) {
      it(`classifies ${what} as fatal`, () => {
        expect(classifier.classify(value).kind).to.equal('fatal');
      });
    }

    it('classifies a plain object carrying a known code by that code', () => {
      expect(classifier.classify({ code: 'ECONNRESET' }).kind).to.equal('transient');
    });
  });

  describe('user rules', () => {
    it('are asked before the tables, and the first verdict wins', () => {
      const seen: string[] = [];
      const rules = new ErrorClassifier({
        rules: [
          () => {
            seen.push('first');
            return undefined;
          },
          (error) => {
            seen.push('second');
            return error instanceof TypeError ? transient('my TypeError is fine') : undefined;
          },
          () => {
            seen.push('third');
            return fatal('never reached');
          },
        ],
      });
      expect(rules.classify(new TypeError('x'))).to.deep.equal(transient('my TypeError is fine'));
      expect(seen).to.deep.equal(['first', 'second']);
    });

    it('fall through to the tables when no rule has an opinion', () => {
      const rules = new ErrorClassifier({ rules: [() => undefined] });
      expect(rules.classify(codeError('ECONNREFUSED')).kind).to.equal('transient');
      expect(rules.classify(accessDenied()).kind).to.equal('fatal');
    });

    it('can overrule a table (make ER_LOCK_DEADLOCK fatal even in a transaction)', () => {
      const rules = new ErrorClassifier({
        rules: [
          (error) =>
            (error as { code?: string }).code === 'ER_LOCK_DEADLOCK' ? fatal('no') : undefined,
        ],
      });
      expect(rules.classify(codeError('ER_LOCK_DEADLOCK', 1213), at('transaction')).kind).to.equal(
        'fatal',
      );
    });

    it('see the error and the context (attempt number and scope)', () => {
      const contexts: ClassifyContext[] = [];
      const rules = new ErrorClassifier({
        rules: [
          (_error, context) => {
            contexts.push(context);
            return context.attempt < 3 ? throttled('warming up') : fatal('give up');
          },
        ],
      });
      expect(rules.classify(new Error('x'), at('connect', 1)).kind).to.equal('throttled');
      expect(rules.classify(new Error('x'), at('connect', 3)).kind).to.equal('fatal');
      expect(contexts).to.deep.equal([at('connect', 1), at('connect', 3)]);
    });

    it('count as no opinion when they throw, and onRuleError is told', () => {
      const broken = new Error('rule bug');
      const reported: unknown[] = [];
      const rules = new ErrorClassifier({
        rules: [
          () => {
            throw broken;
          },
        ],
        onRuleError: (error) => reported.push(error),
      });
      expect(rules.classify(codeError('ECONNREFUSED')).kind).to.equal('transient');
      expect(rules.classify(accessDenied()).kind).to.equal('fatal');
      expect(reported).to.deep.equal([broken, broken]);
    });

    it('survive a throwing onRuleError', () => {
      const rules = new ErrorClassifier({
        rules: [
          () => {
            throw new Error('rule bug');
          },
        ],
        onRuleError: () => {
          throw new Error('reporter bug');
        },
      });
      expect(rules.classify(codeError('ECONNRESET')).kind).to.equal('transient');
    });

    it('are put in front of existing ones by withRules, keeping tables and settings', () => {
      const base = new ErrorClassifier({
        tables: ['redis'],
        retryDnsNotFound: true,
        rules: [() => throttled('base rule')],
      });
      const extended = base.withRules([
        (error) => (error instanceof RangeError ? transient('new rule') : undefined),
      ]);
      expect(extended.classify(new RangeError('x')).reason).to.equal('new rule');
      expect(extended.classify(new Error('x')).reason).to.equal('base rule');
      const tablesOnly = new ErrorClassifier({
        tables: ['redis'],
        retryDnsNotFound: true,
      }).withRules([]);
      expect(tablesOnly.classify(codeError('ENOTFOUND')).kind).to.equal('transient');
      expect(tablesOnly.classify(codeError('ER_CON_COUNT_ERROR')).kind).to.equal('fatal');
      expect(tablesOnly.classify(replyError('LOADING x')).kind).to.equal('throttled');
    });
  });

  describe('isRetryable', () => {
    it('is true for transient and throttled, false for fatal', () => {
      expect(classifier.isRetryable(codeError('ECONNRESET'))).to.equal(true);
      expect(classifier.isRetryable(codeError('ER_CON_COUNT_ERROR', 1040))).to.equal(true);
      expect(classifier.isRetryable(accessDenied())).to.equal(false);
      expect(
        classifier.isRetryable(codeError('ER_LOCK_DEADLOCK', 1213), at('transaction')),
      ).to.equal(true);
      expect(classifier.isRetryable(codeError('ER_LOCK_DEADLOCK', 1213))).to.equal(false);
    });
  });

  describe('docs/concepts/error-classification.md', () => {
    const doc = readFileSync(
      new URL('../../docs/concepts/error-classification.md', import.meta.url),
      'utf8',
    );
    const rows = doc
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    const rowOf = (key: string): string[] => rows.find((cells) => cells[0] === `\`${key}\``) ?? [];
    const documented: readonly [string, string][] = [
      ...Object.entries(networkErrorTable).map(([code, v]): [string, string] => [code, v.kind]),
      ...Object.entries(holdfastErrorTable).map(([code, v]): [string, string] => [code, v.kind]),
      ...mysqlErrorRows.map((row): [string, string] => [row.code ?? '', row.verdict.kind]),
      ...mysqlTransactionRows.map((row): [string, string] => [row.code ?? '', row.verdict.kind]),
      ...Object.entries(redisReplyTable).map(([prefix, v]): [string, string] => [prefix, v.kind]),
      ...Object.entries(redisConnectionCodes).map(([code, v]): [string, string] => [code, v.kind]),
    ];
    for (const [key, kind] of documented) {
      it(`lists ${key} as ${kind}`, () => {
        const cells = rowOf(key);
        expect(cells, `no table row for ${key}`).not.to.deep.equal([]);
        expect(cells.some((cell) => cell.startsWith(kind))).to.equal(true);
      });
    }

    it('lists every MySQL row with its errno', () => {
      for (const row of [...mysqlErrorRows, ...mysqlTransactionRows]) {
        expect(rowOf(row.code ?? '')[1]).to.equal(String(row.errno ?? '—'));
      }
    });
  });
});
