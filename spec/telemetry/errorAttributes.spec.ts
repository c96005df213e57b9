import { expect } from 'chai';
import { dbResponseStatusCode, errorType } from '../../src/telemetry/errorAttributes.js';

function replyError(message: string): Error {
  const error = new Error(message);
  error.name = 'ReplyError';
  return error;
}

const system = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), {
  code: 'ECONNREFUSED',
  errno: -111,
  syscall: 'connect',
});
const mysqlServer = Object.assign(new Error('Access denied'), {
  code: 'ER_ACCESS_DENIED_ERROR',
  errno: 1045,
});

describe('errorType', () => {
  const rows: readonly (readonly [string, unknown, string])[] = [
    ['a socket error: its code', system, 'ECONNREFUSED'],
    ['a MySQL server error: its code', mysqlServer, 'ER_ACCESS_DENIED_ERROR'],
    [
      'a Redis reply: its prefix',
      replyError('WRONGPASS invalid username-password pair'),
      'WRONGPASS',
    ],
    [
      'a holdfast error: its code',
      Object.assign(new Error('x'), { code: 'ERR_HOLDFAST_CIRCUIT_OPEN' }),
      'ERR_HOLDFAST_CIRCUIT_OPEN',
    ],
    ['an AggregateError: the first inner code', new AggregateError([system]), 'ECONNREFUSED'],
    ['an error without code: its class', new TypeError('x'), 'TypeError'],
    ['a thrown string: _OTHER', 'boom', '_OTHER'],
  ];
  for (const [what, error, expected] of rows) {
    it(`reports ${what}`, () => {
      expect(errorType(error)).to.equal(expected);
    });
  }
});

describe('dbResponseStatusCode', () => {
  const rows: readonly (readonly [string, unknown, string | undefined])[] = [
    ['the MySQL errno', mysqlServer, '1045'],
    [
      'the Redis reply prefix',
      replyError('LOADING Redis is loading the dataset in memory'),
      'LOADING',
    ],
    ['nothing for a socket error (negative errno)', system, undefined],
    ['nothing for an error without errno', new Error('x'), undefined],
  ];
  for (const [what, error, expected] of rows) {
    it(`reports ${what}`, () => {
      expect(dbResponseStatusCode(error)).to.equal(expected);
    });
  }
});
