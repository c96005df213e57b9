import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  attemptSpanName,
  holdfastAttributes,
  metricDefinitions,
  operationSpanName,
  spanEventNames,
} from '../../src/telemetry/names.js';
import { semconvAttributes } from '../../src/telemetry/semconv.js';

const guide = readFileSync(new URL('../../docs/guides/observability.md', import.meta.url), 'utf8');

describe('names', () => {
  describe('span names', () => {
    it('name an operation by kind and description, an attempt by operation and number', () => {
      expect(operationSpanName('checkout', 'myapp_pool')).to.equal('checkout myapp_pool');
      expect(attemptSpanName('connect mysql-main', 2)).to.equal('connect mysql-main attempt 2');
    });
  });

  describe('metricDefinitions', () => {
    it('measures every duration in seconds', () => {
      for (const def of Object.values(metricDefinitions)) {
        if (/(_time|\.duration)$/.test(def.name)) expect(def.unit, def.name).to.equal('s');
      }
    });

    it('uses each name once', () => {
      const names = Object.values(metricDefinitions).map((d) => d.name);
      expect(new Set(names).size).to.equal(names.length);
    });
  });

  describe('docs/guides/observability.md', () => {
    for (const def of Object.values(metricDefinitions)) {
      it(`documents metric ${def.name} with its unit`, () => {
        const row = guide.split('\n').find((line) => line.startsWith(`| \`${def.name}\``));
        expect(row, def.name).to.be.a('string');
        expect(row).to.include(`\`${def.unit}\``);
      });
    }
    const attributes = [...Object.values(holdfastAttributes), ...Object.values(semconvAttributes)];
    for (const name of [...attributes, ...Object.values(spanEventNames)]) {
      it(`documents ${name}`, () => {
        expect(guide).to.include(`\`${name}\``);
      });
    }
  });
});
