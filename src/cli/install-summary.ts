import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import { redactCredentials } from "../support/index.ts";
import { formatElapsed } from "./elapsed.ts";
import type { Printer } from "./printer.ts";

/** `3 packages` / `1 package`. */
export function packages(count: number): string {
  return `${count} package${count === 1 ? "" : "s"}`;
}

/** The time since `startedMs` (a `performance.now()` reading), as uv prints durations. */
export function elapsed(startedMs: number): string {
  return formatElapsed(performance.now() - startedMs);
}

/** One line of the change list: a distribution removed (`-`) or added (`+`). */
export interface Change {
  readonly kind: "-" | "+";
  readonly name: PackageName;
  readonly version: Version;
  /** Printed instead of `==version` for a URL install (`name @ url`). */
  readonly url?: string | undefined;
}

/**
 * Prints ` - name==old` / ` + name==new` lines as uv does: sorted by name, a removal before the
 * addition that replaces it; removals in red, additions in green.
 */
export function printChanges(printer: Printer, changes: readonly Change[]): void {
  const { red, green, bold } = printer.colors;
  const sorted = [...changes].sort((a, b) =>
    a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : a.kind === b.kind
          ? a.version.compare(b.version)
          : a.kind === "-"
            ? -1
            : 1,
  );
  for (const change of sorted) {
    const label =
      change.url === undefined
        ? `${bold(change.name)}==${change.version.toString()}`
        : `${bold(change.name)} @ ${redactCredentials(change.url)}`;
    printer.info(` ${change.kind === "-" ? red("-") : green("+")} ${label}`);
  }
}
