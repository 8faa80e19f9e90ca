#!/usr/bin/env node
import { runCli } from "./program.ts";

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  streams: { stdout: process.stdout, stderr: process.stderr },
});
