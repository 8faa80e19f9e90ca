import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Interpreter } from "../interpreter/index.ts";
import { PuffinError } from "../support/index.ts";
import type { InstalledWheel } from "./install-wheel.ts";

/**
 * `--compile-bytecode`: the installed `.py` files of purelib/platlib compiled by the target
 * Python (`-m compileall`, as pip and uv do), split across one process per core. Files that do
 * not compile (Python 2 test fixtures in some wheels) are skipped, as pip skips them. Returns
 * how many files were compiled.
 */
export async function compileBytecode(
  interpreter: Interpreter,
  installed: readonly InstalledWheel[],
): Promise<number> {
  const { purelib, platlib } = interpreter.info.scheme;
  const roots = [purelib, platlib];
  const files: string[] = [];
  for (const wheel of installed) {
    const base = dirname(wheel.distInfo);
    for (const row of wheel.record) {
      if (!row.path.endsWith(".py")) continue;
      const path = join(base, row.path);
      if (roots.some((root) => !relative(root, path).startsWith(".."))) files.push(path);
    }
  }
  const workers = Math.max(1, Math.min(availableParallelism(), Math.ceil(files.length / 64)));
  const chunks = Array.from({ length: workers }, (_, i) =>
    files.filter((_, j) => j % workers === i),
  );
  await Promise.all(chunks.map((chunk) => runCompileall(interpreter.executable, chunk)));
  return files.length;
}

function runCompileall(python: string, files: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ["-m", "compileall", "-qq", "-i", "-"], {
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) =>
      reject(
        new PuffinError("compile-failed", `Failed to run ${python} -m compileall`, {
          cause: error,
        }),
      ),
    );
    child.on("close", (code) => {
      // compileall exits 1 when a file does not compile; only other failures are errors.
      if (code === 0 || code === 1) resolve();
      else
        reject(
          new PuffinError(
            "compile-failed",
            `${python} -m compileall exited with ${code}: ${stderr.trim()}`,
          ),
        );
    });
    child.stdin.end(files.map((file) => `${file}\n`).join(""));
  });
}
