import { expect } from 'chai';
import { EMPTY, Observable, Subject, throwError } from 'rxjs';
import { watchLost } from '../../src/connection/watchLost.js';

describe('watchLost', () => {
  it('reports the first value once and stops watching', () => {
    const dead = new Subject<void>();
    const reports: unknown[] = [];
    watchLost(
      () => dead,
      'c',
      (error) => reports.push(error),
    );
    dead.next();
    dead.next();
    expect(reports).to.deep.equal([undefined]);
    expect(dead.observed).to.be.false;
  });

  it('reports an error with the error, and a completion', () => {
    const error = new Error('socket closed');
    const reports: unknown[] = [];
    watchLost(
      () => throwError(() => error),
      'c',
      (e) => reports.push(e),
    );
    watchLost(
      () => EMPTY,
      'c',
      (e) => reports.push(e ?? 'completed'),
    );
    expect(reports).to.deep.equal([error, 'completed']);
  });

  it('tears down a source that fires during subscribe and stays open', () => {
    let reports = 0;
    let tornDown = false;
    const source = new Observable<void>((subscriber) => {
      subscriber.next();
      return () => {
        tornDown = true;
      };
    });
    const watch = watchLost(
      () => source,
      'c',
      () => (reports += 1),
    );
    expect(reports).to.equal(1);
    expect(watch.closed).to.be.true;
    expect(tornDown).to.be.true;
  });

  it('stops when unsubscribed', () => {
    const dead = new Subject<void>();
    let reports = 0;
    const watch = watchLost(
      () => dead,
      'c',
      () => (reports += 1),
    );
    watch.unsubscribe();
    dead.next();
    expect(reports).to.equal(0);
    expect(dead.observed).to.be.false;
  });

  it('hands the connection to lost()', () => {
    const seen: string[] = [];
    watchLost(
      (connection: string) => {
        seen.push(connection);
        return EMPTY;
      },
      'conn-1',
      () => undefined,
    );
    expect(seen).to.deep.equal(['conn-1']);
  });
});
