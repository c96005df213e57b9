// Loaded by mocha before every spec file: chai plugins and a guard against unhandled rejections.
process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection in a spec:', reason);
  process.exitCode = 1;
});
