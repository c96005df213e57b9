import { expect } from 'chai';
import {
  describeError,
  redact,
  redactedException,
  registerSecret,
} from '../../src/telemetry/redact.js';
import { testPasswords } from '../helpers/secretScan.js';

const mysqlPw = testPasswords.mysql;
const redisPw = testPasswords.redis;
const token = testPasswords.token;

// [form, input, expected output]
const cases: readonly (readonly [string, string, string])[] = [
  ['URL user:password', `mysql://app:${mysqlPw}@db:3306/shop`, 'mysql://app:***@db:3306/shop'],
  [
    'URL :password (Redis)',
    `redis://:${redisPw}@127.0.0.1:6379/0`,
    'redis://:***@127.0.0.1:6379/0',
  ],
  [
    'URL password with @',
    `rediss://default:p@ss${redisPw}@cache:6380`,
    'rediss://default:***@cache:6380',
  ],
  ['URL single component', `redis://${redisPw}@h:6379`, 'redis://***@h:6379'],
  [
    'URL in a sentence',
    `connect to mysql://u:${mysqlPw}@h/db failed`,
    'connect to mysql://u:***@h/db failed',
  ],
  [
    'URL in JSON',
    `{"url":"mysql://u:${mysqlPw}@h/db","x":1}`,
    '{"url":"mysql://u:***@h/db","x":1}',
  ],
  [
    'DSN without scheme',
    `root:${mysqlPw}@tcp(127.0.0.1:3306)/db`,
    'root:***@tcp(127.0.0.1:3306)/db',
  ],
  ['password=', `password=${mysqlPw} user=root`, 'password=*** user=root'],
  ['PASSWORD= env', `DB_PASSWORD=${mysqlPw}`, 'DB_PASSWORD=***'],
  ['lower-case db_password=', `db_password=${mysqlPw}`, 'db_password=***'],
  ['PASSWORD: (upper case, colon)', `PASSWORD: ${mysqlPw} next`, 'PASSWORD: *** next'],
  ['dotted key', `mysql.password=${mysqlPw}`, 'mysql.password=***'],
  ['X-Api-Key header', `X-Api-Key: ${token}`, 'X-Api-Key: ***'],
  [
    'password= after an error code',
    `ER_ACCESS_DENIED_NO_PASSWORD_ERROR: password=${mysqlPw}`,
    'ER_ACCESS_DENIED_NO_PASSWORD_ERROR: password=***',
  ],
  [
    'pwd in a query string',
    `https://h/x?user=a&pwd=${mysqlPw}&y=1`,
    'https://h/x?user=a&pwd=***&y=1',
  ],
  ['token in a query string', `https://h/x?token=${token}&user=y`, 'https://h/x?token=***&user=y'],
  [
    'JSON "password"',
    `{"user":"root","password":"${mysqlPw}","host":"h"}`,
    '{"user":"root","password":"***","host":"h"}',
  ],
  [
    'JSON with spaces and escapes',
    `{ "password" : "a \\" ${mysqlPw} b" }`,
    '{ "password" : "***" }',
  ],
  [
    'util.inspect form',
    `{ host: 'h', password: '${mysqlPw}', port: 3306 }`,
    "{ host: 'h', password: '***', port: 3306 }",
  ],
  [
    'camelCase keys',
    `apiKey=${token}, clientSecret: "${token}"`,
    'apiKey=***, clientSecret: "***"',
  ],
  ['access_token', `access_token=${token}`, 'access_token=***'],
  ['--password flag', `--password ${mysqlPw} --host h`, '--password *** --host h'],
  ['--password= flag', `--password=${mysqlPw}`, '--password=***'],
  ['AUTH pass', `AUTH ${redisPw}`, 'AUTH ***'],
  ['AUTH user pass', `AUTH default ${redisPw}`, 'AUTH ***'],
  ['HELLO AUTH', `HELLO 3 AUTH default ${redisPw} SETNAME x`, 'HELLO 3 AUTH *** SETNAME x'],
  ['auth argument array', `["auth","default","${redisPw}"]`, '["auth","***","***"]'],
  ['auth argument array, one arg', `[ 'auth', '${redisPw}' ]`, "[ 'auth', '***' ]"],
  ['requirepass', `CONFIG SET requirepass ${redisPw}`, 'CONFIG SET requirepass ***'],
  ['masterauth', `masterauth "${redisPw}"`, 'masterauth "***"'],
  [
    'IDENTIFIED BY',
    `CREATE USER 'a'@'%' IDENTIFIED BY '${mysqlPw}'`,
    "CREATE USER 'a'@'%' IDENTIFIED BY '***'",
  ],
  [
    'IDENTIFIED WITH ... BY',
    `ALTER USER a IDENTIFIED WITH mysql_native_password BY "${mysqlPw}"`,
    'ALTER USER a IDENTIFIED WITH mysql_native_password BY "***"',
  ],
  [
    'PASSWORD()',
    `SET PASSWORD FOR 'a'@'%' = PASSWORD('${mysqlPw}')`,
    "SET PASSWORD FOR 'a'@'%' = PASSWORD('***')",
  ],
  ['Bearer token', `Authorization: Bearer ${token}`, 'Authorization: Bearer ***'],
  ['Basic credentials', `Basic ${Buffer.from(`u:${mysqlPw}`).toString('base64')}`, 'Basic ***'],
  ['JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here', 'jwt *** here'],
];

