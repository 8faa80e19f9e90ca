import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import { recordHash } from "../../src/pypi-types/index.ts";
import { installTargets, snapshotTree } from "../support/install-target.ts";
import { installWheels } from "../support/install-wheels.ts";
import { buildWheel } from "../support/wheel-builder.ts";
import { writeZip } from "../support/zip-writer.ts";

const corpora = new URL("../corpora/installer/", import.meta.url).pathname;
const target = installTargets();

interface Golden {
  files: Record<string, { content: string; executable: boolean }>;
}

describe("the golden install of fancy-1.0.0 (pypa/installer)", () => {
  test("same files, contents and executable bits; RECORD lists them all", async () => {
    const golden = JSON.parse(
      readFileSync(join(corpora, "fancy_install_golden.json"), "utf8"),
    ) as Golden;
    const t = target("/opt/python/bin/python3");
    const cached = await unzipWheel({
      wheel: join(corpora, "fancy-1.0.0-py2.py3-none-any.whl"),
      cache: t.cache,
    });
    const [installed] = await installWheels([{ cached, requested: false }], {
      layout: t.layout,
    });
    const tree = snapshotTree(t.layout.prefix);
    const files = [...tree].filter(([path]) => !path.endsWith("/"));
    assert.deepEqual(files.map(([path]) => path).sort(), Object.keys(golden.files).sort());
    for (const [path, expected] of Object.entries(golden.files)) {
      const actual = tree.get(path)!;
      assert.equal(actual.executable, expected.executable, path);
      if (path.endsWith("/INSTALLER")) {
        assert.equal(actual.content, "puffin\n");
      } else if (path.endsWith("/RECORD")) {
        const ours = new Set(actual.content.trimEnd().split("\n"));
        const theirs = new Set(expected.content.trimEnd().split("\n"));
        const installerRow = (line: string) => line.startsWith("fancy-1.0.0.dist-info/INSTALLER,");
        assert.deepEqual(
          [...ours].filter((l) => !installerRow(l)).sort(),
          [...theirs].filter((l) => !installerRow(l)).sort(),
        );
        assert.ok(
          ours.has(`fancy-1.0.0.dist-info/INSTALLER,${recordHash(Buffer.from("puffin\n"))},7`),
        );
      } else {
        assert.equal(actual.content, expected.content, path);
      }
    }
    assert.equal(installed!.distInfo, join(t.layout.scheme.purelib, "fancy-1.0.0.dist-info"));
  });
});

interface PlanCase {
  test: string;
  wheel_files: Record<string, string>;
  operations: (
    | { op: "write_script"; name: string; module: string; attr: string; section: string }
    | {
        op: "write_file";
        scheme: string;
        path: string;
        is_executable: boolean;
        content: string | null;
      }
    | { op: "finalize_installation"; scheme: string; record_paths: [string, string][] }
  )[];
  error?: { message: string };
}

/** Builds the case's wheel with a correct RECORD (the captured one holds dummy hashes). */
function caseWheel(c: PlanCase, directory: string): string {
  const executable = new Set<string>();
  for (const op of c.operations) {
    if (op.op === "write_file" && op.is_executable) {
      executable.add(op.path);
    }
  }
  const entries: { name: string; data: string; mode?: number }[] = [];
  let recordName = "";
  let record = "";
  for (const [name, data] of Object.entries(c.wheel_files)) {
    if (name.endsWith(".dist-info/RECORD")) {
      recordName = name;
      continue;
    }
    const tail = name.split("/").slice(1).join("/");
    const isExec = executable.has(name) || executable.has(tail);
    entries.push(isExec ? { name, data, mode: 0o100755 } : { name, data });
    record += `${name},${recordHash(Buffer.from(data))},${Buffer.byteLength(data)}\n`;
  }
  entries.push({ name: recordName, data: `${record}${recordName},,\n` });
  const path = join(directory, "fancy-1.0.0-py3-none-any.whl");
  writeFileSync(path, writeZip(entries));
  return path;
}

