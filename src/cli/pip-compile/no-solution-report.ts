/**
 * How `pip compile` prints a resolution without a solution, in uv's shape (miette's report):
 *
 *       × No solution found when resolving dependencies:
 *       ╰─▶ Because only a<2 is available and you require a>=2, we can conclude that your
 *           requirements are unsatisfiable.
 *
 *           hint: …
 *
 * (in a universal resolution's fork: `× No solution found when resolving dependencies for split
 * (markers: sys_platform == 'darwin'):`), rather than the CLI's usual `error: …` line; the exit status is 1 all the same.
 */
export function renderNoSolution(
  report: string,
  hints: readonly string[],
  heading = "No solution found when resolving dependencies:",
): string {
  const [first = "", ...rest] = report.split("\n");
  let text = `  × ${heading}\n`;
  text += `  ╰─▶ ${first}\n`;
  for (const line of rest) text += line === "" ? "\n" : `      ${line}\n`;
  for (const hint of hints) {
    text += `\n      hint: ${hint.replaceAll("\n", "\n      ")}\n`;
  }
  return text;
}
