import type { Command } from "commander";
import type { InstalledDist } from "../../distribution-types/index.ts";
import type { PackageName } from "../../normalize/index.ts";
import type { CommandContext } from "../command-context.ts";
import { type EnvironmentOptions, openEnvironment, pythonOption } from "../environment.ts";
import { repeatable } from "../repeatable.ts";

interface TreeOptions extends EnvironmentOptions {
  depth: number;
  prune?: string[];
  package?: string[];
  dedupe?: boolean;
  invert?: boolean;
}

/** The dependency graph the tree is drawn from: each distribution's installed dependencies. */
export type DependencyGraph = ReadonlyMap<
  PackageName,
  { dist: InstalledDist; children: PackageName[] }
>;

/**
 * Draws the graph as uv's `pip tree` does: one tree per root (a distribution nothing installed
 * depends on, or the `--package` ones), children in `Requires-Dist` order, `name vX` lines with
 * box-drawing guides. A distribution already drawn, or on the current path (a cycle), is drawn
 * again only as its line, marked `(*)` when it has dependencies of its own — unless `dedupe` is
 * off, where only cycles are cut. `depth` limits the levels below a root; `prune` leaves
 * distributions (and their subtrees) out.
 */
export function renderTree(
  graph: DependencyGraph,
  options: {
    roots?: readonly PackageName[];
    depth: number;
    prune: ReadonlySet<PackageName>;
    dedupe: boolean;
  },
): string[] {
  const required = new Set<PackageName>();
  for (const { children } of graph.values()) for (const child of children) required.add(child);
  const roots =
    options.roots ??
    [...graph.keys()]
      .filter((name) => !required.has(name))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = [];
  const visited = new Set<PackageName>();
  const path: PackageName[] = [];
  const visit = (name: PackageName, prefix: string, connector: string, childPrefix: string) => {
    const node = graph.get(name);
    if (node === undefined || options.prune.has(name)) return;
    const line = `${prefix}${connector}${name} v${node.dist.version.toString()}`;
    const children = node.children.filter((child) => graph.has(child) && !options.prune.has(child));
    if (path.includes(name) || (options.dedupe && visited.has(name))) {
      lines.push(children.length > 0 ? `${line} (*)` : line);
      return;
    }
    lines.push(line);
    visited.add(name);
    if (path.length >= options.depth) return;
    path.push(name);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      visit(child, prefix + childPrefix, last ? "└── " : "├── ", last ? "    " : "│   ");
    });
    path.pop();
  };
  for (const root of roots) visit(root, "", "", "");
  if (lines.some((line) => line.endsWith(" (*)"))) lines.push("(*) Package tree already displayed");
  return lines;
}

export function registerPipTreeCommand(pip: Command, context: CommandContext): void {
  pip
    .command("tree")
    .description("Display the dependency tree of an environment")
    .addOption(pythonOption("inspect"))
    .option(
      "-d, --depth <DEPTH>",
      "Maximum display depth of the dependency tree",
      (value) => Number.parseInt(value, 10),
      255,
    )
    .option(
      "--prune <PACKAGE>",
      "Prune the given package from the display of the dependency tree (repeatable)",
      repeatable,
    )
    .option("--package <PACKAGE>", "Display only the given packages (repeatable)", repeatable)
    .option(
      "--no-dedupe",
      "Do not de-duplicate repeated dependencies: draw their subtrees every time",
    )
    .option("--invert", "Show the reverse dependencies for the given package")
    .action(async (options: TreeOptions, command: Command) => {
      const [{ installedRequirements }, { PackageName }] = await Promise.all([
        import("../../installer/index.ts"),
        import("../../normalize/index.ts"),
      ]);
      const { interpreter, site } = await openEnvironment(command, options, context);
      const edges = new Map<PackageName, { dist: InstalledDist; children: PackageName[] }>();
      const requirements = await installedRequirements(site, interpreter.markers);
      for (const dist of requirements.keys()) {
        if (!edges.has(dist.name)) edges.set(dist.name, { dist, children: [] });
      }
      for (const [dist, reqs] of requirements) {
        for (const requirement of reqs) {
          if (!edges.has(requirement.name)) continue;
          const [from, to] = options.invert
            ? [requirement.name, dist.name]
            : [dist.name, requirement.name];
          const children = edges.get(from)!.children;
          if (!children.includes(to) && from !== to) children.push(to);
        }
      }
      const printer = context.printer();
      const lines = renderTree(edges, {
        ...(options.package === undefined
          ? {}
          : { roots: options.package.map((name) => PackageName.parse(name)) }),
        depth: options.depth,
        prune: new Set((options.prune ?? []).map((name) => PackageName.parse(name))),
        dedupe: options.dedupe !== false,
      });
      for (const line of lines) printer.data(line);
    });
}
