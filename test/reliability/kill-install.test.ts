// A process killed at any instant leaves an environment the next run repairs: `pip sync` of the
// built bin is SIGKILLed after a random delay while it upgrades, downgrades, reinstalls, or
// replaces one set of distributions with another; the next `pip sync` must succeed and leave
// exactly the target set, every file matching its RECORD, nothing else and nothing half-made.
// Two syncs of one environment at once serialize: each finishes, and the environment is exactly
// one of their targets.
//
// `npm test` runs a few rounds; `npm run test:reliability` runs PUFFIN_RELIABILITY_ROUNDS of them
// (the figures in RELIABILITY.md). The delays are drawn from a seeded generator printed with the
// results, so a failing round can be replayed (PUFFIN_RELIABILITY_SEED).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { BIN, NOT_BUILT } from "../support/built-package.ts";
import { environmentProblems } from "../support/environment-state.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { generator, reportFigures, rounds, SEED } from "../support/reliability.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = NOT_BUILT || (python === undefined ? "no pyenv Python 3.8+ on this machine" : false);
const ROUNDS = rounds(6);

/** Packages in each set, and files in each package: enough that an install takes a while. */
const PACKAGES = 16;
const FILES = 120;

const root = testDirectory("reliability-kill");
const links = join(root, "wheels");

function set(range: [number, number], version: string): string[] {
  const pins: string[] = [];
  for (let i = range[0]; i < range[1]; i++) pins.push(`pkg${i}==${version}`);
  return pins;
}

/** The states an environment moves between. */
const STATES = {
  A: set([0, PACKAGES], "1.0"),
  B: set([0, PACKAGES], "2.0"),
  C: set([PACKAGES / 2, PACKAGES + PACKAGES / 2], "1.0"),
};
type State = keyof typeof STATES;

/** Transitions: upgrade, downgrade, reinstall in place, and a half-different set (removals). */
const TRANSITIONS: { from: State; to: State; args: string[]; what: string }[] = [
  { from: "A", to: "B", args: [], what: "upgrade" },
  { from: "B", to: "A", args: [], what: "downgrade" },
  { from: "A", to: "A", args: ["--reinstall"], what: "reinstall" },
  { from: "A", to: "C", args: [], what: "replace half" },
  { from: "C", to: "B", args: [], what: "replace and upgrade" },
];

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  elapsedMs: number;
}

/** Runs the built bin; with `killAfterMs`, SIGKILLs it then (if it is still running). */
function puffin(args: readonly string[], killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(BIN, ["--cache-dir", join(root, "cache"), ...args], {
      env: { PATH: process.env["PATH"], HOME: root },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ status, signal, stderr, elapsedMs: performance.now() - started });
    });
  });
}

describe("SIGKILL at random instants of pip sync", { skip }, () => {
  let venvs: RealVenvs;
  const files: Record<State, string> = { A: "", B: "", C: "" };

  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    mkdirSync(links);
    for (let i = 0; i < PACKAGES + PACKAGES / 2; i++) {
      for (const version of ["1.0", "2.0"]) {
        const contents: Record<string, string> = {};
        for (let f = 0; f < FILES; f++) {
          contents[`pkg${i}/m${f}.py`] =
            `VERSION = "${version}"\nDATA = ${JSON.stringify("x".repeat(200 + f))}\n`;
        }
        const wheel = buildWheel({ name: `pkg${i}`, version, files: contents });
        writeFileSync(join(links, wheel.filename), wheel.bytes);
      }
    }
    for (const state of Object.keys(STATES) as State[]) {
      files[state] = join(root, `${state}.txt`);
      writeFileSync(files[state], `${STATES[state].join("\n")}\n`);
    }
  });

  async function sync(py: string, state: State, args: string[] = [], killAfterMs?: number) {
    return puffin(
      ["pip", "sync", files[state], "--no-index", "-f", links, "--python", py, ...args],
      killAfterMs,
    );
  }

  async function assertState(py: string, state: State, context: string) {
    const interpreter = await venvs.probe(py);
    const problems = environmentProblems(
      interpreter.info.prefix,
      interpreter.info.scheme.purelib,
      STATES[state],
    );
    assert.deepEqual(problems, [], `${context} (seed ${SEED})`);
  }

  test(`${ROUNDS} kills, each followed by a run that converges`, async (t) => {
    const random = generator(SEED);
    const py = await venvs.create("killed");
    let killed = 0;
    let finished = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const transition = TRANSITIONS[round % TRANSITIONS.length]!;
      const setup = await sync(py, transition.from);
      assert.equal(setup.status, 0, setup.stderr);
      await assertState(py, transition.from, `round ${round}: the setup`);
      // How long the uninterrupted change takes, measured once per transition on a copy: the
      // kill lands anywhere from the process's start to its end.
      const probe = await venvs.create(`probe-${round}`);
      await sync(probe, transition.from);
      const measured = await sync(probe, transition.to, transition.args);
      const delay = Math.floor(random() * measured.elapsedMs);
      const run = await sync(py, transition.to, transition.args, delay);
      if (run.signal === "SIGKILL") killed++;
      else finished++;
      const rerun = await sync(py, transition.to, transition.args);
      assert.equal(
        rerun.status,
        0,
        `round ${round} (${transition.what}, killed at ${delay} ms): ${rerun.stderr}`,
      );
      await assertState(
        py,
        transition.to,
        `round ${round}: ${transition.what}, killed at ${delay} ms`,
      );
    }
    reportFigures(t, import.meta.filename, {
      rounds: ROUNDS,
      "killed mid-run": killed,
      "finished before the kill": finished,
      converged: ROUNDS,
      seed: SEED,
    });
  });

  test("two syncs of one environment at once serialize: it ends as exactly one target", async () => {
    const py = await venvs.create("concurrent");
    const setup = await sync(py, "C");
    assert.equal(setup.status, 0, setup.stderr);
    const [first, second] = await Promise.all([sync(py, "A"), sync(py, "B")]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(second.status, 0, second.stderr);
    const interpreter = await venvs.probe(py);
    const { prefix, scheme } = interpreter.info;
    const asA = environmentProblems(prefix, scheme.purelib, STATES.A);
    const asB = environmentProblems(prefix, scheme.purelib, STATES.B);
    assert.ok(asA.length === 0 || asB.length === 0, `neither A nor B:\n${asA.join("\n")}`);
  });
});
