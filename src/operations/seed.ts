import type { InstallOutcome } from "../installer/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import { pipInstall } from "./pip-install.ts";
import type { OperationReporter } from "./reporter.ts";
import type { BuildSettings, SessionSettings } from "./settings.ts";

/**
 * `venv --seed`: pip (and setuptools + wheel before Python 3.12, as virtualenv and uv seed them)
 * resolved for the new environment's interpreter from the configured indexes and installed
 * through Puffin's own pipeline, from the cache when it holds them.
 */
export async function seedEnvironment(request: {
  readonly session: SessionSettings;
  readonly interpreter: Interpreter;
  readonly build: BuildSettings;
  readonly puffinVersion: string;
  readonly reporter?: OperationReporter | undefined;
}): Promise<InstallOutcome> {
  const [major, minor] = request.interpreter.pythonMinor;
  const packages = major === 3 && minor < 12 ? ["pip", "setuptools", "wheel"] : ["pip"];
  const { outcome } = await pipInstall({
    session: request.session,
    python: { python: undefined, probeTimeoutMs: undefined },
    interpreter: request.interpreter,
    sources: {
      packages,
      editables: [],
      requirements: [],
      constraints: [],
      overrides: [],
      extras: [],
      allExtras: false,
    },
    resolver: {
      resolution: "highest",
      prerelease: undefined,
      excludeNewer: undefined,
      noBinary: [],
      onlyBinary: [],
      noDeps: false,
    },
    build: request.build,
    installer: {
      reinstall: false,
      reinstallPackages: [],
      linkMode: undefined,
      compileBytecode: false,
      dryRun: false,
      requireHashes: false,
      strict: false,
    },
    upgrade: { all: false, packages: [] },
    puffinVersion: request.puffinVersion,
    reporter: request.reporter,
  });
  return outcome;
}
