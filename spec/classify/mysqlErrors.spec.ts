import { expect } from 'chai';
import {
  isMysqlClosedStateError,
  mysqlCodeTable,
  mysqlErrnoTable,
  mysqlErrorRows,
  mysqlStatementTable,
  mysqlTransactionRows,
  mysqlTransactionTable,
} from '../../src/classify/mysqlErrors.js';

describe('mysqlErrorRows', () => {
  const all = [...mysqlErrorRows, ...mysqlTransactionRows];

  it('names every code and errno at most once', () => {
    const codes = all.flatMap((row) => (row.code === undefined ? [] : [row.code]));
    const errnos = all.flatMap((row) => (row.errno === undefined ? [] : [row.errno]));
    expect(new Set(codes).size).to.equal(codes.length);
    expect(new Set(errnos).size).to.equal(errnos.length);
  });

  it('gives every row a code or an errno', () => {
    for (const row of all) expect(row.code ?? row.errno).not.to.equal(undefined);
  });

  it('keys the derived tables by every row', () => {
    for (const row of mysqlErrorRows) {
      if (row.code !== undefined) expect(mysqlCodeTable[row.code]).to.equal(row.verdict);
      if (row.errno !== undefined) expect(mysqlErrnoTable[row.errno]).to.equal(row.verdict);
    }
    for (const row of mysqlTransactionRows) {
      if (row.code !== undefined) {
        expect(mysqlTransactionTable[row.code]).to.equal(row.verdict);
        expect(mysqlStatementTable[row.code]).to.equal(row.statementVerdict);
        expect(mysqlCodeTable[row.code]).to.equal(undefined);
      }
    }
  });
});

describe('isMysqlClosedStateError', () => {
  it("recognises mysql2's closed-state sentence", () => {
    expect(
      isMysqlClosedStateError(
        new Error("Can't add new command when connection is in closed state"),
      ),
    ).to.equal(true);
  });

  it('is false for anything else', () => {
    expect(isMysqlClosedStateError(new Error('Connection lost'))).to.equal(false);
    expect(
      isMysqlClosedStateError("Can't add new command when connection is in closed state"),
    ).to.equal(false);
  });
});
