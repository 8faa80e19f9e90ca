/**
 * The terminal styles Puffin prints with: SGR escape sequences (ECMA-48 §8.3.117), or the text
 * unchanged when color is off. Whether to color is decided elsewhere (`color.ts`, uv's policy).
 *
 * Each style ends with its own closing sequence, so different styles nest (`bold(red(x))`). A
 * style that closes inside the text it wraps (`red(a + green(b) + c)`: green's close also ends
 * red) is opened again right after that inner close.
 *
 * Written here rather than taken from picocolors, which decides its default at load time by
 * opening stdout (a millisecond or two that `puffin venv` would pay for nothing).
 */
export type Style = (text: string) => string;

export interface Colors {
  readonly bold: Style;
  readonly dim: Style;
  readonly red: Style;
  readonly green: Style;
  readonly yellow: Style;
  readonly cyan: Style;
}

function style(open: number, close: number): Style {
  const start = `\x1b[${open}m`;
  const end = `\x1b[${close}m`;
  return (text) => start + text.replaceAll(end, end + start) + end;
}

const STYLED: Colors = {
  bold: style(1, 22),
  dim: style(2, 22),
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
};

const plain: Style = (text) => text;
const PLAIN: Colors = {
  bold: plain,
  dim: plain,
  red: plain,
  green: plain,
  yellow: plain,
  cyan: plain,
};

export function createColors(enabled: boolean): Colors {
  return enabled ? STYLED : PLAIN;
}
