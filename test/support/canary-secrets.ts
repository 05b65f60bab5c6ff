import canaries from './canary-secrets.json';

/**
 * Every secret value the tests hand to the gateway, in one place: provider API keys and keyring key material.
 * They are canaries: `scripts/scan-secrets.mjs` reads the same JSON and fails the run when any of them (or any
 * member key, keyring entry or unredacted bearer token) shows up in the run's logs (`test/.output/`). A test
 * that needs another secret adds it to canary-secrets.json instead of writing a literal, so the scan knows it.
 */
export const PROVIDER_KEYS: Readonly<typeof canaries.providerKeys> = canaries.providerKeys;

/** Keyring entries (`id:base64 key`); the scan looks for the key material with or without its id. */
export const KEYRING_ENTRIES: Readonly<typeof canaries.keyringEntries> = canaries.keyringEntries;

/** The environment test/fixtures/org.yaml reads its three provider keys from. */
export const FIXTURE_PROVIDER_ENV = {
  TEST_AZURE_KEY: PROVIDER_KEYS.fixtureAzure,
  TEST_AZURE_KEY_2: PROVIDER_KEYS.fixtureAzure2,
  TEST_OPENAI_KEY: PROVIDER_KEYS.fixtureOpenai,
} as const;
