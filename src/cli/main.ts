import { restoreDeferredCaCerts } from "./deferred-ca-certs.ts";
import { runCli } from "./run-cli.ts";

// The bin (`dist/puffin.cjs`). Its launcher line may have moved NODE_EXTRA_CA_CERTS aside
// (scripts/build.mjs); the environment is the user's again before anything reads it.
restoreDeferredCaCerts(process.env);

// The standard streams are opened only when something is written: creating one costs a
// millisecond or two, and `puffin -q venv` writes nothing.
runCli(process.argv.slice(2), {
  env: process.env,
  streams: {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
  },
}).then((status) => {
  process.exitCode = status;
});
