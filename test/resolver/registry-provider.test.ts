// RegistryProvider against the loopback IndexServer with generated wheels and sdists: candidate
// selection (tags, Requires-Python, yanked, --exclude-newer, --no-binary/--only-binary), why a
// version is unavailable, METADATA reads, URL requirements, prefetching, the warm cache, and
// `resolve()` end to end. The target is a CPython 3.11.4 on x86-64 glibc 2.36 Linux.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { Cache } from "../../src/cache/index.ts";
import { HttpClient, RegistryClient } from "../../src/client/index.ts";
import { IndexLocations, IndexUrl, type RegistryFile } from "../../src/distribution-types/index.ts";
import { Interpreter } from "../../src/interpreter/index.ts";
import { infoFromProbe } from "../../src/interpreter/probe.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { Requirement, VerbatimUrl } from "../../src/pep508/index.ts";
import { formatTag, targetPlatform } from "../../src/platform-tags/index.ts";
import {
  type DependenciesResult,
  NoSolutionError,
  RegistryProvider,
  type ResolverTarget,
  resolve,
  targetFromInterpreter,
  type VersionsResult,
} from "../../src/resolver/index.ts";
import type { RegistryProviderOptions } from "../../src/resolver/registry-provider.ts";
import { fakeProbeAnswer } from "../support/fake-python.ts";
import { type IndexFile, IndexServer } from "../support/index-server.ts";
import { testDatabase, testRegistry } from "../support/registry.ts";
import { buildSdist } from "../support/sdist-builder.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel, type WheelSpec, writeWheel } from "../support/wheel-builder.ts";

const root = testDirectory("registry-provider");
let cacheCount = 0;
const freshCache = () => join(root, `cache-${cacheCount++}`);

const interpreter = new Interpreter(
  infoFromProbe(fakeProbeAnswer({ executable: "/opt/python/bin/python3.11", version: "3.11.4" })),
);
const target: ResolverTarget = targetFromInterpreter(interpreter);
const name = (text: string) => PackageName.parse(text);
const v = (text: string) => Version.parse(text);

function wheel(spec: WheelSpec, extra: Omit<IndexFile, "filename" | "bytes"> = {}): IndexFile {
  const built = buildWheel(spec);
  return { filename: built.filename, bytes: built.bytes, ...extra };
}

async function withServer(
  files: readonly IndexFile[],
  run: (
    server: IndexServer,
    provider: (options?: Partial<RegistryProviderOptions>) => RegistryProvider,
  ) => Promise<void>,
): Promise<void> {
  const server = await IndexServer.start({ files, coreMetadata: false });
  try {
    const registry = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
    const database = testDatabase(registry, interpreter);
    await run(
      server,
      (options = {}) =>
        new RegistryProvider({ client: registry.client, database, target, ...options }),
    );
  } finally {
    await server.close();
  }
}

function candidates(
  result: VersionsResult,
): { version: string; yanked?: true; unavailable?: string }[] {
  assert.equal(result.kind, "found");
  return result.candidates.map((c) => ({
    version: c.version.toString(),
    ...(c.yanked === true ? { yanked: true as const } : {}),
    ...(c.unavailable === undefined ? {} : { unavailable: c.unavailable }),
  }));
}

function requirementsOf(result: DependenciesResult): string[] {
  assert.equal(result.kind, "available", JSON.stringify(result));
  return result.requirements.map((r) => r.toString());
}

const filenames = (files: readonly RegistryFile[]) => files.map((f) => f.file.filename);

