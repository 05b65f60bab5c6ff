/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@allot/migrations$': '<rootDir>/migrations',
  '^@allot/(.*)$': '<rootDir>/libs/$1/src',
};
const base = { testEnvironment: 'node', transform: { '^.+\\.ts$': swc }, moduleNameMapper, rootDir: __dirname };

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/gateway/**/*.spec.ts', '<rootDir>/test/support/**/*.spec.ts'],
    },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.integration-spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/build-once.js',
    },
    // The real OpenAI Codex CLI against an in-process gateway (`npm run test:codex`); not part of `npm test`, which
    // selects the projects above (scripts/test-backend.mjs). Its setup installs the pinned CLI once, outside package.json.
    {
      ...base,
      displayName: 'codex',
      testMatch: ['<rootDir>/test/codex/**/*.codex-spec.ts'],
      globalSetup: '<rootDir>/test/codex/global-setup.js',
    },
  ],
};
