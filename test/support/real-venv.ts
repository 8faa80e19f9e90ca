// Real virtual environments for tests that install into them: a base interpreter found once, then
// as many venvs as a test wants, made with Puffin's own `createVenv` (milliseconds; no Python
// process). The interpreter probes are cached under the given root.
import { join } from "node:path";
import { Cache } from "../../src/cache/index.ts";
import {
  findBaseInterpreter,
  type Interpreter,
  queryInterpreter,
} from "../../src/interpreter/index.ts";
import { createVenv } from "../../src/venv/index.ts";

export class RealVenvs {
  private constructor(
    readonly base: Interpreter,
    /** The cache the probes go to; tests may share it for their own `queryInterpreter` calls. */
    readonly cache: Cache,
    private readonly root: string,
  ) {}

  /** The base interpreter behind `python` (a pyenv executable), probed into `root/probe-cache`. */
  static async of(python: string, root: string): Promise<RealVenvs> {
    const cache = Cache.at(join(root, "probe-cache"));
    const env = { PATH: "/usr/bin:/bin" };
    const base = await findBaseInterpreter({ python, env, cwd: root, cache });
    return new RealVenvs(base, cache, root);
  }

  /** A fresh venv at `root/name`; returns its `bin/python`. */
  async create(name: string): Promise<string> {
    const created = await createVenv({
      location: join(this.root, name),
      interpreter: this.base,
      prompt: undefined,
      systemSitePackages: false,
      clear: false,
      puffinVersion: "0.0.0-test",
    });
    return created.python;
  }

  /** The interpreter at `python` (a venv's), probed once into the shared cache. */
  probe(python: string): Promise<Interpreter> {
    return queryInterpreter(python, { cache: this.cache });
  }
}
