// A name from outside is never a path: hostile file names arriving through every entry point
// (an HTML link with `%2F`, a PEP 691 `filename`, a direct URL, a find-links page, a find-links
// directory) are refused with an `error:` that names where they came from, and nothing is ever
// written outside the cache and the environment.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { reportFigures } from "../support/reliability.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("reliability-names");
const cacheDir = join(root, "cache");
const env = { PATH: "/usr/bin:/bin" };

/** Where a traversal would land: an absolute directory reached through enough `..`. */
const escapeDir = join(root, "escaped");
const climb = "../".repeat(24);
const wheel = buildWheel({ name: "evil", version: "1.0" });

/**
 * Wheel filenames that a parser following only the filename rules of the wheel spec accepts
 * (the build tag is free-form), each of which is a path.
 */
const HOSTILE = [
  `evil-1.0-1/${climb}${escapeDir.slice(1)}/x-py3-none-any.whl`,
  `evil-1.0-1\\..\\..\\x-py3-none-any.whl`,
  "evil-1.0-1\n-py3-none-any.whl",
  `evil-1.0-1${"a".repeat(300)}-py3-none-any.whl`,
];

/** A hand-written hostile index: `/simple/evil/` (HTML or JSON), `/links/`, `/files/…`. */
let server: Server;
let base: string;
let mode: { name: string; format: "html" | "json" } = { name: HOSTILE[0]!, format: "html" };

function page(): { type: string; body: string } {
  const href = `/files/${encodeURIComponent(mode.name)}`;
  if (mode.format === "json") {
    return {
      type: "application/vnd.pypi.simple.v1+json",
      body: JSON.stringify({
        meta: { "api-version": "1.1" },
        name: "evil",
        files: [{ filename: mode.name, url: "/files/evil.whl", hashes: {} }],
      }),
    };
  }
  return { type: "text/html", body: `<html><body><a href="${href}">x</a></body></html>` };
}

let venvs: RealVenvs;

/** Every run of the file, and those that failed with an `error:` (exit 1). */
const tally = { tried: 0, refused: 0 };

/** Checks what every run must hold: no stack trace, nothing written at the escape target. */
function checked(run: { status: number; stderr: string }) {
  tally.tried++;
  if (run.status === 1 && /^error: /m.test(run.stderr)) tally.refused++;
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
  assert.ok(!existsSync(escapeDir), `nothing may be written at ${escapeDir}`);
  return run;
}

async function puffin(args: readonly string[]) {
  return checked(await runPuffin(["--cache-dir", cacheDir, ...args], { env, cwd: root }));
}

describe("hostile file names are refused at every entry point", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = createServer((request, response) => {
      const path = request.url ?? "/";
      if (path.startsWith("/simple/evil/") || path.startsWith("/links/")) {
        const { type, body } = page();
        response.writeHead(200, { "content-type": type });
        response.end(body);
      } else if (path.startsWith("/files/")) {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.end(wheel.bytes);
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("an index page's link, HTML and JSON, for install and compile", async () => {
    const py = await venvs.create("index");
    let tried = 0;
    for (const name of HOSTILE) {
      for (const format of ["html", "json"] as const) {
        mode = { name, format };
        for (const command of [
          ["pip", "install", "evil", "--python", py, "--refresh"],
          ["pip", "compile", "-", "--python", py, "--refresh"],
        ]) {
          const run = await runPuffinWithStdin(command, "evil\n");
          tried++;
          assert.equal(run.status, 1, `${format} ${JSON.stringify(name)}:\n${run.stderr}`);
          assert.match(run.stderr, /^error: /m);
          assert.match(
            run.stderr,
            /Refusing the file name .* listed by (files\[0\]\.filename of )?http:\/\/127\.0\.0\.1:\d+\/simple\/evil\//,
          );
        }
      }
    }
    assert.equal(tried, HOSTILE.length * 4);
  });

  test("a direct URL whose last segment decodes to a path", async () => {
    const py = await venvs.create("direct");
    for (const name of HOSTILE) {
      const url = `${base}/files/${encodeURIComponent(name)}`;
      const run = await puffin(["pip", "install", `evil @ ${url}`, "--python", py]);
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        run.stderr,
        /Refusing the file name .* of the URL http:\/\/127\.0\.0\.1:\d+\/files\/evil-1\.0-1/,
      );
    }
  });

  test("a find-links page and a find-links directory", async () => {
    const py = await venvs.create("links");
    mode = { name: HOSTILE[0]!, format: "html" };
    const page = await puffin([
      "pip",
      "install",
      "evil",
      "--no-index",
      "-f",
      `${base}/links/`,
      "--python",
      py,
    ]);
    assert.equal(page.status, 1, page.stderr);
    assert.match(
      page.stderr,
      /Refusing the file name .* listed by http:\/\/127\.0\.0\.1:\d+\/links\//,
    );

    const directory = join(root, "wheelhouse");
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, HOSTILE[2]!), wheel.bytes);
    const local = await puffin([
      "pip",
      "install",
      "evil",
      "--no-index",
      "-f",
      directory,
      "--python",
      py,
    ]);
    assert.equal(local.status, 1, local.stderr);
    assert.match(local.stderr, /Refusing the file name .* listed by the directory .*wheelhouse/);
  });

  test("every hostile name was refused and nothing was written outside", (t) => {
    assert.ok(tally.tried > 0);
    assert.equal(tally.refused, tally.tried);
    reportFigures(t, import.meta.filename, { ...tally, "files written outside": 0 });
  });
});

async function runPuffinWithStdin(args: readonly string[], stdin: string) {
  return checked(
    await runPuffin(
      ["--cache-dir", cacheDir, ...args.slice(0, 2), "-i", `${base}/simple/`, ...args.slice(2)],
      { env, cwd: root, stdin },
    ),
  );
}