// Texts that must come out unchanged: redaction must not eat the information in error messages.
const untouched: readonly string[] = [
  'connect ECONNREFUSED 127.0.0.1:3306',
  "Access denied for user 'root'@'localhost' (using password: YES)",
  "Access denied for user 'root'@'localhost' (using password: NO)",
  'WRONGPASS invalid username-password pair or user is disabled.',
  'NOAUTH Authentication required.',
  // Error codes and names that contain a key word are not keys: the message after them stays.
  "ER_ACCESS_DENIED_NO_PASSWORD_ERROR: Access denied for user 'root'@'localhost'",
  'ER_MUST_CHANGE_PASSWORD: You must reset your password using ALTER USER',
  'ER_NOT_VALID_PASSWORD: Your password does not satisfy the current policy requirements',
  'ERR_INVALID_AUTH_TOKEN: Invalid token format',
  'AuthenticationError: WRONGPASS invalid username-password pair',
  'password_error: too short',
  'LOADING Redis is loading the dataset in memory',
  'mysql://db.internal:3306/shop',
  'redis://127.0.0.1:6379/0',
  'at file:///work/node_modules/@opentelemetry/api/build/src/index.js:1:2',
  'Connection lost: The server closed the connection.',
];

describe('redact', () => {
  describe('secret forms', () => {
    for (const [form, input, expected] of cases) {
      it(`removes ${form}`, () => {
        expect(redact(input)).to.equal(expected);
      });
    }
  });

  describe('ordinary text', () => {
    for (const text of untouched) {
      it(`keeps ${JSON.stringify(text)}`, () => {
        expect(redact(text)).to.equal(text);
      });
    }
  });

  describe('several secrets in one text', () => {
    it('removes them all', () => {
      const text = `mysql://u:${mysqlPw}@h password=${mysqlPw} AUTH ${redisPw} token=${token}`;
      const out = redact(text);
      for (const secret of [mysqlPw, redisPw, token]) expect(out).not.to.include(secret);
    });
  });

  describe('registerSecret', () => {
    it('removes a registered secret in any surrounding, and its URL-encoded form', () => {
      const secret = 'odd p/w#1';
      const unregister = registerSecret(secret);
      try {
        expect(redact(`weird: <${secret}> and ${encodeURIComponent(secret)}`)).to.equal(
          'weird: <***> and ***',
        );
      } finally {
        unregister();
      }
      expect(redact(`<${secret}>`)).to.equal(`<${secret}>`);
    });

    it('counts registrations: the secret stays until the last one is undone', () => {
      const a = registerSecret('shared-secret-1');
      const b = registerSecret('shared-secret-1');
      a();
      a();
      expect(redact('x shared-secret-1')).to.equal('x ***');
      b();
      expect(redact('x shared-secret-1')).to.equal('x shared-secret-1');
    });

    it('ignores secrets shorter than 4 characters', () => {
      const undo = registerSecret('abc');
      expect(redact('abcdef')).to.equal('abcdef');
      undo();
    });
  });
});

describe('describeError', () => {
  it('describes an error by its redacted message', () => {
    expect(describeError(new Error(`bad mysql://u:${mysqlPw}@h`))).to.equal('bad mysql://u:***@h');
  });

  it("joins the inner messages of Node's empty AggregateError", () => {
    const error = new AggregateError([
      new Error('connect ECONNREFUSED ::1:3306'),
      new Error('connect ECONNREFUSED 127.0.0.1:3306'),
    ]);
    expect(describeError(error)).to.equal(
      'connect ECONNREFUSED ::1:3306; connect ECONNREFUSED 127.0.0.1:3306',
    );
  });

  it('describes non-errors', () => {
    expect(describeError(`password=${mysqlPw}`)).to.equal('password=***');
    expect(describeError(undefined)).to.equal('undefined');
  });
});

describe('redactedException', () => {
  it('redacts the stack too (its first line repeats the message)', () => {
    const error = new Error(`AUTH ${redisPw}`);
    const exception = redactedException(error);
    expect(exception.name).to.equal('Error');
    expect(exception.message).to.equal('AUTH ***');
    expect(exception.stack).to.be.a('string').and.not.include(redisPw);
  });
});
