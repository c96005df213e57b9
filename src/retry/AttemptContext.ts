/** What an attempt function is told. */
export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Fires when the caller aborts or the handler is closed; pass it on to the driver. */
  readonly signal: AbortSignal | undefined;
}