describe("RegistryProvider: wheel tags", () => {
  const files = [
    // 1.0: every flavour; each wheel's METADATA names its flavour as a dependency.
    wheel({ name: "native", version: "1.0", tags: "py3-none-any", requiresDist: ["from-any"] }),
    wheel({
      name: "native",
      version: "1.0",
      tags: "cp311-cp311-linux_x86_64",
      requiresDist: ["from-linux"],
    }),
    wheel({
      name: "native",
      version: "1.0",
      tags: "cp39-abi3-manylinux_2_17_x86_64",
      requiresDist: ["from-abi3"],
    }),
    wheel({
      name: "native",
      version: "1.0",
      tags: "cp311-cp311-manylinux_2_17_x86_64",
      requiresDist: ["from-manylinux"],
    }),
    wheel({
      name: "native",
      version: "1.0",
      tags: "cp311-cp311-win_amd64",
      requiresDist: ["from-windows"],
    }),
    // 2.0: abi3 beats the pure wheel.
    wheel({ name: "native", version: "2.0", tags: "py3-none-any", requiresDist: ["from-any"] }),
    wheel({
      name: "native",
      version: "2.0",
      tags: "cp38-abi3-manylinux_2_17_x86_64",
      requiresDist: ["from-abi3"],
    }),
    // 3.0: nothing for this platform.
    wheel({ name: "native", version: "3.0", tags: "cp39-cp39-win_amd64" }),
    wheel({ name: "native", version: "3.0", tags: "cp312-cp312-manylinux_2_17_x86_64" }),
    wheel({ name: "native", version: "3.0", tags: "cp311-cp311-musllinux_1_2_x86_64" }),
    wheel({ name: "native", version: "3.0", tags: "cp311-cp311-macosx_11_0_arm64" }),
    // 4.0: a manylinux newer than the target's glibc.
    wheel({ name: "native", version: "4.0", tags: "cp311-cp311-manylinux_2_39_x86_64" }),
  ];

  it("lists versions newest first; explains a version without a wheel for the target's tags", async () => {
    await withServer(files, async (_server, provider) => {
      assert.deepEqual(candidates(await provider().listVersions(name("native"))), [
        {
          version: "4.0",
          unavailable:
            "has no wheel for cp311-cp311-manylinux_2_36_x86_64 (only cp311-cp311-manylinux_2_39_x86_64)",
        },
        {
          version: "3.0",
          unavailable:
            "has no wheel for cp311-cp311-manylinux_2_36_x86_64 (only cp39-cp39-win_amd64, cp312-cp312-manylinux_2_17_x86_64, cp311-cp311-musllinux_1_2_x86_64, …)",
        },
        { version: "2.0" },
        { version: "1.0" },
      ]);
    });
  });

  it("reads the METADATA of the most preferred wheel: manylinux, then linux, then abi3, then pure", async () => {
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider();
      assert.deepEqual(requirementsOf(await provider.getDependencies(name("native"), v("1.0"))), [
        "from-manylinux",
      ]);
      assert.deepEqual(requirementsOf(await provider.getDependencies(name("native"), v("2.0"))), [
        "from-abi3",
      ]);
      assert.equal(
        (await provider.bestFile(name("native"), v("1.0")))?.file.filename,
        "native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
      );
      assert.deepEqual(filenames(await provider.usableFiles(name("native"), v("1.0"))), [
        "native-1.0-cp311-cp311-linux_x86_64.whl",
        "native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
        "native-1.0-cp39-abi3-manylinux_2_17_x86_64.whl",
        "native-1.0-py3-none-any.whl",
      ]);
      assert.equal(await provider.bestFile(name("native"), v("3.0")), undefined);
      assert.equal((await provider.getDependencies(name("native"), v("3.0"))).kind, "unavailable");
    });
  });

  it("distributionFiles lists every file of a version, for every platform and Python, by filename", async () => {
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider();
      assert.deepEqual(filenames(await provider.distributionFiles(name("native"), v("1.0"))), [
        "native-1.0-cp311-cp311-linux_x86_64.whl",
        "native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
        "native-1.0-cp311-cp311-win_amd64.whl",
        "native-1.0-cp39-abi3-manylinux_2_17_x86_64.whl",
        "native-1.0-py3-none-any.whl",
      ]);
      // A version with no file for the target still has its files for the others.
      assert.deepEqual(filenames(await provider.distributionFiles(name("native"), v("3.0"))), [
        "native-3.0-cp311-cp311-macosx_11_0_arm64.whl",
        "native-3.0-cp311-cp311-musllinux_1_2_x86_64.whl",
        "native-3.0-cp312-cp312-manylinux_2_17_x86_64.whl",
        "native-3.0-cp39-cp39-win_amd64.whl",
      ]);
      assert.deepEqual(await provider.distributionFiles(name("native"), v("9.0")), []);
    });
  });

  it("resolves to the newest version with a usable wheel, and says why newer ones were skipped", async () => {
    await withServer(
      [
        ...files,
        wheel({ name: "from-manylinux", version: "1.0" }),
        wheel({ name: "from-abi3", version: "1.0" }),
      ],
      async (_server, provider) => {
        const resolution = await resolve(provider(), {
          requirements: [Requirement.parse("native")],
          environment: target.environment,
          pythonVersion: target.pythonVersion,
        });
        assert.deepEqual(
          resolution.packages.map((p) => `${p.name}==${p.version}`),
          ["from-abi3==1.0", "native==2.0"],
        );
        await assert.rejects(
          resolve(provider(), {
            requirements: [Requirement.parse("native>=3")],
            environment: target.environment,
            pythonVersion: target.pythonVersion,
          }),
          (error: unknown) =>
            error instanceof NoSolutionError &&
            /native==3\.0 has no wheel for cp311-cp311-manylinux_2_36_x86_64/.test(error.message),
        );
      },
    );
  });
});

