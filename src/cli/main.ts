#!/usr/bin/env node
// The `holdfast` command: `holdfast wait <url>...` and `holdfast watch <url>...` (CLI issue).
console.error('holdfast: the CLI (wait, watch) is not built yet.');
process.exitCode = 2;