describe("installer's install plans (pypa/installer tests/test_core.py)", () => {
  const plans = JSON.parse(readFileSync(join(corpora, "install_plans.json"), "utf8")) as {
    cases: PlanCase[];
  };
  for (const original of plans.cases) {
    test(original.test, async () => {
      let c = original;
      if (c.test === "test_handles_data_properly") {
        // installer's fake destination accepts both `scripts/fancy` (the console script) and
        // `scripts/fancy/scripts.py` (a .data file); a real filesystem cannot hold both, so the
        // wheel fails cleanly here, and its routing is checked without the entry points.
        const t = target("/my/python");
        const before = snapshotTree(t.layout.prefix);
        const cached = await unzipWheel({ wheel: caseWheel(c, t.root), cache: t.cache });
        await assert.rejects(
          installWheels([{ cached, requested: false }], { layout: t.layout }),
          (error: Error) => (error.cause as { code?: string }).code === "install-conflict",
        );
        assert.deepEqual(snapshotTree(t.layout.prefix), before);
        const { "fancy-1.0.0.dist-info/entry_points.txt": _, ...files } = c.wheel_files;
        c = {
          ...c,
          wheel_files: files,
          operations: c.operations
            .filter((op) => op.op !== "write_script")
            .filter((op) => op.op !== "write_file" || !op.path.endsWith("entry_points.txt"))
            .map((op) =>
              op.op === "finalize_installation"
                ? {
                    ...op,
                    record_paths: op.record_paths.filter(([scheme, path]) =>
                      scheme !== "scripts" || path.includes("/")
                        ? !path.endsWith("entry_points.txt")
                        : false,
                    ),
                  }
                : op,
            ),
        };
      }
      const t = target("/my/python");
      const wheel = caseWheel(c, t.root);
      const schemeDir = (scheme: string) =>
        scheme === "headers"
          ? join(t.layout.headers, "fancy")
          : t.layout.scheme[scheme as "purelib" | "platlib" | "scripts" | "data"];
      const before = snapshotTree(t.layout.prefix);
      const run = async () => {
        const cached = await unzipWheel({ wheel, cache: t.cache });
        return installWheels([{ cached, requested: false }], { layout: t.layout });
      };
      if (c.error !== undefined) {
        await assert.rejects(run, (error: Error) => {
          const expected = c.error!.message.includes("Wheel-Version")
            ? /Wheel-Version: 2\.0/
            : /fancy-1\.0\.0\.data\/invalid\/fancy\/invalid\.py is not in a valid \.data subdirectory/;
          assert.match((error.cause as Error).message, expected);
          return true;
        });
        assert.deepEqual(snapshotTree(t.layout.prefix), before, "nothing is left behind");
        return;
      }
      const [installed] = await run();
      const recordLines = new Set(
        readFileSync(join(installed!.distInfo, "RECORD"), "utf8").trimEnd().split("\n"),
      );
      const recordPaths = new Set([...recordLines].map((line) => line.split(",")[0]));
      for (const op of c.operations) {
        if (op.op === "write_script") {
          const script = join(t.layout.scheme.scripts, op.name);
          const text = readFileSync(script, "utf8");
          assert.ok(text.startsWith("#!/my/python\n"), op.name);
          assert.ok(text.includes(`from ${op.module} import ${op.attr.split(".")[0]}\n`));
          assert.ok((statSync(script).mode & 0o111) !== 0, `${op.name} is executable`);
        } else if (op.op === "write_file") {
          if (op.path.endsWith("/fun_file.txt")) continue; // installer's additional metadata
          const path = join(schemeDir(op.scheme), op.path);
          if (op.content !== null) assert.equal(readFileSync(path, "utf8"), op.content, op.path);
          // Like pip (and unlike installer), every `.data/scripts/` file is made executable.
          const executable = op.is_executable || op.scheme === "scripts";
          assert.equal((statSync(path).mode & 0o111) !== 0, executable, op.path);
        } else {
          const root = schemeDir(op.scheme);
          const expected = op.record_paths
            .filter(([, path]) => !path.endsWith("/fun_file.txt"))
            .map(([scheme, path]) => join(schemeDir(scheme), path).slice(0).replace(`${root}/`, ""))
            .map((path) => (path.startsWith("/") ? relativeTo(root, path) : path));
          assert.deepEqual(
            [...recordPaths].filter((p) => !p!.endsWith("/INSTALLER")).sort(),
            expected.sort(),
          );
        }
      }
      assert.equal(existsSync(join(t.layout.scheme.purelib, "__pycache__")), false);
      assert.equal(existsSync(join(t.layout.scheme.purelib, "fancy", "__pycache__")), false);
    });
  }
});

