/**
 * Whether a boolean environment variable (`PUFFIN_NO_CACHE`, `PUFFIN_NO_INDEX`…) is set: `1`,
 * `true`, `yes` or `on`, in any case. Anything else, empty or unset, is false.
 */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value);
}
