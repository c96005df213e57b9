import { expect } from 'chai';
import { classifyStatement } from '../../src/mysql2/classifyStatement.js';

describe('classifyStatement', () => {
  const reads = [
    'SELECT * FROM users WHERE id = ?',
    '  select 1',
    '/* comment */ SELECT 1',
    '-- why\nSELECT 1',
    '# why\nSELECT 1',
    '(SELECT 1) UNION (SELECT 2)',
    'SHOW TABLES',
    'DESCRIBE users',
    'DESC users',
    'EXPLAIN SELECT * FROM users',
    'WITH recent AS (SELECT * FROM orders) SELECT * FROM recent',
    'SELECT 1;',
  ];
  const writes = [
    'INSERT INTO orders VALUES (1)',
    'UPDATE users SET name = ? WHERE id = ?',
    'DELETE FROM users',
    'REPLACE INTO t VALUES (1)',
    'CALL transfer(1, 2)',
    'SET @x = 1',
    'CREATE TABLE t (id INT)',
    'SELECT * FROM accounts WHERE id = 1 FOR UPDATE',
    'SELECT * FROM accounts FOR SHARE',
    'SELECT * FROM accounts LOCK IN SHARE MODE',
    "SELECT * FROM t INTO OUTFILE '/tmp/x'",
    'SELECT 1 INTO @x',
    'SELECT 1; DELETE FROM users',
    'WITH x AS (SELECT 1) UPDATE t SET a = 1',
    'EXPLAIN ANALYZE SELECT 1',
    'ANALYZE TABLE t',
    'START TRANSACTION',
    '',
  ];

  for (const sql of reads) {
    it(`calls ${JSON.stringify(sql)} a read`, () => {
      expect(classifyStatement(sql).kind).to.equal('read');
    });
  }
  for (const sql of writes) {
    it(`calls ${JSON.stringify(sql)} a write`, () => {
      expect(classifyStatement(sql).kind).to.equal('write');
    });
  }

  describe('operation', () => {
    it('keeps up to three leading words and no literal', () => {
      expect(classifyStatement('insert into orders (id) values (?)').operation).to.equal(
        'INSERT into orders',
      );
      expect(classifyStatement('SELECT * FROM users').operation).to.equal('SELECT');
      expect(
        classifyStatement("CREATE USER 'bob'@'%' IDENTIFIED BY 'HF-S3cret-x'").operation,
      ).to.equal('CREATE USER');
      expect(classifyStatement("SET PASSWORD = PASSWORD('HF-S3cret-x')").operation).to.equal(
        'SET PASSWORD',
      );
      expect(classifyStatement('  ').operation).to.equal('statement');
    });
  });
});