describe("RegistryProvider: Requires-Python", () => {
  it("drops files whose index Requires-Python excludes the target, and explains a version left without", async () => {
    const files = [
      wheel({ name: "snake", version: "3.0" }, { requiresPython: ">=3.12" }),
      wheel(
        { name: "snake", version: "2.0", tags: "cp312-cp312-manylinux_2_17_x86_64" },
        { requiresPython: ">=3.12" },
      ),
      wheel(
        { name: "snake", version: "2.0", requiresDist: ["old-python"] },
        { requiresPython: ">=3.8" },
      ),
      wheel({ name: "snake", version: "1.0" }, { requiresPython: ">=3.6,<3.8" }),
    ];
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider();
      assert.deepEqual(candidates(await provider.listVersions(name("snake"))), [
        { version: "3.0", unavailable: "requires Python >=3.12 (the target is Python 3.11.4)" },
        { version: "2.0" },
        // Only the lower bound counts (see src/resolver/requires-python.ts).
        { version: "1.0" },
      ]);
      assert.deepEqual(requirementsOf(await provider.getDependencies(name("snake"), v("2.0"))), [
        "old-python",
      ]);
    });
  });

  it("turns the METADATA Requires-Python into a dependency on Python that the report names", async () => {
    const files = [wheel({ name: "modern", version: "1.0", requiresPython: ">=3.12" })];
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider();
      const result = await provider.getDependencies(name("modern"), v("1.0"));
      assert.equal(result.kind, "available");
      assert.equal(result.requiresPython?.toString(), ">=3.12");
      await assert.rejects(
        resolve(provider, {
          requirements: [Requirement.parse("modern")],
          environment: target.environment,
          pythonVersion: target.pythonVersion,
        }),
        (error: unknown) => error instanceof NoSolutionError && /Python/.test(error.message),
      );
    });
  });
});

describe("RegistryProvider: yanked files", () => {
  const files = [
    wheel({ name: "pulled", version: "2.0" }, { yanked: "broken build" }),
    wheel(
      { name: "pulled", version: "1.5", tags: "cp311-cp311-manylinux_2_17_x86_64" },
      { yanked: true },
    ),
    wheel({ name: "pulled", version: "1.5" }),
    wheel({ name: "pulled", version: "1.0" }),
  ];

  it("marks a version yanked only when every file is, and skips yanked files of the others", async () => {
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider();
      assert.deepEqual(candidates(await provider.listVersions(name("pulled"))), [
        { version: "2.0", yanked: true },
        { version: "1.5" },
        { version: "1.0" },
      ]);
      assert.deepEqual(filenames(await provider.usableFiles(name("pulled"), v("1.5"))), [
        "pulled-1.5-py3-none-any.whl",
      ]);
      // The yanked file of a version that is not yanked is left out of its files too; a yanked
      // version keeps its (yanked) files: it can only have been pinned to one of them.
      assert.deepEqual(filenames(await provider.distributionFiles(name("pulled"), v("1.5"))), [
        "pulled-1.5-py3-none-any.whl",
      ]);
      assert.deepEqual(filenames(await provider.distributionFiles(name("pulled"), v("2.0"))), [
        "pulled-2.0-py3-none-any.whl",
      ]);
      const options = { environment: target.environment, pythonVersion: target.pythonVersion };
      const unpinned = await resolve(provider, {
        ...options,
        requirements: [Requirement.parse("pulled")],
      });
      assert.equal(unpinned.packages[0]?.version.toString(), "1.5");
      const pinned = await resolve(makeProvider(), {
        ...options,
        requirements: [Requirement.parse("pulled==2.0")],
      });
      assert.equal(pinned.packages[0]?.version.toString(), "2.0");
    });
  });
});

