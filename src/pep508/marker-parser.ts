import { normalizeName } from "../normalize/index.ts";
import { Char, type Cursor, isWordCharacter } from "./cursor.ts";
import {
  type MarkerExpression,
  type MarkerNode,
  type MarkerOperand,
  type MarkerOperator,
  type MarkerVariable,
  trySpecifier,
  VERSION_VARIABLES,
} from "./marker-expression.ts";

/**
 * Every spelling of a marker name the parser accepts, with the name it stands for. The legacy
 * spellings are those packaging accepts (see `MarkerVariable`); pip users have them in old
 * METADATA (`python_implementation` notably), and uv accepts them too.
 */
const MARKER_NAMES: ReadonlyMap<string, MarkerVariable> = new Map<string, MarkerVariable>([
  ["implementation_name", "implementation_name"],
  ["implementation_version", "implementation_version"],
  ["os_name", "os_name"],
  ["platform_machine", "platform_machine"],
  ["platform_python_implementation", "platform_python_implementation"],
  ["platform_release", "platform_release"],
  ["platform_system", "platform_system"],
  ["platform_version", "platform_version"],
  ["python_full_version", "python_full_version"],
  ["python_version", "python_version"],
  ["sys_platform", "sys_platform"],
  ["extra", "extra"],
  ["extras", "extras"],
  ["dependency_groups", "dependency_groups"],
  ["os.name", "os_name"],
  ["sys.platform", "sys_platform"],
  ["platform.version", "platform_version"],
  ["platform.machine", "platform_machine"],
  ["platform.python_implementation", "platform_python_implementation"],
  ["python_implementation", "platform_python_implementation"],
]);

/**
 * Parses a marker (PEP 508 `marker`) from the cursor, with the whitespace around it, and stops
 * at the first character that cannot continue it; the caller decides what may follow (the end,
 * or nothing else in a requirement).
 *
 * Grammar, as packaging reads it (`and` binds tighter than `or`):
 * ```text
 * marker      = and_marker ('or' and_marker)*
 * and_marker  = atom ('and' atom)*
 * atom        = wsp* ('(' wsp* marker wsp* ')' | expression) wsp*
 * expression  = operand wsp* operator wsp* operand
 * operand     = marker_name | "'" [^']* "'" | '"' [^"]* '"'
 * operator    = '===' | '==' | '~=' | '!=' | '<=' | '>=' | '<' | '>' | 'in' | 'not' wsp+ 'in'
 * ```
 * Keywords and names end at a word boundary, so `"a"and(...)` parses and `andx` does not.
 * Strings are taken literally: PEP 508 has no escapes (packaging runs `ast.literal_eval`, which
 * would read `\x41` as `A`; we keep the backslash).
 */
export function parseMarker(cursor: Cursor): MarkerNode {
  const first = parseAnd(cursor);
  if (!cursor.lookingAtWord("or")) return first;
  const children = [first];
  while (cursor.eatWord("or")) children.push(parseAnd(cursor));
  return { kind: "or", children, parenthesized: false };
}

function parseAnd(cursor: Cursor): MarkerNode {
  const first = parseAtom(cursor);
  if (!cursor.lookingAtWord("and")) return first;
  const children = [first];
  while (cursor.eatWord("and")) children.push(parseAtom(cursor));
  return { kind: "and", children, parenthesized: false };
}

function parseAtom(cursor: Cursor): MarkerNode {
  cursor.skipWhitespace();
  let node: MarkerNode;
  if (cursor.peek() === Char.LeftParen) {
    const open = cursor.pos;
    cursor.pos++;
    const inner = parseMarker(cursor);
    if (!cursor.eat(Char.RightParen)) {
      throw cursor.error(
        `Expected \`)\` to close the \`(\` at column ${open + 1}, found ${cursor.describeNext()}`,
        open,
        cursor.pos - open,
      );
    }
    node = inner.kind === "expression" ? inner : { ...inner, parenthesized: true };
  } else {
    node = parseExpression(cursor);
  }
  cursor.skipWhitespace();
  return node;
}

