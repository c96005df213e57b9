// The Lua script behind RedisSharedStore's shared retry budget. It runs atomically in Redis, so
// the spends and refills of every process add up exactly. KEYS[1] is the token count (a string
// holding a float, with a TTL); a missing key is a full bucket.

/**
 * ARGV: delta, maxTokens, ttlMs. Adds `delta`, clamps to [0, maxTokens], keeps the key for
 * `ttlMs` and replies the count as a string (Redis would truncate a Lua number to an integer).
 */
export const applyBudgetScript = `
local max = tonumber(ARGV[2])
local tokens = tonumber(redis.call('GET', KEYS[1]) or ARGV[2]) or max
tokens = tokens + tonumber(ARGV[1])
if tokens < 0 then tokens = 0 elseif tokens > max then tokens = max end
local text = string.format('%.17g', tokens)
redis.call('SET', KEYS[1], text, 'PX', ARGV[3])
return text`;
