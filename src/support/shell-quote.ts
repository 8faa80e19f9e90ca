/** A single-quoted word for POSIX shells: `'` becomes `'\''`. */
export function shQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
