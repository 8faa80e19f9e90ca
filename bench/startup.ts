// Startup time of the bundled CLI, next to pip's, measured in the same run.
//   npm run build && node --import tsx bench/startup.ts [runs]
// Reports medians and the ratio; absolute figures vary with the machine, ratios much less.
import { existsSync } from "node:fs";
import { medianCommandMs } from "./measure.ts";

const runs = Number(process.argv[2] ?? 21);
const bin = new URL("../dist/puffin.js", import.meta.url).pathname;
if (!existsSync(bin)) {
  console.error("dist/puffin.js not found: run `npm run build` first");
  process.exit(1);
}

const medianMs = (command: string, args: string[]) => medianCommandMs(command, args, { runs });

const puffin = medianMs(process.execPath, [bin, "--version"]);
const pip = medianMs("python3", ["-m", "pip", "--version"]);
const node = medianMs(process.execPath, ["-e", ""]);
const rows: [string, number | undefined][] = [
  ["node -e '' (the floor)", node],
  ["puffin --version", puffin],
  ["python3 -m pip --version", pip],
];
console.log(`median of ${runs} runs`);
for (const [name, ms] of rows) {
  console.log(`${name.padEnd(28)} ${ms === undefined ? "unavailable" : `${ms.toFixed(1)} ms`}`);
}
if (puffin !== undefined && pip !== undefined) {
  console.log(`pip / puffin: ${(pip / puffin).toFixed(1)}x`);
}
