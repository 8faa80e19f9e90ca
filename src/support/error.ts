import type { ErrorCode } from "./error-codes.ts";

/**
 * The one error type every Puffin module throws for user-facing failures.
 *
 * Contract: `code` is stable (tests and callers branch on it, never on the message) and is one
 * of the codes registered, with its category, in `error-codes.ts`; `message` is one line saying
 * what went wrong, `hint` optionally says what to do about it, and `cause` chains the underlying
 * error so the CLI can print `Caused by:` lines. Messages never contain credentials.
 */
export class PuffinError extends Error {
  override readonly name: string = "PuffinError";
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * The chain of messages from an error down through its causes, outermost first. Used by the CLI
 * to print `error: …` followed by `Caused by: …` lines.
 */
export function errorChain(error: unknown): string[] {
  const messages: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) {
      messages.push(current.message);
      current = current.cause;
    } else {
      messages.push(String(current));
      break;
    }
  }
  return messages;
}
