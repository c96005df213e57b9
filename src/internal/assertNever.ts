/** Ends every exhaustive `switch`: a new union member without a case does not compile. */
export function assertNever(value: never): never {
  throw new TypeError(`Unexpected value: ${JSON.stringify(value)}`);
}