function relativeTo(root: string, path: string): string {
  const rootParts = root.split("/");
  const parts = path.split("/");
  let common = 0;
  while (common < rootParts.length && rootParts[common] === parts[common]) common++;
  return [...Array(rootParts.length - common).fill(".."), ...parts.slice(common)].join("/");
}

describe("installing", () => {
  test("REQUESTED and direct_url.json are written and listed", async () => {
    const t = target();
    const built = buildWheel({ name: "Foo.Bar", version: "1.0" });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({ wheel, cache: t.cache });
    const [installed] = await installWheels(
      [
        {
          cached,
          requested: true,
          directUrl: { kind: "archive", url: "https://user:pw@host/foo.whl", hashes: {} },
        },
      ],
      { layout: t.layout },
    );
    const distInfo = installed!.distInfo;
    assert.equal(readFileSync(join(distInfo, "REQUESTED"), "utf8"), "");
    assert.equal(
      readFileSync(join(distInfo, "direct_url.json"), "utf8"),
      '{"archive_info":{"hashes":{}},"url":"https://host/foo.whl"}',
    );
    const record = readFileSync(join(distInfo, "RECORD"), "utf8");
    assert.match(
      record,
      /^foo_bar-1\.0\.dist-info\/REQUESTED,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0$/m,
    );
    assert.match(record, /^foo_bar-1\.0\.dist-info\/direct_url\.json,sha256=/m);
    assert.match(record, /^foo_bar\/__init__\.py,sha256=.*,20$/m);
  });

  test("headers go to a directory named for the project; data scripts are made executable", async () => {
    const t = target("/env/bin/python");
    const built = buildWheel({
      name: "withdata",
      version: "2.0",
      rootIsPurelib: false,
      data: {
        headers: { "withdata.h": "#define X 1\n" },
        scripts: { "run-me": "#!python\nprint('hi')\n", "plain.sh": "echo\n" },
        data: { "share/doc/x.txt": "doc\n" },
        purelib: { "pure_part.py": "" },
      },
    });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({ wheel, cache: t.cache });
    await installWheels([{ cached, requested: false }], { layout: t.layout, linkMode: "copy" });
    const tree = snapshotTree(t.layout.prefix);
    assert.equal(tree.get("headers/withdata/withdata.h")?.content, "#define X 1\n");
    assert.deepEqual(tree.get("scripts/run-me"), {
      content: "#!/env/bin/python\nprint('hi')\n",
      executable: true,
    });
    assert.deepEqual(tree.get("scripts/plain.sh"), { content: "echo\n", executable: true });
    assert.equal(tree.get("data/share/doc/x.txt")?.content, "doc\n");
    assert.ok(tree.has("purelib/pure_part.py"));
    assert.ok(tree.has("platlib/withdata/__init__.py"), "Root-Is-Purelib: false → platlib");
    assert.ok(tree.has("platlib/withdata-2.0.dist-info/RECORD"));
    const record = tree.get("platlib/withdata-2.0.dist-info/RECORD")!.content;
    assert.match(record, /^\.\.\/headers\/withdata\/withdata\.h,/m);
    assert.match(record, /^\.\.\/scripts\/run-me,/m);
  });

  test("an executable data script without #!python is linked, not rewritten", async () => {
    const t = target("/env/bin/python");
    const binary = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0]);
    const built = buildWheel({
      name: "tool",
      version: "1.0",
      data: { scripts: { tool: binary, "tool-py": "#!python\nprint('hi')\n" } },
    });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({ wheel, cache: t.cache });
    await installWheels([{ cached, requested: false }], {
      layout: t.layout,
      linkMode: "hardlink",
    });
    const inode = (path: string) => statSync(path).ino;
    const source = (name: string) => join(cached.path, "tool-1.0.data", "scripts", name);
    const installed = (name: string) => join(t.layout.scheme.scripts, name);
    assert.equal(inode(installed("tool")), inode(source("tool")), "linked from the cache");
    assert.notEqual(inode(installed("tool-py")), inode(source("tool-py")), "rewritten copy");
    const tree = snapshotTree(t.layout.prefix);
    assert.equal(tree.get("scripts/tool")?.executable, true);
    assert.deepEqual(tree.get("scripts/tool-py"), {
      content: "#!/env/bin/python\nprint('hi')\n",
      executable: true,
    });
    const record = tree.get("purelib/tool-1.0.dist-info/RECORD")!.content;
    assert.ok(record.includes(`../scripts/tool,${recordHash(binary)},${binary.length}\n`));
  });

  for (const linkMode of ["clone", "hardlink", "copy"] as const) {
    test(`link mode ${linkMode} installs the same tree`, async () => {
      const t = target();
      const built = buildWheel({ name: "linked", version: "1.0" });
      const wheel = join(t.root, built.filename);
      writeFileSync(wheel, built.bytes);
      const cached = await unzipWheel({ wheel, cache: t.cache });
      await installWheels([{ cached, requested: false }], { layout: t.layout, linkMode });
      const installed = join(t.layout.scheme.purelib, "linked", "__init__.py");
      assert.equal(readFileSync(installed, "utf8"), '__version__ = "1.0"\n');
      const shared =
        statSync(installed).ino === statSync(join(cached.path, "linked", "__init__.py")).ino;
      // Clone falls back to hard links where the filesystem cannot clone (ext4, tmpfs).
      if (linkMode === "copy") assert.equal(shared, false);
      if (linkMode === "hardlink") assert.equal(shared, true);
    });
  }

  test("a failure part-way leaves the environment exactly as before, across wheels", async () => {
    const t = target();
    const good = buildWheel({ name: "good", version: "1.0" });
    const bad = buildWheel({
      name: "bad",
      version: "1.0",
      files: { "bad/__init__.py": "", "blocked/sub/module.py": "x = 1\n" },
    });
    // An existing file where the wheel needs a directory: creating `blocked/sub/` fails.
    mkdirSync(join(t.layout.scheme.purelib, "blocked"));
    writeFileSync(join(t.layout.scheme.purelib, "blocked", "sub"), "not a directory\n");
    // An existing file the good wheel overwrites: it must come back on rollback.
    mkdirSync(join(t.layout.scheme.purelib, "good"));
    writeFileSync(join(t.layout.scheme.purelib, "good", "__init__.py"), "old\n");
    const before = snapshotTree(t.layout.prefix);
    const wheels = [];
    for (const built of [good, bad]) {
      const wheel = join(t.root, built.filename);
      writeFileSync(wheel, built.bytes);
      wheels.push({ cached: await unzipWheel({ wheel, cache: t.cache }), requested: true });
    }
    await assert.rejects(installWheels(wheels, { layout: t.layout }), (error: Error) => {
      assert.equal((error as { code?: string }).code, "install-failed");
      assert.match(error.message, /^Failed to install `bad-1\.0-py3-none-any\.whl`$/);
      // The cause names the operation and the path, and keeps Node's error below it.
      const cause = error.cause as Error & { code?: string };
      assert.equal(cause.code, "path-collision");
      assert.match(
        cause.message,
        /^Failed to create the directory \S+\/blocked\/sub: .*\(EEXIST\)$/,
      );
      assert.equal((cause.cause as { code?: string }).code, "EEXIST");
      return true;
    });
    assert.deepEqual(snapshotTree(t.layout.prefix), before);
    assert.equal(existsSync(join(t.layout.prefix, ".lock")), false, "the lock is released");
  });

  test("reinstalling over an existing .dist-info replaces it", async () => {
    const t = target();
    const built = buildWheel({ name: "again", version: "1.0" });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({ wheel, cache: t.cache });
    await installWheels([{ cached, requested: true }], { layout: t.layout });
    await installWheels([{ cached, requested: false }], { layout: t.layout });
    const tree = snapshotTree(t.layout.prefix);
    assert.equal(tree.has("purelib/again-1.0.dist-info/REQUESTED"), false);
    assert.deepEqual(
      [...tree.keys()].filter((path) => path.includes(".puffin-tmp-")),
      [],
      "no backups or staging directories remain",
    );
  });
});
