import type { CreateCliTarget } from './CliTarget.js';

/** Builds MySQL targets with holdfast/mysql2 and Redis targets with holdfast/ioredis. */
export const createCliTarget: CreateCliTarget = (url) =>
  Promise.reject(new Error(`${url.kind} targets are not wired yet (driver layers pending)`));
