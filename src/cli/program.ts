import { Command, CommanderError } from "commander";
import { redactCredentials } from "../support/index.ts";
import {
  type CliContext,
  failureStatus,
  type GlobalOptions,
  printerFor,
  startLogging,
  stopLogging,
} from "./cli-context.ts";
import type { CommandContext } from "./command-context.ts";
import { registerVenvCommand } from "./commands/venv.ts";
import { ExitStatus } from "./exit-status.ts";
import {
  GLOBAL_OPTIONS,
  optionFlags,
  registerOptions,
  VERSION_OPTION,
  VERSION_TEXT,
} from "./option-specs.ts";

const USAGE_FOOTER = "\nFor more information, try '--help'.\n";

/**
 * Runs `puffin ARGS…` through commander (every command line `runCli`'s fast path does not take)
 * and resolves to the exit status. Never throws: every failure is printed (`error: …`) and
 * mapped to an exit status, 2 for a command line that cannot be understood.
 */
export async function runProgram(args: readonly string[], context: CliContext): Promise<number> {
  const program = await buildProgram(context, args);
  try {
    await program.parseAsync([...args], { from: "user" });
    return ExitStatus.Success;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    return failureStatus(error, printerFor(program.opts<GlobalOptions>(), context));
  } finally {
    stopLogging();
  }
}

/**
 * The whole program, its commands loaded on demand: the global options (`GLOBAL_OPTIONS`) and
 * hooks, `venv`, `cache` and the `pip` group.
 */
export async function buildProgram(context: CliContext, args: readonly string[]): Promise<Command> {
  const program = new Command("puffin")
    .description("An extremely fast Python package manager.")
    .usage("[OPTIONS] <COMMAND>")
    .version(VERSION_TEXT, optionFlags(VERSION_OPTION), VERSION_OPTION.description)
    .helpOption("-h, --help", "Print help");
  registerOptions(program, GLOBAL_OPTIONS)
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.streams.stdout.write(text),
      // A usage error quotes the command line, which may hold an index URL's password.
      writeErr: (text) => context.streams.stderr.write(redactCredentials(text)),
      outputError: (text, write) => {
        const { bold, red } = printerFor(program.opts<GlobalOptions>(), context).colors;
        write(`${text.trimEnd().replace(/^error:/, `${bold(red("error"))}:`)}\n${USAGE_FOOTER}`);
      },
    });

  program.hook("preAction", (command) => {
    startLogging(printerFor(command.opts<GlobalOptions>(), context));
  });

  const commandContext: CommandContext = {
    env: context.env,
    cwd: context.cwd ?? process.cwd(),
    printer: () => printerFor(program.opts<GlobalOptions>(), context),
  };
  const [
    { addIndexOptions },
    { registerCacheCommand },
    { registerPipCompileCommand },
    { registerPipSyncCommand },
    { registerPipInstallCommand },
    { registerPipUninstallCommand },
    { registerPipInspectCommands },
    { registerPipTreeCommand },
  ] = await Promise.all([
    import("./index-options.ts"),
    import("./commands/cache.ts"),
    import("./commands/pip-compile.ts"),
    import("./commands/pip-sync.ts"),
    import("./commands/pip-install.ts"),
    import("./commands/pip-uninstall.ts"),
    import("./commands/pip-inspect.ts"),
    import("./commands/pip-tree.ts"),
  ]);
  registerVenvCommand(program, commandContext, addIndexOptions);
  registerCacheCommand(program, commandContext);

  const pip = program
    .command("pip")
    .description("Manage Python packages with a pip-compatible interface")
    .usage("[OPTIONS] <COMMAND>");
  registerPipCompileCommand(pip, commandContext, {
    args,
    stdin: context.stdin ?? (() => process.stdin),
  });
  registerPipSyncCommand(pip, commandContext);
  registerPipInstallCommand(pip, commandContext);
  registerPipUninstallCommand(pip, commandContext);
  registerPipInspectCommands(pip, commandContext);
  registerPipTreeCommand(pip, commandContext);

  // With no command, show the help and fail like clap does; an unknown one is a usage error.
  program.action((_options, command: Command) => {
    const [unknown] = command.args;
    if (unknown === undefined) {
      context.streams.stderr.write(program.helpInformation());
      throw new CommanderError(ExitStatus.Error, "puffin.missingCommand", "");
    }
    program.error(`error: unrecognized subcommand '${unknown}'`, {
      exitCode: ExitStatus.Error,
      code: "puffin.unknownCommand",
    });
  });
  return program;
}

/** Help and version exit 0; every other command-line problem exits 2. */
function commanderExit(error: CommanderError): number {
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
    return ExitStatus.Success;
  }
  return ExitStatus.Error;
}
