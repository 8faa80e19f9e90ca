import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CACHEDIR_TAG } from "../../src/cache/cache.ts";
import { Cache, CacheBucket, writeJsonEntry } from "../../src/cache/index.ts";
import { humanBytes } from "../../src/cli/commands/cache.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { tempName } from "../../src/support/index.ts";
import { deadPid } from "../support/contender-process.ts";
import { IndexServer } from "../support/index-server.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { pathExists, testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python311 = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);

const puffin = (args: string[], env: NodeJS.ProcessEnv = {}) => runPuffin(args, { env });

const dir = testDirectory("cli-cache");

const INDEX = { kind: "index", url: "https://pypi.org/simple" } as const;
const OTHER_INDEX = { kind: "index", url: "https://example.com/simple" } as const;
const LONG_AGO = new Date(Date.now() - 3_600_000);

/**
 * A cache holding `requests` and `numpy` entries in several buckets:
 * simple pages on two indexes, wheel metadata, a wheel linked into `archive-v0`, a built wheel,
 * plus an interpreter entry that belongs to no package. Returns the interesting paths.
 */
async function populate(root: string) {
  const cache = Cache.at(root);
  await cache.init();
  const requests = PackageName.parse("requests");
  const numpy = PackageName.parse("numpy");
  const schema = { version: 1 };
  await writeJsonEntry(
    join(cache.packageDir(CacheBucket.Simple, INDEX, requests), "..", "requests.json"),
    schema,
    { files: [] },
  );
  await writeJsonEntry(
    join(cache.packageDir(CacheBucket.Simple, OTHER_INDEX, requests), "..", "requests.json"),
    schema,
    { files: [] },
  );
  await writeJsonEntry(
    join(cache.packageDir(CacheBucket.Simple, INDEX, numpy), "..", "numpy.json"),
    schema,
    { files: [] },
  );
  const requestsWheels = cache.packageDir(CacheBucket.Wheels, INDEX, requests);
  await writeJsonEntry(join(requestsWheels, "requests-2.32.3-py3-none-any.json"), schema, {
    metadata: "x".repeat(2000),
  });
  const requestsArchive = cache.shard(CacheBucket.Archive, "requests-archive");
  await mkdir(join(requestsArchive, "requests"), { recursive: true });
  await writeFile(join(requestsArchive, "requests", "__init__.py"), "# requests\n");
  await symlink(requestsArchive, join(requestsWheels, "requests-2.32.3-py3-none-any"));
  const numpyWheels = cache.packageDir(CacheBucket.Wheels, INDEX, numpy);
  const numpyArchive = cache.shard(CacheBucket.Archive, "numpy-archive");
  await mkdir(numpyArchive, { recursive: true });
  await writeFile(join(numpyArchive, "numpy.py"), "# numpy\n");
  await mkdir(numpyWheels, { recursive: true });
  await symlink(numpyArchive, join(numpyWheels, "numpy-2.1.0-cp312-cp312-linux_x86_64"));
  const built = join(
    cache.packageDir(
      CacheBucket.BuiltWheels,
      { kind: "url", url: "https://x/requests-2.0.tar.gz" },
      requests,
    ),
    "requests-2.0.tar.gz",
  );
  await mkdir(built, { recursive: true });
  await writeFile(join(built, "requests-2.0-py3-none-any.whl"), "wheel");
  await writeJsonEntry(cache.shard(CacheBucket.Interpreter, "0123456789abcdef.json"), schema, {});
  for (const archive of [requestsArchive, numpyArchive]) await utimes(archive, LONG_AGO, LONG_AGO);
  return { cache, requestsArchive, numpyArchive, requestsWheels, numpyWheels, built };
}

describe("puffin cache dir", () => {
  test("prints the cache directory on stdout, from --cache-dir, PUFFIN_CACHE_DIR or XDG", async () => {
    const flag = await puffin(["--cache-dir", join(dir, "flag"), "cache", "dir"], {
      PUFFIN_CACHE_DIR: "/env",
    });
    assert.deepEqual(flag, { status: 0, stdout: `${join(dir, "flag")}\n`, stderr: "" });
    assert.equal((await puffin(["cache", "dir"], { PUFFIN_CACHE_DIR: "/env" })).stdout, "/env\n");
    assert.equal(
      (await puffin(["cache", "dir"], { XDG_CACHE_HOME: "/xdg" })).stdout,
      "/xdg/puffin\n",
    );
    assert.equal((await puffin(["cache", "dir", "--cache-dir", "/after"])).stdout, "/after\n");
    assert.equal(await pathExists(join(dir, "flag")), false, "asking for the path creates nothing");
  });

  test("-n/--no-cache uses a temporary directory", async () => {
    const { status, stdout } = await puffin(["-n", "cache", "dir"], { PUFFIN_CACHE_DIR: "/env" });
    assert.equal(status, 0);
    assert.ok(stdout.startsWith(join(tmpdir(), "puffin-cache-")));
    await rm(stdout.trim(), { recursive: true, force: true });
  });

  test("`puffin cache` without a subcommand is a usage error", async () => {
    const { status, stderr } = await puffin(["cache"]);
    assert.equal(status, 2);
    assert.match(stderr, /Usage: puffin cache/);
  });
});

