import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The size of the padding a `write` contender puts in each document. */
export const WRITE_PADDING = 200_000;

const SCRIPT = fileURLToPath(new URL("./cache-contender.ts", import.meta.url));

/** Starts `test/support/cache-contender.ts` in a child process (see its doc for the modes). */
export function startContender(
  mode: "write" | "publish" | "lock" | "hold",
  path: string,
  iterations: number,
  id: string,
): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", SCRIPT, mode, path, String(iterations), id],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<string>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`contender ${id} exited with ${code ?? signal}: ${stderr}`));
    });
  });
  return { child, done };
}

/** The pid of a process that has exited (so no process has it, barring reuse). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("close", resolve));
  return child.pid!;
}
