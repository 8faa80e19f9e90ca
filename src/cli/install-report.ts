import {
  directUrlOf,
  type InstalledDist,
  planRemovals,
  type ResolvedDist,
} from "../distribution-types/index.ts";
import type { EnvironmentDiagnostic, InstallOutcome } from "../installer/index.ts";
import { formatElapsed } from "./elapsed.ts";
import { type Change, elapsed, packages, printChanges } from "./install-summary.ts";
import type { Printer } from "./printer.ts";

/**
 * What an install did, in uv's words: `Would …` for a dry run, `Audited N packages in T` when
 * nothing changed, else `Uninstalled …` / `Installed …` with their times, the ` - ` / ` + `
 * lines, and `Bytecode compiled …`. `steps: false` prints only the change lines (`venv --seed`).
 */
export function printInstallOutcome(
  printer: Printer,
  outcome: InstallOutcome,
  options: { readonly started: number; readonly steps: boolean },
): void {
  const step = (line: string) => {
    if (options.steps) printer.info(line);
  };
  const { plan } = outcome;
  const removals = planRemovals(plan);
  const additions = [...plan.cached.map((c) => c.resolved), ...plan.remote];
  const changes: Change[] = [
    ...removals.map(
      (dist): Change => ({
        kind: "-",
        name: dist.name,
        version: dist.version,
        url: installedUrl(dist),
      }),
    ),
    ...additions.map(
      (resolved): Change => ({
        kind: "+",
        name: resolved.dist.name,
        version: resolved.version,
        url: resolvedUrl(resolved),
      }),
    ),
  ];
  switch (outcome.kind) {
    case "dry-run":
      if (removals.length === 0 && additions.length === 0) {
        printer.info("Would make no changes");
        return;
      }
      if (plan.remote.length > 0) printer.info(`Would download ${packages(plan.remote.length)}`);
      if (removals.length > 0) printer.info(`Would uninstall ${packages(removals.length)}`);
      if (additions.length > 0) printer.info(`Would install ${packages(additions.length)}`);
      printChanges(printer, changes);
      return;
    case "audited":
      step(`Audited ${packages(outcome.resolution.size)} in ${elapsed(options.started)}`);
      return;
    case "changed": {
      const { timings } = outcome;
      if (timings.uninstall !== undefined) {
        step(`Uninstalled ${packages(removals.length)} in ${formatElapsed(timings.uninstall)}`);
      }
      if (timings.install !== undefined) {
        step(`Installed ${packages(additions.length)} in ${formatElapsed(timings.install)}`);
      }
      printChanges(printer, changes);
      if (outcome.compiled !== undefined) {
        const { files, elapsedMs } = outcome.compiled;
        printer.info(
          `Bytecode compiled ${files} file${files === 1 ? "" : "s"} in ${formatElapsed(elapsedMs)}`,
        );
      }
    }
  }
}

/** `--strict`: what `pip check` says about the environment, as warnings. */
export function printDiagnostics(
  printer: Printer,
  diagnostics: readonly EnvironmentDiagnostic[] | undefined,
): void {
  for (const diagnostic of diagnostics ?? []) {
    switch (diagnostic.kind) {
      case "missing":
        printer.log(
          "warn",
          `The package \`${diagnostic.dist.name}\` requires \`${diagnostic.requirement.toString()}\`, but it's not installed`,
        );
        break;
      case "incompatible":
        printer.log(
          "warn",
          `The package \`${diagnostic.dist.name}\` requires \`${diagnostic.requirement.toString()}\`, but \`${diagnostic.installed.toString()}\` is installed`,
        );
        break;
      case "duplicate":
        printer.log(
          "warn",
          `The package \`${diagnostic.name}\` has multiple installed distributions`,
        );
        break;
    }
  }
}

/** The URL a ` + ` line shows (`name @ URL`) for a distribution not from the registry. */
function resolvedUrl(resolved: ResolvedDist): string | undefined {
  return directUrlOf(resolved.dist)?.url;
}

function installedUrl(dist: InstalledDist): string | undefined {
  return dist.directUrl === undefined || dist.directUrl.kind !== "archive"
    ? undefined
    : dist.directUrl.url;
}
