// holdfast/ioredis: the retrying ioredis client. Filled in by the Redis issue.
export {};
