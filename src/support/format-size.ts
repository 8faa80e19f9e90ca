/** Binary units above 1 KiB, for sizes in messages and progress bars. */
const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/** `512 bytes`, `1.2 MiB`: binary units with one decimal above 1 KiB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}
