/** uv's duration format: `12ms`, `1.25s`, `2m 05s`. */
export function formatElapsed(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds >= 60)
    return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  if (seconds > 0) {
    const hundredths = Math.floor((milliseconds % 1000) / 10);
    return `${seconds}.${String(hundredths).padStart(2, "0")}s`;
  }
  const whole = Math.floor(milliseconds);
  if (whole > 0) return `${whole}ms`;
  return `0.${String(Math.floor(milliseconds * 100)).padStart(2, "0")}ms`;
}