describe("RegistryProvider: --exclude-newer", () => {
  it("leaves out files uploaded at or after the cut-off and versions left with none", async () => {
    const files = [
      wheel({ name: "dated", version: "3.0" }, { uploadTime: "2024-06-01T00:00:00Z" }),
      wheel(
        { name: "dated", version: "2.0", tags: "cp311-cp311-manylinux_2_17_x86_64" },
        { uploadTime: "2024-02-01T00:00:00Z" },
      ),
      wheel({ name: "dated", version: "2.0" }, { uploadTime: "2023-12-01T00:00:00Z" }),
      wheel({ name: "dated", version: "1.0" }, { uploadTime: "2023-01-01T00:00:00Z" }),
      wheel({ name: "dated", version: "0.5" }),
    ];
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider({ excludeNewer: new Date("2024-01-01T00:00:00Z") });
      assert.deepEqual(candidates(await provider.listVersions(name("dated"))), [
        { version: "2.0" },
        { version: "1.0" },
        {
          version: "0.5",
          unavailable:
            "has no upload time on its index, which --exclude-newer needs (PEP 700 `upload-time`)",
        },
      ]);
      assert.deepEqual(filenames(await provider.usableFiles(name("dated"), v("2.0"))), [
        "dated-2.0-py3-none-any.whl",
      ]);
      // The cut-off holds for every platform's files, and undated files are not listed.
      assert.deepEqual(filenames(await provider.distributionFiles(name("dated"), v("2.0"))), [
        "dated-2.0-py3-none-any.whl",
      ]);
      assert.deepEqual(await provider.distributionFiles(name("dated"), v("0.5")), []);
      // Without the cut-off every file counts.
      assert.equal(
        candidates(await makeProvider().listVersions(name("dated"))).filter(
          (c) => c.unavailable === undefined,
        ).length,
        4,
      );
    });
  });
});

