"""redis-py (Debian's python3-redis) against the server on the given port:
Lock acquire/extend/release (Lua scripts inside redis-py) and
register_script. Prints "ok"."""
import sys

import redis

r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
r.delete("resource", "counter")

lock = r.lock("resource", timeout=5)
assert lock.acquire(blocking=False), "acquire"
assert not r.lock("resource", timeout=5).acquire(blocking=False), "second acquire"
assert lock.extend(10), "extend"
assert 5000 < r.pttl("resource") <= 15000, r.pttl("resource")
assert lock.reacquire(), "reacquire"
lock.release()
assert r.get("resource") is None, "released"
try:
    lock.release()
    raise AssertionError("released twice")
except redis.exceptions.LockError:
    pass

add = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
r.script_flush()  # register_script falls back to EVAL after NOSCRIPT
assert add(keys=["counter"], args=[5]) == 5
assert add(keys=["counter"], args=[7]) == 12
print("ok")
