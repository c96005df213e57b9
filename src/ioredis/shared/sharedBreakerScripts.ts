// The Lua scripts behind RedisSharedStore. Each runs atomically in Redis, so a read-modify-write
// by one process never interleaves with another's. KEYS[1] is the state hash (TTL = the break),
// KEYS[2] the fleet failure counter (TTL = the fleet window). Replies are arrays of strings:
//   { 'closed', failures } | { 'open', remainingMs, breakDurationMs, origin } | { 'isolated', origin }
// Every change is published on the channel as JSON { key, origin, state } (the same array).

const current = `
local function current()
  local h = redis.call('HMGET', KEYS[1], 'status', 'breakMs', 'origin')
  if h[1] == 'isolated' then return { 'isolated', h[3] or '' } end
  if h[1] == 'open' then
    local ttl = redis.call('PTTL', KEYS[1])
    if ttl > 0 then return { 'open', tostring(ttl), h[2] or '0', h[3] or '' } end
  end
  return { 'closed', redis.call('GET', KEYS[2]) or '0' }
end
local function publish(channel, key, origin)
  local state = current()
  redis.call('PUBLISH', channel, cjson.encode({ key = key, origin = origin, state = state }))
  return state
end
local function open(ms, origin, channel, key)
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'status', 'open', 'breakMs', ms, 'origin', origin)
  redis.call('PEXPIRE', KEYS[1], ms)
  return publish(channel, key, origin)
end
`;

/** KEYS: state, failures. */
export const readScript = `${current}
return current()`;

/** ARGV: breakDurationMs, origin, channel, key. Never shortens an open break nor lifts isolation. */
export const openScript = `${current}
local s = current()
if s[1] == 'isolated' then return s end
if s[1] == 'open' and tonumber(s[2]) >= tonumber(ARGV[1]) then return s end
return open(ARGV[1], ARGV[2], ARGV[3], ARGV[4])`;

/** ARGV: origin, channel, key. Isolation has no TTL: it lasts until a reset. */
export const isolateScript = `${current}
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'status', 'isolated', 'origin', ARGV[1])
redis.call('HDEL', KEYS[1], 'breakMs')
redis.call('PERSIST', KEYS[1])
return publish(ARGV[2], ARGV[3], ARGV[1])`;

/** ARGV: force ('1' lifts isolation too), origin, channel, key. */
export const closeScript = `${current}
local s = current()
if s[1] == 'isolated' and ARGV[1] ~= '1' then return s end
redis.call('DEL', KEYS[1], KEYS[2])
return publish(ARGV[3], ARGV[4], ARGV[2])`;

/** ARGV: threshold, windowMs, breakDurationMs, origin, channel, key. */
export const recordFailureScript = `${current}
local s = current()
if s[1] ~= 'closed' then return s end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
if n >= tonumber(ARGV[1]) then return open(ARGV[3], ARGV[4], ARGV[5], ARGV[6]) end
return { 'closed', tostring(n) }`;