describe("RegistryProvider: sdists, --no-binary, --only-binary", () => {
  const sdist = (spec: Parameters<typeof buildSdist>[0]): IndexFile => {
    const built = buildSdist(spec);
    return { filename: built.filename, bytes: built.bytes };
  };
  const files = [
    wheel({ name: "both", version: "1.0", requiresDist: ["from-wheel"] }),
    sdist({ name: "both", version: "1.0", dependencies: ["from-sdist"] }),
    sdist({ name: "source-only", version: "1.0" }),
    wheel({ name: "wheel-only", version: "1.0" }),
  ];
  it("an sdist-only version is available: its metadata is read through the database", async () => {
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider();
      assert.deepEqual(candidates(await provider.listVersions(name("source-only"))), [
        { version: "1.0" },
      ]);
      assert.equal(
        (await provider.bestFile(name("source-only"), v("1.0")))?.file.filename,
        "source_only-1.0.tar.gz",
      );
      assert.deepEqual(filenames(await provider.usableFiles(name("both"), v("1.0"))), [
        "both-1.0-py3-none-any.whl",
        "both-1.0.tar.gz",
      ]);
    });
  });

  it("--no-binary keeps the sdists only; --only-binary the wheels only", async () => {
    await withServer(files, async (_server, makeProvider) => {
      const noBinary = makeProvider({ noBinary: [":all:"] });
      assert.deepEqual(filenames(await noBinary.usableFiles(name("both"), v("1.0"))), [
        "both-1.0.tar.gz",
      ]);
      assert.deepEqual(candidates(await noBinary.listVersions(name("both"))), [{ version: "1.0" }]);
      assert.deepEqual(candidates(await noBinary.listVersions(name("wheel-only"))), [
        {
          version: "1.0",
          unavailable: "has no source distribution, and --no-binary excludes its wheels",
        },
      ]);
      const withBuilder = makeProvider({ noBinary: [name("both")] });
      assert.deepEqual(requirementsOf(await withBuilder.getDependencies(name("both"), v("1.0"))), [
        "from-sdist",
      ]);
      assert.deepEqual(candidates(await withBuilder.listVersions(name("wheel-only"))), [
        { version: "1.0" },
      ]);

      const onlyBinary = makeProvider({ onlyBinary: [":all:"] });
      assert.deepEqual(filenames(await onlyBinary.usableFiles(name("both"), v("1.0"))), [
        "both-1.0-py3-none-any.whl",
      ]);
      assert.deepEqual(filenames(await onlyBinary.distributionFiles(name("both"), v("1.0"))), [
        "both-1.0-py3-none-any.whl",
      ]);
      assert.deepEqual(filenames(await noBinary.distributionFiles(name("both"), v("1.0"))), [
        "both-1.0.tar.gz",
      ]);
      assert.deepEqual(filenames(await makeProvider().distributionFiles(name("both"), v("1.0"))), [
        "both-1.0-py3-none-any.whl",
        "both-1.0.tar.gz",
      ]);
      assert.deepEqual(candidates(await onlyBinary.listVersions(name("source-only"))), [
        {
          version: "1.0",
          unavailable: "has no wheel, and --only-binary excludes its source distributions",
        },
      ]);
    });
  });

  it("prefers a wheel's METADATA over an sdist's even when sdists can be read", async () => {
    await withServer(files, async (_server, makeProvider) => {
      const provider = makeProvider();
      assert.deepEqual(requirementsOf(await provider.getDependencies(name("both"), v("1.0"))), [
        "from-wheel",
      ]);
    });
  });
});

