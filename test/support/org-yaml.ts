/**
 * Provider entries of a test org file, one `providers:` list item each (no trailing newline), for the fakes in
 * test/fakes. Each reads its key from the environment name the harness passes (gateway-harness.ts).
 */

const entry = (...lines: string[]) => lines.map((line, i) => (i ? '    ' : '  - ') + line).join('\n');

/** `openai` on the OpenAI fake, key from FAKE_OPENAI_KEY. */
export const openaiProvider = (fakeUrl: string) =>
  entry('name: openai', 'type: openai', `baseUrl: ${fakeUrl}/v1`, 'credentials: [{ label: main, apiKey: { env: FAKE_OPENAI_KEY } }]');

/** `azure`, classic Azure OpenAI (deployment URLs, api-version 2024-10-21) on the OpenAI fake, gpt-5.4 as contoso-gpt54. */
export const azureProvider = (fakeUrl: string) =>
  entry(
    'name: azure',
    'type: azure-openai',
    `baseUrl: ${fakeUrl}`,
    'apiVersion: "2024-10-21"',
    'credentials: [{ label: main, apiKey: { env: FAKE_AZURE_KEY }, deployments: { gpt-5.4: contoso-gpt54 } }]',
  );

/** `azure-v1`, Azure OpenAI's v1 API on the OpenAI fake, gpt-5.4 as contoso-gpt54-v1. */
export const azureV1Provider = (fakeUrl: string) =>
  entry(
    'name: azure-v1',
    'type: azure-openai',
    `baseUrl: ${fakeUrl}/openai/v1`,
    'apiVersion: v1',
    'credentials: [{ label: main, apiKey: { env: FAKE_AZURE_KEY }, deployments: { gpt-5.4: contoso-gpt54-v1 } }]',
  );

/** `anthropic` on the Anthropic fake, one credential with key from ANTHROPIC_KEY. */
export const anthropicProvider = (fakeUrl: string, label = 'main') =>
  entry('name: anthropic', 'type: anthropic', `baseUrl: ${fakeUrl}`, `credentials: [{ label: ${label}, apiKey: { env: ANTHROPIC_KEY } }]`);

/** `gemini` on the Gemini fake, one credential with key from GEMINI_KEY. */
export const geminiProvider = (fakeUrl: string, label = 'main') =>
  entry('name: gemini', 'type: gemini', `baseUrl: ${fakeUrl}`, `credentials: [{ label: ${label}, apiKey: { env: GEMINI_KEY } }]`);
