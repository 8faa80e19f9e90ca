/**
 * The terminal color policy, as uv and most CLIs apply it:
 * `--color always|never` wins; with `auto` (the default) `NO_COLOR` (any non-empty value,
 * https://no-color.org) turns color off, `FORCE_COLOR` (non-empty, not "0") turns it on, and
 * otherwise color follows whether the stream is a terminal.
 */
export type ColorChoice = "auto" | "always" | "never";

export const COLOR_CHOICES: readonly ColorChoice[] = ["auto", "always", "never"];

export function useColor(
  choice: ColorChoice,
  env: NodeJS.ProcessEnv,
  stream: { isTTY?: boolean },
): boolean {
  if (choice === "always") return true;
  if (choice === "never") return false;
  if (env["NO_COLOR"]) return false;
  const force = env["FORCE_COLOR"];
  if (force && force !== "0" && force !== "false") return true;
  return stream.isTTY === true;
}
