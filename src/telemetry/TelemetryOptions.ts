import type { Meter, Tracer } from '@opentelemetry/api';
import type { Logger } from './Logger.js';

/** Where a component sends its spans, metrics and log lines. All optional. */
export interface TelemetryOptions {
  /** @default `defaultLogger()`: silent, or a console logger at the level HOLDFAST_LOG_LEVEL sets */
  readonly logger?: Logger;
  /** @default trace.getTracer('holdfast') from the global OpenTelemetry API */
  readonly tracer?: Tracer;
  /** @default metrics.getMeter('holdfast') from the global OpenTelemetry API, looked up at each use */
  readonly meter?: Meter;
}

/** What a target is, for span attributes (OpenTelemetry database conventions). */
export interface TargetDescription {
  /** `mysql-main`, `redis-cache`: the `holdfast.target` attribute and the log lines' name. */
  readonly name: string;
  /** `db.system.name`. */
  readonly system?: 'mysql' | 'redis' | 'other';
  /** `server.address`. */
  readonly address?: string;
  /** `server.port`. */
  readonly port?: number;
  /** `db.namespace` (database name or Redis db index). */
  readonly namespace?: string;
}
