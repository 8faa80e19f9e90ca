import { Command, CommanderError, Option } from "commander";
import { log, PuffinError, setLogSink } from "../support/index.ts";
import { COLOR_CHOICES, type ColorChoice, useColor } from "./color.ts";
import type { CommandContext } from "./command-context.ts";
import { registerVenvCommand } from "./commands/venv.ts";
import { ExitStatus, ExitWith } from "./exit-status.ts";
import { Printer, type Streams, type Verbosity } from "./printer.ts";
import { PUFFIN_VERSION } from "./version.ts";

/** The process-level inputs of one CLI invocation, injected so tests run it in-process. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  streams: Streams & { stderr: { isTTY?: boolean } };
  /** The directory relative paths are taken from; the process's own when absent. */
  cwd?: string;
  /** Reads all of stdin (`pip compile -`); the process's own stdin when absent. */
  readStdin?: () => Promise<Uint8Array>;
}

interface GlobalOptions {
  quiet?: boolean;
  verbose: number;
  color: ColorChoice;
}

const USAGE_FOOTER = "\nFor more information, try '--help'.\n";

/**
 * Runs `puffin ARGS…` and resolves to the exit status. Never throws: every failure is printed
 * (`error: …`) and mapped to an exit status, 2 for a command line that cannot be understood.
 */
export async function runCli(args: readonly string[], context: CliContext): Promise<number> {
  const program = await buildProgram(context, args);
  try {
    await program.parseAsync([...args], { from: "user" });
    return ExitStatus.Success;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    if (error instanceof ExitWith) return error.status;
    const printer = printerFor(program.opts<GlobalOptions>(), context);
    printer.error(error);
    return error instanceof PuffinError ? ExitStatus.Failure : ExitStatus.Error;
  } finally {
    setLogSink(undefined, { debug: false, trace: false });
  }
}

/** The program with its global options and hooks, and no commands yet. */
function baseProgram(context: CliContext): { program: Command; commandContext: CommandContext } {
  const program = new Command("puffin")
    .description("An extremely fast Python package manager.")
    .usage("[OPTIONS] <COMMAND>")
    .version(`puffin ${PUFFIN_VERSION}`, "-V, --version", "Print version")
    .helpOption("-h, --help", "Print help")
    .option("-q, --quiet", "Do not print any output")
    .option(
      "-v, --verbose",
      "Use verbose output (repeat for more: -vv)",
      (_value: string, previous: number) => previous + 1,
      0,
    )
    .addOption(
      new Option("--color <WHEN>", "Control colors in output")
        .choices(COLOR_CHOICES)
        .default("auto"),
    )
    .option("--cache-dir <CACHE_DIR>", "Path to the cache directory [env: PUFFIN_CACHE_DIR=]")
    .option(
      "-n, --no-cache",
      "Avoid reading from or writing to the cache, instead using a temporary directory for the duration of the operation [env: PUFFIN_NO_CACHE=]",
    )
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.streams.stdout.write(text),
      writeErr: (text) => context.streams.stderr.write(text),
      outputError: (text, write) => {
        const { bold, red } = printerFor(program.opts<GlobalOptions>(), context).colors;
        write(`${text.trimEnd().replace(/^error:/, `${bold(red("error"))}:`)}\n${USAGE_FOOTER}`);
      },
    });

  program.hook("preAction", (command) => {
    const printer = printerFor(command.opts<GlobalOptions>(), context);
    setLogSink((level, message) => printer.log(level, message), {
      debug: printer.verbosity >= 1,
      trace: printer.verbosity >= 2,
    });
    log.debug(`puffin ${PUFFIN_VERSION}`);
  });

  const commandContext: CommandContext = {
    env: context.env,
    cwd: context.cwd ?? process.cwd(),
    printer: () => printerFor(program.opts<GlobalOptions>(), context),
  };
  return { program, commandContext };
}

/**
 * The program for `args`. A plain `puffin venv …` (see `fitsLeanVenv`) gets a program with only
 * the `venv` command in its lean form, which loads a fraction of the CLI: creating a virtual
 * environment is measured against `python -m venv`, and Node's startup is already most of it.
 * Everything else gets the full program, its commands loaded on demand.
 */
export async function buildProgram(context: CliContext, args: readonly string[]): Promise<Command> {
  const lean = baseProgram(context);
  const venv = registerVenvCommand(lean.program, lean.commandContext);
  if (fitsLeanVenv(args, lean.program, venv)) return lean.program;

  const { program, commandContext } = baseProgram(context);
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
    readStdin: context.readStdin ?? readProcessStdin,
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

/**
 * True when `args` is `[global options] venv [PATH] [venv options]` with only options the lean
 * program defines (not `--seed`, the index options or help), each as `--name VALUE`,
 * `--name=VALUE`, `-x VALUE` or a lone flag, global options before `venv` and the command's
 * own after it. Both programs parse such arguments identically (commander does it in both);
 * every other spelling, even a valid one such as `-qp 3.12`, takes the full program.
 */
function fitsLeanVenv(args: readonly string[], program: Command, venv: Command): boolean {
  let command = program;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "-" || !arg.startsWith("-")) {
      if (command === program) {
        if (arg !== venv.name()) return false;
        command = venv;
      }
      continue;
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const option = command.options.find((known) => known.long === flag || known.short === flag);
    if (option === undefined || option.optional) return false;
    if (option.required) {
      if (equals === -1) index++;
    } else if (equals !== -1) {
      return false;
    }
  }
  return command === venv;
}

function printerFor(options: Partial<GlobalOptions>, context: CliContext): Printer {
  const verbosity: Verbosity = options.quiet
    ? -1
    : (Math.min(options.verbose ?? 0, 2) as 0 | 1 | 2);
  const color = useColor(options.color ?? "auto", context.env, context.streams.stderr);
  return new Printer(context.streams, verbosity, color);
}

/** Help and version exit 0; every other command-line problem exits 2. */
function commanderExit(error: CommanderError): number {
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
    return ExitStatus.Success;
  }
  return ExitStatus.Error;
}

async function readProcessStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
