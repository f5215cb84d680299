import assert from "node:assert/strict";
import {
  AofManifest,
  AofManifestError,
} from "../../lib/persistence/aof_manifest.ts";

Deno.test("aof manifest: parses and formats Redis 7's manifest", () => {
  const text = "file appendonly.aof.1.base.rdb seq 1 type b\n" +
    "file appendonly.aof.1.incr.aof seq 1 type i\n" +
    "file appendonly.aof.2.incr.aof seq 2 type i\n";
  const manifest = AofManifest.parse(text);
  assert.equal(manifest.base?.name, "appendonly.aof.1.base.rdb");
  assert.deepEqual(manifest.incremental.map((i) => i.seq), [1, 2]);
  assert.equal(manifest.incrementalSeq, 2);
  assert.equal(manifest.format(), text);
});

Deno.test("aof manifest: names with spaces are quoted and read back", () => {
  const manifest = new AofManifest();
  manifest.base = { name: "my file.1.base.rdb", seq: 1, type: "b" };
  const text = manifest.format();
  assert.equal(text, 'file "my file.1.base.rdb" seq 1 type b\n');
  assert.equal(AofManifest.parse(text).base?.name, "my file.1.base.rdb");
});

Deno.test("aof manifest: malformed manifests are rejected", () => {
  for (
    const bad of [
      "",
      "file x seq 1\n",
      "file x seq zero type b\n",
      "file x seq 1 type q\n",
      "file a seq 1 type b\nfile b seq 2 type b\n",
      "file a seq 2 type i\nfile b seq 1 type i\n",
    ]
  ) {
    assert.throws(
      () => AofManifest.parse(bad),
      AofManifestError,
      JSON.stringify(bad),
    );
  }
});
