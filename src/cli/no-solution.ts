import { ExitStatus, ExitWith } from "./exit-status.ts";
import type { Printer } from "./printer.ts";

/**
 * A failed resolution as uv reports it: the plain-English report (and its hints) printed, then
 * exit status 1. Any other error is passed on.
 */
export async function reportNoSolution(error: unknown, printer: Printer): Promise<never> {
  const { NoSolutionError, noSolutionHeading } = await import("../resolver/index.ts");
  if (!(error instanceof NoSolutionError)) throw error;
  const { renderNoSolution } = await import("./pip-compile/no-solution-report.ts");
  printer.raw(
    renderNoSolution(error.report, error.hints, noSolutionHeading(error.split), printer.colors),
  );
  throw new ExitWith(ExitStatus.Failure);
}
