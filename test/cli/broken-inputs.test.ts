// Inputs that are not what they claim, reported as what they are: a local wheel that is not a
// valid wheel is not "not found in the package registry", and an index page that answers 200
// with garbage is not an empty project ("no versions") but a page that says nothing usable.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { writeFakeVenv } from "../support/fake-venv.ts";
import { IndexServer } from "../support/index-server.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";
import { writeZip } from "../support/zip-writer.ts";

const root = testDirectory("broken-inputs");
const venv = writeFakeVenv(join(root, "venv"));
const env = { PUFFIN_CACHE_DIR: join(root, "cache"), PATH: "/usr/bin:/bin" };
const links = join(root, "links");

/** Exit 1, `first` as the first line of stderr, no stack trace, no "package registry". */
function assertFailure(run: { status: number; stderr: string }, first: string | RegExp): void {
  assert.equal(run.status, 1, run.stderr);
  const line = run.stderr.split("\n").find((l) => l.startsWith("error:")) ?? "";
  if (typeof first === "string") assert.equal(line, first, run.stderr);
  else assert.match(line, first, run.stderr);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
  assert.doesNotMatch(run.stderr, /not found in the package registry/);
}

describe("a local wheel that is not a valid wheel", () => {
  before(() => {
    mkdirSync(links);
    // A zip named like a wheel, without a .dist-info directory.
    writeFileSync(
      join(root, "hollow-1.0-py3-none-any.whl"),
      writeZip([{ name: "hollow/__init__.py", data: "" }]),
    );
    // Not a zip at all.
    writeFileSync(join(root, "garbage-1.0-py3-none-any.whl"), "garbage");
    // A real wheel under a name that is not a wheel's.
    writeFileSync(join(root, "renamed.whl"), buildWheel({ name: "renamed", version: "1.0" }).bytes);
  });

  const install = (requirement: string) =>
    runPuffin(
      ["pip", "install", requirement, "-p", venv.python, "--no-index", "--find-links", links],
      { cwd: root, env },
    );

  test("by path: says what is wrong with that file", async () => {
    const run = await install("./hollow-1.0-py3-none-any.whl");
    assertFailure(run, "error: `hollow @ ./hollow-1.0-py3-none-any.whl` is not a valid wheel");
    assert.match(
      run.stderr,
      /Caused by: .*hollow-1\.0-py3-none-any\.whl has no \.dist-info directory/,
    );
  });

  test("not a zip archive", async () => {
    const run = await install("./garbage-1.0-py3-none-any.whl");
    assertFailure(run, "error: `garbage @ ./garbage-1.0-py3-none-any.whl` is not a valid wheel");
    assert.match(run.stderr, /Caused by: .*is not a valid zip archive/);
  });

  test("by file:// URL, in a requirements file for pip compile", async () => {
    const url = pathToFileURL(join(root, "hollow-1.0-py3-none-any.whl")).href;
    writeFileSync(join(root, "url.in"), `hollow @ ${url}\n`);
    const run = await runPuffin(
      ["pip", "compile", "url.in", "-p", venv.python, "--no-index", "--find-links", links],
      { cwd: root, env },
    );
    assertFailure(run, `error: \`hollow @ ${url}\` is not a valid wheel`);
  });

  test("a .whl file whose name is not a wheel's", async () => {
    const run = await install("./renamed.whl");
    assertFailure(
      run,
      "error: `./renamed.whl` is not a valid wheel: `renamed.whl` is not a wheel's filename",
    );
    assert.match(run.stderr, /^hint: A wheel is named /m);
  });

  test("a wheel for another platform reads as such, not as missing from the registry", async () => {
    const other = buildWheel({ name: "native", version: "1.0", tags: "cp27-cp27mu-win32" });
    writeFileSync(join(root, other.filename), other.bytes);
    const run = await install(`./${other.filename}`);
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /native is given as the wheel \.\/native-1\.0-cp27-cp27mu-win32\.whl, which is not compatible with cp312-/,
    );
    assert.doesNotMatch(run.stderr, /not found in the package registry/);
  });
});

describe("an index page that answers 200 with garbage", () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({ files: [buildWheel({ name: "wanted", version: "1.0" })] });
    writeFileSync(join(root, "wanted.in"), "wanted\n");
  });
  after(() => server.close());

  const compile = (indexUrl: string, extra: string[] = []) =>
    runPuffin(["pip", "compile", "wanted.in", "-p", venv.python, "-i", indexUrl, ...extra], {
      cwd: root,
      env: { ...env, PUFFIN_CACHE_DIR: join(root, `cache-${Math.random()}`) },
    });
  const page = () => `${server.indexUrl}wanted/`;

  for (const contentType of [
    "application/vnd.pypi.simple.v1+json",
    "application/json",
    "application/vnd.pypi.simple.latest+json",
  ]) {
    test(`${contentType} that is not JSON: an error naming the page`, async () => {
      server.clearFaults();
      server.addFault({ path: "/simple/wanted/", kind: "body", contentType, body: "<oops" });
      const run = await compile(server.indexUrl);
      assertFailure(
        run,
        `error: Invalid simple API JSON from ${page()}: the response is not valid JSON (it starts with "<oops")`,
      );
    });
  }

  test("text that is neither HTML nor JSON: not a simple-API page, credentials redacted", async () => {
    server.clearFaults();
    server.addFault({
      path: "/simple/wanted/",
      kind: "body",
      contentType: "text/html",
      body: "Service temporarily unavailable, try again later\n",
    });
    const withCredentials = server.indexUrl.replace("http://", "http://user:s3cret@");
    const run = await compile(withCredentials);
    assertFailure(
      run,
      /^error: The index page http:\/\/(\S+@)?127\.0\.0\.1:\d+\/simple\/wanted\/ is not a simple-API page: it is neither HTML nor PEP 691 JSON$/,
    );
    assert.ok(!run.stderr.includes("s3cret"), run.stderr);
  });

  test("an HTML page without links: the hint and -v name the page that listed no files", async () => {
    server.clearFaults();
    server.addFault({
      path: "/simple/wanted/",
      kind: "body",
      contentType: "text/html",
      body: "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>",
    });
    const run = await compile(server.indexUrl, ["-v"]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /there are no versions of wanted/);
    assert.match(
      run.stderr,
      new RegExp(
        `hint: The index page ${page()} was read but lists no files for \`wanted\` \\(an empty project, or not a simple-API page\\)`,
      ),
    );
    assert.match(
      run.stderr,
      new RegExp(`DEBUG The index page ${page()} lists no files for wanted`),
    );
  });

  test("a PEP 691 document served as text/html is read as JSON", async () => {
    server.clearFaults();
    const wheel = buildWheel({ name: "wanted", version: "1.0" });
    server.addFault({
      path: "/simple/wanted/",
      kind: "body",
      contentType: "text/html",
      body: JSON.stringify({
        meta: { "api-version": "1.0" },
        name: "wanted",
        files: [{ filename: wheel.filename, url: `../../files/${wheel.filename}`, hashes: {} }],
      }),
    });
    const run = await compile(server.indexUrl, ["--no-header"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^wanted==1\.0$/m);
  });
});
