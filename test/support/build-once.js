// e2e globalSetup: the process tests run the built gateway and console, exactly what `npm start` runs.
module.exports = async () => {
  const { buildIfStale } = await import('../../scripts/build-if-stale.mjs');
  buildIfStale('gateway', 'console');
};