describe("puffin cache clean", () => {
  test("removes everything and says how much", async () => {
    const root = join(dir, "clean-all");
    await populate(root);
    const { status, stdout, stderr } = await puffin(["--cache-dir", root, "cache", "clean"]);
    assert.equal(status, 0);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      new RegExp(`^Clearing cache at: ${root}\nRemoved 12 files \\(\\d+\\.\\dKiB\\)\n$`),
    );
    assert.equal(await pathExists(root), false);
  });

  test("on a missing cache says so", async () => {
    const root = join(dir, "never");
    const { status, stderr } = await puffin(["--cache-dir", root, "cache", "clean"]);
    assert.equal(status, 0);
    assert.equal(stderr, `No cache found at: ${root}\n`);
    assert.equal(await pathExists(root), false);
  });

  test("PACKAGE removes that package's entries in every bucket and index, and its archives", async () => {
    const root = join(dir, "clean-package");
    const { requestsArchive, numpyArchive, requestsWheels, numpyWheels, built } =
      await populate(root);
    const { status, stderr } = await puffin(["--cache-dir", root, "cache", "clean", "Requests"]);
    assert.equal(status, 0);
    // 2 simple pages, wheel metadata, the wheel link, the built wheel, the archive's file.
    assert.match(stderr, /^Removed 6 files \(\d+\.\dKiB\)\n$/);
    for (const gone of [requestsWheels, built, requestsArchive])
      assert.equal(await pathExists(gone), false, gone);
    for (const kept of [numpyWheels, numpyArchive, join(root, "CACHEDIR.TAG")])
      assert.ok(await pathExists(kept), kept);
    const simple = join(root, CacheBucket.Simple, "index");
    const pages = (
      await Promise.all((await readdir(simple)).map((digest) => readdir(join(simple, digest))))
    ).flat();
    assert.deepEqual(pages, ["numpy.json"]);
    assert.equal(
      (await puffin(["--cache-dir", root, "cache", "clean", "requests"])).stderr,
      "No cache entries found\n",
    );
  });

  test("an invalid package name is a user error", async () => {
    const root = join(dir, "clean-invalid");
    await populate(root);
    const { status, stderr } = await puffin(["--cache-dir", root, "cache", "clean", "not/a/name"]);
    assert.equal(status, 1);
    assert.match(stderr, /^error: Not a valid package name/);
  });
});

describe("puffin cache prune", () => {
  test("removes temp leftovers of dead processes, unlinked archives, and unknown buckets", async () => {
    const root = join(dir, "prune");
    const { cache, requestsArchive, numpyArchive, numpyWheels } = await populate(root);
    const dead = await deadPid();
    const deadTemp = join(
      cache.bucket(CacheBucket.Wheels),
      tempName().replace(`-${process.pid}-`, `-${dead}-`),
    );
    await mkdir(join(deadTemp, "half-unzipped"), { recursive: true });
    await writeFile(join(deadTemp, "half-unzipped", "file"), "partial");
    const deadTempFile = join(numpyWheels, tempName().replace(`-${process.pid}-`, `-${dead}-`));
    await writeFile(deadTempFile, "partial");
    const liveTemp = join(numpyWheels, tempName());
    await writeFile(liveTemp, "being written by this process");
    await rm(join(numpyWheels, "numpy-2.1.0-cp312-cp312-linux_x86_64"));
    const recentOrphan = cache.shard(CacheBucket.Archive, "just-published");
    await mkdir(recentOrphan);
    await writeFile(join(recentOrphan, "f"), "");
    await mkdir(join(root, "simple-v-1", "index"), { recursive: true });
    await writeFile(join(root, "simple-v-1", "index", "old.json"), "{}");
    await writeFile(join(root, "stray"), "?");

    const { status, stderr } = await puffin(["--cache-dir", root, "cache", "prune"]);
    assert.equal(status, 0);
    assert.match(stderr, new RegExp(`^Pruning cache at: ${root}\nRemoved 5 files \\(\\d+B\\)\n$`));
    for (const gone of [
      deadTemp,
      deadTempFile,
      numpyArchive,
      join(root, "simple-v-1"),
      join(root, "stray"),
    ]) {
      assert.equal(await pathExists(gone), false, gone);
    }
    for (const kept of [
      liveTemp,
      requestsArchive,
      recentOrphan,
      join(root, "CACHEDIR.TAG"),
      join(root, ".gitignore"),
    ]) {
      assert.ok(await pathExists(kept), kept);
    }
    assert.equal(await readFile(join(root, "CACHEDIR.TAG"), "utf8"), CACHEDIR_TAG);
    const again = await puffin(["--cache-dir", root, "cache", "prune"]);
    assert.equal(again.stderr, `Pruning cache at: ${root}\nNo unused entries found\n`);
  });
});

