// Eager validation of `FaultProxy#add()` options: a typo fails loudly instead of a toxic that
// silently does nothing.
import { ConfigurationError } from '../../errors/ConfigurationError.js';
import {
  expectFiniteNumber,
  expectInteger,
  expectOneOf,
  rejectUnknownKeys,
} from '../../internal/validate.js';
import {
  type ToxicDescription,
  type ToxicStream,
  type ToxicType,
  toxicTypes,
} from './ToxicOptions.js';

interface AttributeRule {
  readonly name: string;
  readonly default?: number;
  readonly min: number;
  readonly integer: boolean;
}

const rules: Record<ToxicType, readonly AttributeRule[]> = {
  latency: [
    { name: 'latency', min: 0, integer: false },
    { name: 'jitter', default: 0, min: 0, integer: false },
  ],
  down: [],
  timeout: [{ name: 'timeout', default: 0, min: 0, integer: false }],
  reset_peer: [{ name: 'timeout', default: 0, min: 0, integer: false }],
  slicer: [
    { name: 'average_size', min: 1, integer: true },
    { name: 'size_variation', default: 0, min: 0, integer: true },
    { name: 'delay', default: 0, min: 0, integer: false },
  ],
  limit_data: [{ name: 'bytes', min: 0, integer: true }],
  bandwidth: [{ name: 'rate', min: 0, integer: false }],
  slow_close: [{ name: 'delay', min: 0, integer: false }],
};

const streams = ['upstream', 'downstream'] as const satisfies readonly ToxicStream[];

/**
 * Checks `add()` options and applies Toxiproxy's defaults.
 * @throws {ConfigurationError} unknown type, key or stream; a missing or out-of-range attribute.
 */
export function validateToxic(options: unknown, id: string): ToxicDescription {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('Expected `add()` options to be an object with a `type`.', {
      option: 'type',
    });
  }
  rejectUnknownKeys(
    options,
    ['type', 'attributes', 'stream', 'toxicity', 'name'],
    'FaultProxy#add()',
  );
  const raw = options as Record<string, unknown>;
  const type = expectOneOf('type', raw.type, toxicTypes);
  const stream =
    raw.stream === undefined ? 'downstream' : expectOneOf('stream', raw.stream, streams);
  const toxicity = raw.toxicity === undefined ? 1 : expectFiniteNumber('toxicity', raw.toxicity, 0);
  if (toxicity > 1) {
    throw new ConfigurationError(`Expected \`toxicity\` (${toxicity}) to be <= 1.`, {
      option: 'toxicity',
    });
  }
  const given = (raw.attributes ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object') {
    throw new ConfigurationError('Expected `attributes` to be an object.', {
      option: 'attributes',
    });
  }
  const typeRules = rules[type];
  rejectUnknownKeys(
    given,
    typeRules.map((r) => r.name),
    `the attributes of a ${type} toxic`,
  );
  const attributes: Record<string, number> = {};
  for (const rule of typeRules) {
    const value = given[rule.name] ?? rule.default;
    const name = `attributes.${rule.name}`;
    attributes[rule.name] = rule.integer
      ? expectInteger(name, value, rule.min)
      : expectFiniteNumber(name, value, rule.min);
  }
  return { id, type, stream, toxicity, attributes };
}
