export {
  type DatabaseReporter,
  DistributionDatabase,
  type DistributionDatabaseOptions,
  type LocalWheel,
} from "./database.ts";
export { HashStrategy } from "./hash-strategy.ts";
export { staticName } from "./static-name.ts";
