// Jest runs the compiled ESM in dist/ (npm test builds first), so what is tested is what ships.
const common = { testEnvironment: 'node', transform: {}, rootDir: 'dist' };
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.js'] },
    { ...common, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.js'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.js'],
      globalSetup: '<rootDir>/test/e2e/env/global-setup.js',
    },
    {
      // Fault injection on the real local environment (worker kills, Temporal restart, long outages): `npm run test:faults`.
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.js'],
      globalSetup: '<rootDir>/test/e2e/env/global-setup.js',
    },
  ],
};
