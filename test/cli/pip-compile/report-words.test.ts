// The no-solution report in the user's words, end to end: a requirement from a file is quoted
// with its file and line, one from the command line as "you require", both as written (never
// the resolver's interval bounds), and two requirements that exclude each other by name.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { IndexServer } from "../../support/index-server.ts";
import { pyenvPythons } from "../../support/pyenv-pythons.ts";
import { runPuffin } from "../../support/run-puffin.ts";
import { testDirectory } from "../../support/temp-dir.ts";
import { buildWheel } from "../../support/wheel-builder.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const skip = python === undefined ? "no pyenv CPython 3.11 on this machine" : false;
const root = testDirectory("report-words");
const env = { PUFFIN_CACHE_DIR: join(root, "cache"), PATH: "/usr/bin:/bin" };

describe("no-solution reports in the user's words", { skip }, () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({
      files: [
        buildWheel({ name: "a", version: "1.0.0" }),
        buildWheel({ name: "a", version: "2.0.0" }),
        buildWheel({ name: "b", version: "1.0.0" }),
      ],
    });
  });
  after(() => server.close());

  const compile = (input: string) => {
    writeFileSync(join(root, "requirements.in"), input);
    return runPuffin(
      ["pip", "compile", "requirements.in", "--python", python!.executable, "-i", server.indexUrl],
      { cwd: root, env },
    );
  };

  test("a file's requirement is quoted with its file and line, as written", async () => {
    const run = await compile("b\na>2.0.0\n");
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /Because requirements\.in:2 requires a>2\.0\.0 and only a<=2\.0\.0 is available, we can conclude that your requirements are unsatisfiable\./,
    );
    assert.doesNotMatch(run.stderr, /post\*|\.dev0|post0/);
  });

  test("two requirements that exclude each other are both named", async () => {
    const run = await compile("a==1.0.0\na==2.0.0\n");
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /Because requirements\.in:1 requires a==1\.0\.0 and requirements\.in:2 requires a==2\.0\.0, we can conclude/,
    );
  });

  test("the command line's requirement is yours", async () => {
    const venv = await runPuffin(["venv", join(root, "venv"), "--python", python!.executable], {
      cwd: root,
      env,
    });
    assert.equal(venv.status, 0, venv.stderr);
    const run = await runPuffin(
      [
        "pip",
        "install",
        "a<=0.5",
        "--python",
        join(root, "venv", "bin", "python"),
        "-i",
        server.indexUrl,
      ],
      { cwd: root, env },
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Because you require a<=0\.5 and only a>=1\.0\.0 is available/);
  });
});
