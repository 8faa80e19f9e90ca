import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Command } from "commander";
import type { CommandContext } from "../../src/cli/command-context.ts";
import { addIndexOptions } from "../../src/cli/index-options.ts";
import { Printer } from "../../src/cli/printer.ts";
import { sessionSettings } from "../../src/cli/settings.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { Session } from "../../src/operations/session.ts";
import { IndexServer } from "../support/index-server.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const dir = testDirectory("command-context");
const context: CommandContext = {
  env: {},
  cwd: dir,
  printer: () => new Printer({ stdout: process.stdout, stderr: process.stderr }, -1, false),
};

/** A command with the global cache options and the index options, parsed from `args`. */
function parsed(args: string[]): Command {
  const program = new Command("puffin").option("--cache-dir <DIR>").option("-n, --no-cache");
  const command = addIndexOptions(program.command("probe").exitOverride()).action(() => {});
  program.exitOverride().parse(["probe", ...args], { from: "user" });
  return command;
}

/** The session a command opens from its options. */
function openRegistrySession(command: Command, context: CommandContext): Promise<Session> {
  return Session.open(sessionSettings(command, context));
}

describe("a command's session", () => {
  it("reads packages from the index the options name, through the cache they name", async () => {
    const server = await IndexServer.start({
      files: [buildWheel({ name: "demo", version: "1.0" })],
    });
    const cacheDir = join(dir, "cache");
    const session = await openRegistrySession(
      parsed(["--index-url", server.indexUrl, "--cache-dir", cacheDir]),
      context,
    );
    try {
      assert.equal(session.cache.root, cacheDir);
      const files = await session.client.simple(PackageName.parse("demo"));
      assert.deepEqual(
        files.files.map((f) => f.file.filename),
        ["demo-1.0-py3-none-any.whl"],
      );
      assert.equal(files.index?.url, server.indexUrl);
    } finally {
      await session.close();
      await server.close();
    }
  });

  it("honours --offline: a package the cache lacks fails without a request", async () => {
    const server = await IndexServer.start({
      files: [buildWheel({ name: "demo", version: "1.0" })],
    });
    const session = await openRegistrySession(
      parsed(["--index-url", server.indexUrl, "--offline", "--cache-dir", join(dir, "cold")]),
      context,
    );
    try {
      await assert.rejects(session.client.simple(PackageName.parse("demo")), /offline|cache/i);
      assert.equal(server.requests.length, 0);
    } finally {
      await session.close();
      await server.close();
    }
  });
});
