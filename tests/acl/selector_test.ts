import assert from "node:assert/strict";
import { Acl } from "../../lib/acl/acl.ts";
import { createCommandTable } from "../../lib/commands/registry.ts";
import { utf8 } from "../../lib/util/bytes.ts";
import { commandKeys } from "../../lib/commands/command.ts";

function newAcl(): Acl {
  return new Acl({
    table: createCommandTable(),
    allChannelsByDefault: () => false,
  });
}

const args = (...words: string[]) => words.map(utf8);

Deno.test("ACL user: rules are described back as Redis describes them", () => {
  const acl = newAcl();
  const user = acl.detachedUser("u");
  assert.equal(
    user.applyAll(["on", ">pw", "~app:*", "%R~r*", "&news", "+@read", "-get"]),
    null,
  );
  assert.equal(
    user.describe(),
    "on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~app:* %R~r* resetchannels &news -@all +@read -get",
  );
  assert.equal(acl.defaultUser.describe(), "on nopass ~* &* +@all");
});

Deno.test("ACL user: +@all then removals keep future commands allowed", () => {
  const user = newAcl().detachedUser("u");
  user.applyAll(["+@all", "-@dangerous", "+config|get"]);
  const rules = user.root.describeCommands();
  assert.ok(rules.startsWith("+@all -@dangerous"), rules);
  assert.ok(rules.includes("+config|get"), rules);
  user.apply("nocommands");
  assert.equal(user.root.describeCommands(), "-@all");
});

Deno.test("ACL user: refused rules name Redis's reasons", () => {
  const user = newAcl().detachedUser("u");
  assert.equal(user.apply("+nosuch"), "unknown-name");
  assert.equal(user.apply("+@nosuch"), "unknown-name");
  assert.equal(user.apply("#abc"), "bad-hash");
  assert.equal(user.apply("<never-added"), "no-such-password");
  assert.equal(user.apply("+config|get|x"), "first-arg-of-subcommand");
  assert.equal(user.apply("%~k"), "syntax");
  assert.equal(user.apply("bogus"), "syntax");
  user.apply("allkeys");
  assert.equal(user.apply("~k"), "key-after-all");
  user.apply("allchannels");
  assert.equal(user.apply("&c"), "channel-after-all");
});

Deno.test("ACL check: commands, first args, keys by access, channels, selectors", () => {
  const acl = newAcl();
  const index = acl.index;
  const user = acl.detachedUser("u");
  user.applyAll([
    "on",
    "nopass",
    "+get",
    "+set",
    "+select|0",
    "+publish",
    "+psubscribe",
    "%R~r:*",
    "%W~w:*",
    "&ch*",
    "(+del ~d:*)",
  ]);
  const check = (...words: string[]) => {
    const a = args(...words);
    const spec = index.lookup(words[0])!;
    return user.check(spec, a, commandKeys);
  };
  assert.equal(check("get", "r:1"), null);
  assert.deepEqual(check("get", "w:1"), { reason: "key", index: 1 });
  assert.deepEqual(check("incr", "r:1"), { reason: "command", index: 0 });
  assert.equal(check("select", "0"), null);
  assert.deepEqual(check("select", "1"), { reason: "command", index: 0 });
  assert.equal(check("publish", "chat", "m"), null);
  assert.deepEqual(check("publish", "other", "m"), {
    reason: "channel",
    index: 1,
  });
  // A pattern subscription needs an identical channel pattern.
  assert.equal(check("psubscribe", "ch*"), null);
  assert.deepEqual(check("psubscribe", "chat"), {
    reason: "channel",
    index: 1,
  });
  // Allowed by the selector only.
  assert.equal(check("del", "d:1"), null);
  // The root refuses DEL, the selector the key: the key is reported.
  assert.deepEqual(check("del", "r:1"), { reason: "key", index: 1 });
});

Deno.test("ACL: passwords authenticate by hash; nopass and off users", () => {
  const acl = newAcl();
  const user = acl.detachedUser("bob");
  acl.add(user);
  user.applyAll(["on", ">secret"]);
  assert.equal(acl.authenticate("bob", "secret"), user);
  assert.equal(acl.authenticate("bob", "wrong"), null);
  assert.equal(acl.authenticate("nobody", "secret"), null);
  user.apply("off");
  assert.equal(acl.authenticate("bob", "secret"), null);
  acl.setDefaultPassword("pw");
  assert.equal(acl.defaultAuthenticates, false);
  assert.equal(acl.authenticate("default", "pw"), acl.defaultUser);
  acl.setDefaultPassword("");
  assert.equal(acl.defaultAuthenticates, true);
});
