-- For redis-cli --eval: increments KEYS[1] by ARGV[1] and returns both.
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
return {KEYS[1], value}
