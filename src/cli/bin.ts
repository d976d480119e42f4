#!/usr/bin/env node
import { run } from './program.js';

// A closed pipe on standard output (`eventfold export | head`) fails the write in progress, which
// ends the command; without this listener it would also be an uncaught 'error' event.
process.stdout.on('error', () => undefined);

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
