/**
 * Commander's collector for a repeatable option (`-c a.txt -c b.txt`): each value appended, in
 * order. The previous value may be a default that is not a list (`--no-binary` starts as `true`).
 */
export function repeatable(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? previous : []), value];
}
