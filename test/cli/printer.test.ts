import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Printer, type Verbosity } from "../../src/cli/printer.ts";
import { PuffinError } from "../../src/support/index.ts";
import { runPuffin } from "../support/run-puffin.ts";

function capture(verbosity: Verbosity) {
  const out = { stdout: "", stderr: "" };
  const printer = new Printer(
    {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
    },
    verbosity,
    false,
  );
  return { printer, out };
}

describe("Printer", () => {
  test("prints an error, its causes and the first hint in uv's shape", () => {
    const { printer, out } = capture(0);
    const root = new PuffinError("invalid-version", "Invalid version `1.0x`", {
      hint: "Versions look like 1.2.3",
    });
    printer.error(
      new PuffinError("invalid-metadata", "Failed to read `foo-1.0.dist-info/METADATA`", {
        cause: root,
      }),
    );
    assert.equal(
      out.stderr,
      "error: Failed to read `foo-1.0.dist-info/METADATA`\n" +
        "  Caused by: Invalid version `1.0x`\n" +
        "\nhint: Versions look like 1.2.3\n",
    );
    assert.equal(out.stdout, "");
  });

  test("data goes to stdout; status lines to stderr and not with -q", () => {
    const loud = capture(0);
    loud.printer.data("flask==3.0.0");
    loud.printer.info("Resolved 1 package in 3ms");
    assert.equal(loud.out.stdout, "flask==3.0.0\n");
    assert.equal(loud.out.stderr, "Resolved 1 package in 3ms\n");

    const quiet = capture(-1);
    quiet.printer.data("flask==3.0.0");
    quiet.printer.info("Resolved 1 package in 3ms");
    quiet.printer.log("warn", "ignored");
    assert.equal(quiet.out.stdout, "flask==3.0.0\n");
    assert.equal(quiet.out.stderr, "");
  });

  test("warnings are labelled", () => {
    const { printer, out } = capture(0);
    printer.log("warn", "Requires-Dist `foo>` is invalid; ignoring it");
    assert.equal(out.stderr, "warning: Requires-Dist `foo>` is invalid; ignoring it\n");
  });
});

describe("verbosity flags", () => {
  const stderrOf = async (args: string[]) => (await runPuffin(args)).stderr;

  test("-v turns on debug messages, which are off by default", async () => {
    assert.match(await stderrOf(["-v", "frobnicate"]), /^DEBUG puffin \d/m);
    assert.doesNotMatch(await stderrOf(["frobnicate"]), /DEBUG/);
  });
});
