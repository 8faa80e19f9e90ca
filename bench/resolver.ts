// The PubGrub solver alone, on an in-memory graph the size of the `xl` set (800 packages, 30
// versions each, 80 backtracks), so solver changes can be measured without the network or cache.
//   node --import tsx bench/resolver.ts [runs]
// Reports the first (cold: JIT not warmed) run and the median of the rest.
import { resolve } from "../src/resolver/index.ts";
import { InMemoryProvider, optionsFor } from "../test/resolver/in-memory-provider.ts";
import { syntheticUniverse } from "../test/resolver/synthetic-universe.ts";
import { median, msSince } from "./measure.ts";

const runs = Number(process.argv[2] ?? 9);
const universe = syntheticUniverse(800);
const samples: number[] = [];
for (let run = 0; run < runs; run++) {
  const start = process.hrtime.bigint();
  await resolve(new InMemoryProvider(universe), optionsFor(["p0"]));
  samples.push(msSince(start));
}
console.log(`800 packages, 80 backtracks: first run ${samples[0]!.toFixed(0)} ms,`);
console.log(`median of the next ${runs - 1}: ${median(samples.slice(1)).toFixed(0)} ms`);
