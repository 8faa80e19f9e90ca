/**
 * Splits an option string into words like Python's `shlex.split` (POSIX mode, no comments),
 * which pip uses for the options part of a requirements-file line: whitespace separates words,
 * `'…'` is literal, `"…"` is literal except that `\"` and `\\` are escapes, and outside quotes a
 * backslash makes the next character literal. Returns `undefined` for an unclosed quote or a
 * trailing backslash (pip: "Could not split options").
 */
export function splitShellWords(input: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "\\") {
      if (i + 1 >= input.length) return undefined;
      word += input[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end === -1) return undefined;
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= input.length) return undefined;
        const q = input[i]!;
        if (q === '"') break;
        if (q === "\\" && i + 1 < input.length && (input[i + 1] === '"' || input[i + 1] === "\\")) {
          word += input[i + 1];
          i += 2;
        } else {
          word += q;
          i++;
        }
      }
      inWord = true;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
