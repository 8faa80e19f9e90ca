import type { ResolutionWarning } from "../operations/index.ts";
import type { Printer } from "./printer.ts";

/**
 * What a resolution warns of, in uv's words, as `warning: …` lines (hidden by `-q`):
 * `` `a==1.0.0` is yanked (reason: "…") ``, `` The package `a==1.0.0` does not have an extra
 * named `x` ``, and an `--upgrade-package` that matched nothing.
 */
export function printResolutionWarnings(
  printer: Printer,
  warnings: readonly ResolutionWarning[],
): void {
  for (const warning of warnings) printer.log("warn", warningMessage(warning));
}

export function warningMessage(warning: ResolutionWarning): string {
  switch (warning.kind) {
    case "yanked":
      return warning.reason === undefined
        ? `\`${warning.name}==${warning.version}\` is yanked`
        : `\`${warning.name}==${warning.version}\` is yanked (reason: ${JSON.stringify(warning.reason)})`;
    case "missing-extra":
      return `The package \`${warning.name}==${warning.version}\` does not have an extra named \`${warning.extra}\``;
    case "unmatched-upgrade-package":
      return `\`--upgrade-package ${warning.name}\` matches no package in the resolution, so nothing was upgraded for it`;
  }
}