describe("prune and clean keep what a real install uses", {
  skip: python311 === undefined ? "no pyenv CPython 3.11 on this machine" : false,
}, () => {
  test("archives of wheels listed with a SHA-256 survive prune; clean PKG takes them", async () => {
    const server = await IndexServer.start({
      files: [
        buildWheel({ name: "six", version: "1.17.0" }),
        buildWheel({ name: "idna", version: "3.10" }),
      ],
    });
    try {
      const root = join(dir, "real-install");
      const venvs = await RealVenvs.of(python311!.executable, join(root, "venvs"));
      const install = async (name: string) => {
        const venv = await venvs.create(name);
        return puffin([
          "--cache-dir",
          join(root, "cache"),
          "pip",
          "install",
          "six",
          "idna",
          "--python",
          venv,
          "-i",
          server.indexUrl,
        ]);
      };
      const first = await install("first");
      assert.equal(first.status, 0, first.stderr);
      const archiveDir = join(root, "cache", CacheBucket.Archive);
      const archives = (await readdir(archiveDir)).filter((n) => !n.startsWith("."));
      assert.equal(archives.length, 2);
      // Older than prune's grace for just-published archives.
      for (const name of archives) await utimes(join(archiveDir, name), LONG_AGO, LONG_AGO);
      const pruned = await puffin(["--cache-dir", join(root, "cache"), "cache", "prune"]);
      assert.equal(pruned.status, 0, pruned.stderr);
      assert.deepEqual(
        (await readdir(archiveDir)).filter((n) => !n.startsWith(".")).sort(),
        archives.sort(),
      );
      // The next install links what is cached: no wheel is downloaded again.
      const downloads = () => server.requests.filter((r) => r.path.endsWith(".whl")).length;
      const before = downloads();
      const second = await install("second");
      assert.equal(second.status, 0, second.stderr);
      assert.equal(downloads(), before);
      // `cache clean six` takes six's archive with its entries, and leaves idna's.
      const cleaned = await puffin(["--cache-dir", join(root, "cache"), "cache", "clean", "six"]);
      assert.equal(cleaned.status, 0, cleaned.stderr);
      assert.equal((await readdir(archiveDir)).filter((n) => !n.startsWith(".")).length, 1);
    } finally {
      await server.close();
    }
  });
});

describe("puffin cache size", () => {
  test("prints bytes, or with --human uv's binary units", async () => {
    const root = join(dir, "size");
    assert.equal((await puffin(["--cache-dir", root, "cache", "size"])).stdout, "0\n");
    assert.equal((await puffin(["--cache-dir", root, "cache", "size", "-H"])).stdout, "0B\n");
    const cache = Cache.at(root);
    await cache.init();
    await mkdir(cache.bucket(CacheBucket.Interpreter));
    await writeFile(cache.shard(CacheBucket.Interpreter, "a.json"), "x".repeat(3000));
    const bytes = CACHEDIR_TAG.length + 2 + 3000;
    assert.deepEqual(await puffin(["--cache-dir", root, "cache", "size"]), {
      status: 0,
      stdout: `${bytes}\n`,
      stderr: "",
    });
    assert.equal(
      (await puffin(["--cache-dir", root, "cache", "size", "--human"])).stdout,
      `${humanBytes(bytes)}\n`,
    );
  });

  const cases: [number, string][] = [
    [0, "0.0B"],
    [1023, "1023.0B"],
    [1024, "1.0KiB"],
    [1536, "1.5KiB"],
    [5 * 1024 ** 2, "5.0MiB"],
    [1.2 * 1024 ** 3, "1.2GiB"],
  ];
  for (const [bytes, text] of cases) {
    test(`${bytes} bytes read ${text}`, () => assert.equal(humanBytes(bytes), text));
  }
});
