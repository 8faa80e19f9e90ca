// Progress a user can see: on a terminal, a live area (a spinner while resolving, `Preparing
// packages... (n/N)` with byte bars for large downloads) drawn below the summary lines and
// cleared when done; anywhere else, the summary lines only. The unit tests drive the reporter
// with events; the end-to-end one runs a cold install of the built bin (from a find-links
// directory) under a pseudo-terminal (`script`), and again without one.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { Printer } from "../../src/cli/printer.ts";
import { progressReporter } from "../../src/cli/progress.ts";
import type { Dist } from "../../src/distribution-types/index.ts";
import { WheelFilename } from "../../src/filenames/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { VerbatimUrl } from "../../src/pep508/index.ts";
import { BIN, NOT_BUILT } from "../support/built-package.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

/** Up one line and erase it: how a frame is taken back. */
const ERASE = "\u001b[1A\u001b[2K";
const ESCAPE = "\u001b[";

function terminal() {
  let text = "";
  const printer = new Printer(
    { stdout: { write: () => true }, stderr: { write: (chunk: string) => (text += chunk) } },
    0,
    false,
    true,
  );
  return { printer, text: () => text };
}

const big: Dist = {
  kind: "url-wheel",
  name: PackageName.parse("big"),
  url: VerbatimUrl.parse("https://example.com/big-1.0-py3-none-any.whl"),
  filename: WheelFilename.parse("big-1.0-py3-none-any.whl"),
};

describe("the progress reporter", () => {
  test("on a terminal: frames below the summary lines, cleared at the end", () => {
    const { printer, text } = terminal();
    const reporter = progressReporter(printer, { steps: true });
    reporter.onResolveStart?.();
    assert.match(text(), /Resolving dependencies\.\.\./);
    reporter.onResolved?.(3, 12);
    assert.match(text(), /Resolved 3 packages in 12ms\n$/);
    reporter.onPlan?.({
      cached: [],
      remote: [{} as never, {} as never],
      reinstalls: [],
      extraneous: [],
      unchanged: [],
    });
    assert.match(text(), /Preparing packages\.\.\. \(0\/2\)\n$/);
    reporter.onDownloadStart?.(big, 4 * 1024 * 1024);
    reporter.onDownloadProgress?.(big, 2 * 1024 * 1024);
    reporter.onPrepared?.({} as never, {} as never);
    // A message meanwhile is written above the live area, which is drawn again below it.
    printer.info("warning-like line");
    assert.match(
      text(),
      /warning-like line\n.*Preparing packages\.\.\. \(1\/2\)\n.*big==1\.0 .*2\.0 MiB\/4\.0 MiB\n$/,
    );
    reporter.onDownloadEnd?.(big);
    reporter.onPrepareEnd?.(2, 1500);
    reporter.finish();
    // The summary line replaces the frame; nothing is left below it.
    assert.ok(text().endsWith(`${ERASE}\rPrepared 2 packages in 1.50s\n`), text());
    // Every frame is erased before the next thing is written: up one line, erase it.
    assert.ok(text().includes(ERASE));
  });

  test("not on a terminal: the summary lines only", () => {
    let text = "";
    const printer = new Printer(
      { stdout: { write: () => true }, stderr: { write: (chunk: string) => (text += chunk) } },
      0,
      false,
      false,
    );
    const reporter = progressReporter(printer, { steps: true });
    reporter.onResolveStart?.();
    reporter.onResolved?.(3, 12);
    reporter.onDownloadStart?.(big, 4 * 1024 * 1024);
    reporter.onPrepareEnd?.(1, 20);
    reporter.finish();
    assert.equal(text, "Resolved 3 packages in 12ms\nPrepared 1 package in 20ms\n");
  });
});

const python = newestPyenvPython();
const script = spawnSync("script", ["--version"]).status === 0;
const skip =
  NOT_BUILT ||
  (python === undefined ? "no pyenv Python 3.8+ on this machine" : false) ||
  (script ? false : "no `script` command to run a pseudo-terminal");

/** `args` as one POSIX shell string, each quoted. */
const shellQuoted = (args: readonly string[]) =>
  args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");

/** Runs `command` under a pseudo-terminal (`script`); its output is the terminal's. */
function underTerminal(
  command: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout }));
  });
}

describe("a cold install, with and without a terminal", { skip }, () => {
  const root = testDirectory("progress");
  let venvs: RealVenvs;
  const links = join(root, "wheels");
  const wheels = [
    buildWheel({
      name: "heavy",
      version: "1.0",
      files: {
        "heavy/data.bin": Uint8Array.from({ length: 3 * 1024 * 1024 }, () => Math.random() * 256),
      },
    }),
    buildWheel({ name: "light", version: "1.0", requiresDist: ["heavy"] }),
  ];

  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    mkdirSync(links);
    for (const wheel of wheels) writeFileSync(join(links, wheel.filename), wheel.bytes);
  });

  test("under a pseudo-terminal the frames appear and are cleared; without one, none", async () => {
    /** `pip install light` from the find-links directory, into a venv of its own. */
    const installArgs = async (name: string) => [
      "--cache-dir",
      join(root, `cache-${name}`),
      ...["pip", "install", "light", "--no-index", "-f", links],
      ...["--python", await venvs.create(name)],
    ];
    const tty = await underTerminal(`node ${shellQuoted([BIN, ...(await installArgs("tty"))])}`, {
      PATH: process.env["PATH"],
      HOME: root,
    });
    assert.equal(tty.status, 0, tty.stdout);
    assert.match(tty.stdout, /Resolving dependencies\.\.\./);
    assert.match(tty.stdout, /Preparing packages\.\.\. \(\d\/2\)/);
    assert.ok(tty.stdout.includes(ERASE), tty.stdout);
    assert.match(tty.stdout, /Installed 2 packages in/);

    const plain = await runPuffin(await installArgs("plain"), {
      env: { PATH: "/usr/bin:/bin" },
    });
    assert.equal(plain.status, 0, plain.stderr);
    assert.doesNotMatch(plain.stderr, /Preparing packages\.\.\.|Resolving dependencies/);
    assert.ok(!plain.stderr.includes(ESCAPE));
    assert.match(
      plain.stderr,
      /^Resolved 2 packages in .+\nPrepared 2 packages in .+\nInstalled 2 packages in .+\n/,
    );

    // --no-progress on a terminal: the summary lines only.
    const quiet = await underTerminal(
      `node ${shellQuoted([BIN, "--no-progress", ...(await installArgs("no-progress"))])}`,
      { PATH: process.env["PATH"], HOME: root },
    );
    assert.equal(quiet.status, 0, quiet.stdout);
    assert.ok(!quiet.stdout.includes(ERASE), quiet.stdout);
    assert.match(quiet.stdout, /Installed 2 packages in/);
    assert.doesNotMatch(quiet.stdout, /Resolving dependencies\.\.\./);
  });
});
