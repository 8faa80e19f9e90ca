import type { OperationReporter } from "../operations/index.ts";
import { formatElapsed } from "./elapsed.ts";
import { packages } from "./install-summary.ts";
import type { Printer } from "./printer.ts";

/**
 * The CLI's `OperationReporter`: the step summaries uv prints (`Resolved N packages in T`,
 * `Prepared N packages in T`) as the steps end. `steps: false` prints none (`venv --seed`).
 */
export function stepReporter(
  printer: Printer,
  options: { readonly steps: boolean },
): OperationReporter {
  if (!options.steps) return {};
  return {
    onResolved: (count, elapsedMs) =>
      printer.info(`Resolved ${packages(count)} in ${formatElapsed(elapsedMs)}`),
    onPrepareEnd: (count, elapsedMs) =>
      printer.info(`Prepared ${packages(count)} in ${formatElapsed(elapsedMs)}`),
  };
}
