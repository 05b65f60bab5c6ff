// codex project globalSetup: installs the pinned Codex CLI once (outside package.json) and tells the specs where it is.
module.exports = async () => {
  const { ensureCodex } = await import('../../scripts/ensure-codex.mjs');
  process.env.ALLOT_CODEX_BIN = ensureCodex();
};