describe("RegistryProvider: METADATA failures", () => {
  it("makes a version with a broken wheel unavailable, and resolution moves on", async () => {
    const broken: IndexFile = {
      filename: "shaky-2.0-py3-none-any.whl",
      bytes: new TextEncoder().encode("not a zip"),
    };
    const misnamed: IndexFile = {
      filename: "shaky-1.5-py3-none-any.whl",
      bytes: buildWheel({ name: "shaky", version: "1.4" }).bytes,
    };
    await withServer(
      [broken, misnamed, wheel({ name: "shaky", version: "1.0" })],
      async (_server, makeProvider) => {
        const provider = makeProvider();
        const result = await provider.getDependencies(name("shaky"), v("2.0"));
        assert.equal(result.kind, "unavailable");
        assert.match(result.reason, /^has unusable metadata in shaky-2\.0-py3-none-any\.whl: /);
        const mismatch = await provider.getDependencies(name("shaky"), v("1.5"));
        assert.equal(mismatch.kind, "unavailable");
        assert.match(mismatch.reason, /is for shaky 1\.4/);
        const resolution = await resolve(provider, {
          requirements: [Requirement.parse("shaky")],
          environment: target.environment,
          pythonVersion: target.pythonVersion,
        });
        assert.equal(resolution.packages[0]?.version.toString(), "1.0");
      },
    );
  });

  it("rejects on a network failure instead of hiding it", async () => {
    await withServer([wheel({ name: "remote", version: "1.0" })], async (server, makeProvider) => {
      const provider = makeProvider();
      await provider.listVersions(name("remote"));
      server.addFault({ kind: "status", status: 500, path: /\/files\// });
      await assert.rejects(provider.getDependencies(name("remote"), v("1.0")), /500/);
    });
  });

  it("answers not-found for a project no index has", async () => {
    await withServer([], async (server, makeProvider) => {
      const result = await makeProvider().listVersions(name("ghost"));
      assert.equal(result.kind, "not-found");
      assert.match(result.reason, /No index has a project named `ghost`/);
      assert.ok(result.reason.includes(server.indexUrl));
    });
  });
});

describe("RegistryProvider: URL requirements", () => {
  const direct = buildWheel({
    name: "direct",
    version: "2.1",
    requiresDist: ["dep>=1"],
    requiresPython: ">=3.8",
  });

  it("reads the METADATA of a wheel by https URL and by path; refuses a wrong or incompatible wheel", async () => {
    const dir = join(root, "wheels");
    mkdirSync(dir);
    const onDisk = writeWheel(dir, { name: "direct", version: "2.2", requiresDist: ["dep>=2"] });
    await withServer(
      [{ filename: direct.filename, bytes: direct.bytes }],
      async (server, makeProvider) => {
        const provider = makeProvider();
        const remote = await provider.getUrlMetadata(
          name("direct"),
          VerbatimUrl.parse(server.fileUrl(direct.filename)),
        );
        assert.equal(remote.kind, "found");
        assert.equal(remote.version.toString(), "2.1");
        assert.deepEqual(requirementsOf(remote.dependencies), ["dep>=1"]);
        const local = await provider.getUrlMetadata(name("direct"), VerbatimUrl.parse(onDisk.path));
        assert.equal(local.kind, "found");
        assert.deepEqual(requirementsOf(local.dependencies), ["dep>=2"]);
        const fileUrl = await provider.getUrlMetadata(
          name("direct"),
          VerbatimUrl.parse(pathToFileURL(onDisk.path).href),
        );
        assert.equal(fileUrl.kind, "found");

        const refusals: [string, string, RegExp][] = [
          ["other", server.fileUrl(direct.filename), /which is a wheel of direct/],
          [
            "direct",
            `${server.url}/files/direct-1.0-cp27-cp27m-win32.whl`,
            /not compatible with cp311-cp311-manylinux_2_36_x86_64/,
          ],
        ];
        for (const [requested, url, reason] of refusals) {
          const result = await provider.getUrlMetadata(name(requested), VerbatimUrl.parse(url));
          assert.equal(result.kind, "unavailable", url);
          assert.match(result.reason, reason);
        }
      },
    );
  });
});

describe("RegistryProvider: resolve() over the loopback index", () => {
  const files = [
    wheel({
      name: "app",
      version: "1.0",
      requiresDist: ["lib[speed]>=1", "winonly; sys_platform == 'win32'", "lib<3"],
    }),
    wheel({
      name: "lib",
      version: "2.0",
      providesExtra: ["speed"],
      requiresDist: ["fast>=2; extra == 'speed'", "tiny"],
    }),
    wheel({ name: "lib", version: "3.0" }),
    wheel({ name: "fast", version: "1.0" }),
    wheel({ name: "fast", version: "2.0", tags: "cp311-cp311-manylinux_2_17_x86_64" }),
    wheel({ name: "tiny", version: "0.1" }),
    wheel({ name: "winonly", version: "1.0" }),
  ];

  it("resolves extras and markers for the target", async () => {
    await withServer(files, async (_server, makeProvider) => {
      const resolution = await resolve(makeProvider(), {
        requirements: [Requirement.parse("app")],
        environment: target.environment,
        pythonVersion: target.pythonVersion,
      });
      assert.deepEqual(
        resolution.packages.map(
          (p) => `${p.name}==${p.version}${p.extras.length > 0 ? `[${p.extras.join(",")}]` : ""}`,
        ),
        ["app==1.0", "fast==2.0", "lib==2.0[speed]", "tiny==0.1"],
      );
    });
  });

  it("does no network I/O on a warm cache", async () => {
    const server = await IndexServer.start({ files, coreMetadata: false });
    try {
      const cacheDir = freshCache();
      const run = () => {
        const registry = testRegistry({ cacheDir, indexUrl: server.indexUrl });
        const database = testDatabase(registry, interpreter);
        return resolve(new RegistryProvider({ client: registry.client, database, target }), {
          requirements: [Requirement.parse("app")],
          environment: target.environment,
          pythonVersion: target.pythonVersion,
        });
      };
      const cold = await run();
      assert.ok(server.requests.length > 0);
      server.clearRequests();
      const warm = await run();
      assert.deepEqual(server.requests, []);
      assert.deepEqual(
        warm.packages.map((p) => `${p.name}==${p.version}`),
        cold.packages.map((p) => `${p.name}==${p.version}`),
      );
    } finally {
      await server.close();
    }
  });
});

describe("RegistryProvider: prefetching", () => {
  const WIDTH = 30;
  const files: IndexFile[] = [];
  for (let i = 0; i < WIDTH; i++) {
    files.push(wheel({ name: `p${i}`, version: "1.0", requiresDist: [`q${i}`] }));
    files.push(wheel({ name: `q${i}`, version: "1.0" }));
  }
  let server: IndexServer;
  before(async () => {
    // Every page of the wide set takes 100 ms: requests issued one at a time would be seen by
    // the server interleaved with the METADATA reads that follow each page.
    server = await IndexServer.start({
      files,
      coreMetadata: false,
      faults: [{ kind: "slow", delayMs: 100, path: /^\/simple\/p\d+\/$/ }],
    });
  });
  after(() => server.close());

  it("requests every page of a wide dependency set before the first METADATA read", async () => {
    const http = HttpClient.create({
      retries: 0,
      env: {},
      netrcPath: "/nonexistent/netrc",
      maxConnectionsPerHost: 64,
    });
    const cache = Cache.at(freshCache());
    const client = new RegistryClient({
      http,
      cache,
      locations: IndexLocations.of({ indexUrl: IndexUrl.parse(server.indexUrl) }),
    });
    const database = testDatabase({ client, http, cache }, interpreter);
    const provider = new RegistryProvider({ client, database, target });
    const resolution = await resolve(provider, {
      requirements: Array.from({ length: WIDTH }, (_, i) => Requirement.parse(`p${i}`)),
      environment: target.environment,
      pythonVersion: target.pythonVersion,
    });
    assert.equal(resolution.packages.length, 2 * WIDTH);
    const paths = server.requests.map((r) => r.path);
    const firstRead = paths.findIndex((p) => p.startsWith("/files/"));
    const pages = paths.slice(0, firstRead);
    assert.equal(pages.filter((p) => /^\/simple\/p\d+\/$/.test(p)).length, WIDTH, paths.join("\n"));
    assert.ok(provider.peakConcurrency >= WIDTH, `peak ${provider.peakConcurrency}`);
    assert.ok(provider.peakConcurrency <= 50, `peak ${provider.peakConcurrency}`);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const registry = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
    const database = testDatabase(registry, interpreter);
    const provider = new RegistryProvider({
      client: registry.client,
      database,
      target,
      concurrency: 4,
    });
    await resolve(provider, {
      requirements: Array.from({ length: 8 }, (_, i) => Requirement.parse(`q${i}`)),
      environment: target.environment,
      pythonVersion: target.pythonVersion,
    });
    assert.equal(provider.peakConcurrency, 4);
  });
});

describe("targetFromInterpreter", () => {
  it("takes the interpreter's markers, version and tags", () => {
    assert.equal(target.environment.python_full_version, "3.11.4");
    assert.equal(target.pythonVersion.toString(), "3.11.4");
    assert.equal(
      target.tags.tags[0] &&
        `${target.tags.tags[0].python}-${target.tags.tags[0].abi}-${target.tags.tags[0].platform}`,
      "cp311-cp311-manylinux_2_36_x86_64",
    );
  });

  it("patches the Python markers and the tags with --python-version", () => {
    const cases: [string, string, string, string][] = [
      ["3.10", "3.10", "3.10.0", "cp310-cp310-manylinux_2_36_x86_64"],
      ["3.10.4", "3.10", "3.10.4", "cp310-cp310-manylinux_2_36_x86_64"],
      ["3.11.9", "3.11", "3.11.9", "cp311-cp311-manylinux_2_36_x86_64"],
      ["3.13", "3.13", "3.13.0", "cp313-cp313-manylinux_2_36_x86_64"],
    ];
    for (const [given, short, full, tag] of cases) {
      const patched = targetFromInterpreter(interpreter, given);
      assert.equal(patched.environment.python_version, short, given);
      assert.equal(patched.environment.python_full_version, full, given);
      assert.equal(patched.pythonVersion.toString(), full, given);
      assert.equal(patched.environment.sys_platform, "linux");
      const first = patched.tags.tags[0]!;
      assert.equal(`${first.python}-${first.abi}-${first.platform}`, tag, given);
    }
    // abi3 wheels built for 3.11 do not fit 3.10.
    const py310 = targetFromInterpreter(interpreter, "3.10");
    assert.equal(
      py310.tags.compatibility({
        pythonTags: ["cp311"],
        abiTags: ["abi3"],
        platformTags: ["manylinux_2_17_x86_64"],
      }),
      undefined,
    );
  });

  it("retargets implementation_version with --python-version on CPython, not on PyPy", () => {
    assert.equal(target.environment.implementation_version, "3.11.4");
    for (const [given, full] of [
      ["3.10", "3.10.0"],
      ["3.12.7", "3.12.7"],
    ] as const) {
      const patched = targetFromInterpreter(interpreter, given);
      assert.equal(patched.environment.implementation_version, full, given);
    }
    // PyPy 7.3.17 implements Python 3.10: its own version is not the Python version.
    const answer = fakeProbeAnswer({ executable: "/opt/pypy/bin/pypy3", version: "3.10.14" });
    const pypy = new Interpreter(
      infoFromProbe({
        ...answer,
        implementation_name: "pypy",
        implementation_version: [7, 3],
        abi_tags: ["pypy310_pp73"],
        markers: {
          ...(answer["markers"] as Record<string, string>),
          implementation_name: "pypy",
          implementation_version: "7.3.17",
          platform_python_implementation: "PyPy",
        },
      }),
    );
    const pypy311 = targetFromInterpreter(pypy, "3.11");
    assert.equal(pypy311.environment.python_full_version, "3.11.0");
    assert.equal(pypy311.environment.implementation_version, "7.3.17");
  });

  it("takes a --python-platform target's markers and tags, keeping the Python version's", () => {
    const windows = targetFromInterpreter(interpreter, undefined, targetPlatform("windows"));
    assert.equal(windows.environment.sys_platform, "win32");
    assert.equal(windows.environment.platform_system, "Windows");
    assert.equal(windows.environment.os_name, "nt");
    assert.equal(windows.environment.platform_machine, "AMD64");
    assert.equal(windows.environment.python_full_version, "3.11.4");
    assert.equal(windows.environment.implementation_name, "cpython");
    assert.equal(windows.pythonVersion.toString(), "3.11.4");
    assert.equal(formatTag(windows.tags.tags[0]!), "cp311-cp311-win_amd64");
    assert.equal(
      windows.tags.compatibility({
        pythonTags: ["cp311"],
        abiTags: ["cp311"],
        platformTags: ["manylinux_2_17_x86_64"],
      }),
      undefined,
      "a Linux wheel does not fit Windows",
    );
    const mac312 = targetFromInterpreter(interpreter, "3.12", targetPlatform("macos"));
    assert.equal(mac312.environment.sys_platform, "darwin");
    assert.equal(mac312.environment.python_version, "3.12");
    assert.equal(mac312.environment.python_full_version, "3.12.0");
    assert.equal(formatTag(mac312.tags.tags[0]!), "cp312-cp312-macosx_13_0_arm64");
  });

  it("rejects a malformed --python-version with a clear error", () => {
    for (const given of ["3", "three", "3.10.x", "3.10.4.1", "2.7", ""]) {
      assert.throws(
        () => targetFromInterpreter(interpreter, given),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, "invalid-python-version", given);
          assert.match(error.message, /--python-version/);
          return true;
        },
      );
    }
  });
});
