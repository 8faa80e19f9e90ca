import { type Colors, createColors } from "../ansi-colors.ts";

/**
 * How `pip compile` prints a resolution without a solution, in uv's shape (miette's report):
 *
 *       × No solution found when resolving dependencies:
 *       ╰─▶ Because only a<2 is available and you require a>=2, we can conclude that your
 *           requirements are unsatisfiable.
 *
 *           hint: …
 *
 * The cross and the arrow are red and `hint` bold cyan where the printer uses colour (uv's
 * colours; `--color always` forces them).
 * (in a universal resolution's fork: `× No solution found when resolving dependencies for split
 * (markers: sys_platform == 'darwin'):`), rather than the CLI's usual `error: …` line; the exit status is 1 all the same.
 */
export function renderNoSolution(
  report: string,
  hints: readonly string[],
  heading = "No solution found when resolving dependencies:",
  colors: Colors = createColors(false),
): string {
  const { bold, red, cyan } = colors;
  const [first = "", ...rest] = report.split("\n");
  let text = `  ${bold(red("×"))} ${heading}\n`;
  text += `  ${red("╰─▶")} ${first}\n`;
  for (const line of rest) text += line === "" ? "\n" : `      ${line}\n`;
  for (const hint of hints) {
    text += `\n      ${bold(cyan("hint"))}: ${hint.replaceAll("\n", "\n      ")}\n`;
  }
  return text;
}