function parseExpression(cursor: Cursor): MarkerExpression {
  let left = parseOperand(cursor);
  cursor.skipWhitespace();
  const operator = parseOperator(cursor);
  cursor.skipWhitespace();
  let right = parseOperand(cursor);
  // PEP 685: the value compared with `extra` is a name, stored normalized (packaging does so).
  if (left.kind === "variable" && left.name === "extra" && right.kind === "string") {
    right = { kind: "string", value: normalizeName(right.value) };
  } else if (right.kind === "variable" && right.name === "extra" && left.kind === "string") {
    left = { kind: "string", value: normalizeName(left.value) };
  }
  const specifier =
    left.kind === "variable" && VERSION_VARIABLES.has(left.name) && right.kind === "string"
      ? trySpecifier(operator, right.value)
      : undefined;
  return { kind: "expression", left, operator, right, specifier };
}

function parseOperand(cursor: Cursor): MarkerOperand {
  const quote = cursor.peek();
  const start = cursor.pos;
  if (quote === Char.SingleQuote || quote === Char.DoubleQuote) {
    const close = cursor.input.indexOf(quote === Char.SingleQuote ? "'" : '"', start + 1);
    if (close < 0) {
      throw cursor.error(
        "Missing closing quote for the string that starts here",
        start,
        cursor.input.length - start,
      );
    }
    cursor.pos = close + 1;
    return { kind: "string", value: cursor.input.slice(start + 1, close) };
  }
  let end = start;
  const input = cursor.input;
  while (end < input.length) {
    const c = input.charCodeAt(end);
    if (!isWordCharacter(c) && c !== Char.Dot) break;
    end++;
  }
  const word = input.slice(start, end);
  const name = MARKER_NAMES.get(word);
  if (name === undefined) {
    if (word === "") throw cursor.unexpected("a quoted string or a marker name");
    throw cursor.error(
      `Expected a quoted string or a marker name (e.g. \`python_version\`), found \`${word}\``,
      start,
      end - start,
    );
  }
  cursor.pos = end;
  return { kind: "variable", name };
}

const OPERATOR_EXPECTED =
  "a marker operator (`==`, `!=`, `<`, `<=`, `>`, `>=`, `~=`, `===`, `in` or `not in`)";

function parseOperator(cursor: Cursor): MarkerOperator {
  if (cursor.eatWord("in")) return "in";
  if (cursor.eatWord("not")) {
    if (!cursor.skipWhitespace()) throw cursor.unexpected("whitespace after `not`");
    if (!cursor.eatWord("in")) throw cursor.unexpected("`in` after `not`");
    return "not in";
  }
  const operator = scanComparison(cursor.peek(), cursor.peekAt(1), cursor.peekAt(2));
  if (operator === undefined) {
    const start = cursor.pos;
    const end = cursor.wordEnd();
    if (end > start) {
      throw cursor.error(
        `Expected ${OPERATOR_EXPECTED}, found \`${cursor.input.slice(start, end)}\``,
        start,
        end - start,
      );
    }
    throw cursor.unexpected(OPERATOR_EXPECTED);
  }
  cursor.pos += operator.length;
  return operator;
}

/** The comparison operator spelled by the next three characters, if any. */
function scanComparison(c0: number, c1: number, c2: number): MarkerOperator | undefined {
  const equalsNext = c1 === Char.Equals;
  switch (c0) {
    case Char.Equals:
      if (!equalsNext) return undefined;
      return c2 === Char.Equals ? "===" : "==";
    case Char.Tilde:
      return equalsNext ? "~=" : undefined;
    case Char.Bang:
      return equalsNext ? "!=" : undefined;
    case Char.Less:
      return equalsNext ? "<=" : "<";
    case Char.Greater:
      return equalsNext ? ">=" : ">";
    default:
      return undefined;
  }
}
