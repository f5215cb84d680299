"""redis-py (Debian's python3-redis) client-side caching in RESP2: a
connection subscribed to __redis__:invalidate receives the invalidations
of the keys another connection read after CLIENT TRACKING ON REDIRECT,
then the null invalidation of FLUSHALL. Prints the messages received."""
import sys

import redis

port = int(sys.argv[1])
writer = redis.Redis(host="127.0.0.1", port=port)
writer.flushall()
writer.set("cached", "v1")
writer.set("other", "x")

invalidations = writer.pubsub()
invalidations.subscribe("__redis__:invalidate")
confirmation = invalidations.get_message(timeout=2)
assert confirmation["type"] == "subscribe", confirmation
(subscriber,) = [c for c in writer.client_list() if c["sub"] == "1"]

reader = redis.Redis(host="127.0.0.1", port=port, single_connection_client=True)
assert reader.client_tracking_on(clientid=int(subscriber["id"]))
assert reader.client_getredir() == int(subscriber["id"])
assert reader.get("cached") == b"v1"


def next_message():
    while True:
        message = invalidations.get_message(timeout=2)
        assert message is not None, "no invalidation arrived"
        if message["type"] == "message":
            return message


writer.set("other", "y")  # not read by the tracking client: no message
writer.set("cached", "v2")
message = next_message()
print(message["channel"].decode(), [k.decode() for k in message["data"]])
assert reader.get("cached") == b"v2"
writer.flushall()
message = next_message()
print(message["channel"].decode(), message["data"])
assert reader.client_tracking_off()
invalidations.close()
reader.close()
print("ok")
