// Lint rules of STYLE.md: strict type-checked rules and the import boundaries between layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const driverBoundary = (...allowed) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...(allowed.includes('mysql2')
          ? []
          : [{ group: ['mysql2', 'mysql2/*'], message: 'Only src/mysql2 imports mysql2.' }]),
        ...(allowed.includes('ioredis')
          ? []
          : [{ group: ['ioredis', 'ioredis/*'], message: 'Only src/ioredis imports ioredis.' }]),
        ...(allowed.includes('otel')
          ? []
          : [
              {
                group: ['@opentelemetry/*'],
                message: 'Only src/telemetry imports @opentelemetry/*.',
              },
            ]),
        ...(allowed.includes('cli')
          ? []
          : [{ group: ['**/cli/*'], message: 'Nothing in the library imports the CLI.' }]),
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.tmp/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-invalid-void-type': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use explicit named exports (STYLE.md).' },
        { selector: 'ExportDefaultDeclaration', message: 'No default exports (STYLE.md).' },
      ],
    },
  },
  { files: ['src/**/*.ts'], rules: driverBoundary() },
  { files: ['src/mysql2/**/*.ts'], rules: driverBoundary('mysql2') },
  { files: ['src/ioredis/**/*.ts'], rules: driverBoundary('ioredis') },
  { files: ['src/telemetry/**/*.ts'], rules: driverBoundary('otel') },
  { files: ['src/cli/**/*.ts'], rules: driverBoundary('cli') },
  // The CLI is an application, not library code: like the demo it owns an OpenTelemetry SDK
  // (DESIGN.md), loaded with import() only when OTEL_EXPORTER_OTLP_ENDPOINT is set. This one
  // file holds it; the rest of src/cli stays on the library's side of the boundary.
  { files: ['src/cli/cliTelemetry.ts'], rules: driverBoundary('cli', 'otel') },
  {
    files: ['spec/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
