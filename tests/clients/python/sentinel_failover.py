"""redis-py's Sentinel support (Debian's python3-redis) after a failover:
asks the sentinels on the given ports (comma-separated) for the master of
"mymaster", writes KEY=VALUE through master_for, waits (WAIT) until a replica
acknowledged it, reads it back through slave_for, and prints the master's
address as "host:port".

Usage: sentinel_failover.py PORT,PORT,PORT KEY VALUE"""
import sys

from redis.sentinel import Sentinel

ports, key, value = sys.argv[1].split(","), sys.argv[2], sys.argv[3]
sentinel = Sentinel(
    [("127.0.0.1", int(port)) for port in ports],
    socket_timeout=2,
    sentinel_kwargs={"socket_timeout": 2},
)
host, port = sentinel.discover_master("mymaster")
master = sentinel.master_for("mymaster", socket_timeout=2)
assert master.execute_command("ROLE")[0] == b"master", "master_for: not a master"
assert master.set(key, value), "SET"
acked = master.execute_command("WAIT", 1, 5000)
assert acked >= 1, f"WAIT 1 5000 returned {acked}"
replica = sentinel.slave_for("mymaster", socket_timeout=2)
assert replica.execute_command("ROLE")[0] == b"slave", "slave_for: not a replica"
got = replica.get(key)
assert got == value.encode(), f"replica has {got!r}"
print(f"{host}:{port}")
