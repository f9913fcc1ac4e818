import tseslint from 'typescript-eslint';

// Workflow code is replayed and must be deterministic: no I/O libraries, no Node built-ins.
const banned = ['zod', 'execa', 'pino', 'yaml', 'prom-client', '@kubernetes/client-node', '@temporalio/activity',
  '@temporalio/client', '@temporalio/worker', 'node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http',
  'https', 'net', 'timers', '**/activities/**', '**/workers/**', '**/client/**', '**/shared/spec/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'deploy/**/*.mjs', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['workflows/**/*.ts'],
    // Type-only imports are erased at compile time, so workflows may name activity types.
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: banned.map((group) => ({
            group: [group],
            allowTypeImports: true,
            message: 'workflow code must stay deterministic: do I/O in activities',
          })),
        },
      ],
    },
  },
);
