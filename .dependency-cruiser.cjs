// The layering of the monorepo, checked by `pnpm lint` (and so by `npm test`):
//
//   apps/*  →  service packages  →  infrastructure packages  →  packages/core
//
// Imports may skip a layer downwards (an app may use core), never point up, never form a circle.
// Test code (`*.test.ts`, `src/testing/`, packages/testkit, tests/*) may use the test kit; production
// code may not. CommonJS because the root package is ESM and dependency-cruiser loads its config with
// require.

/** Packages that hold one service's logic. Every other package except core and testkit is infrastructure. */
const SERVICES = [
  'classifier',
  'dashboard',
  'drift',
  'escalation',
  'eval',
  'ingest',
  'pilot',
  'retrain',
  'review-desk',
];

/**
 * Which service packages each service package may import: the direction the graph has today.
 * Adding an edge here is a design decision (it must point down, or the cycle rule fires); a
 * service that is not listed may import no other service.
 */
const SERVICE_MAY_IMPORT = {
  classifier: [],
  dashboard: [],
  escalation: [],
  pilot: [],
  retrain: [],
  eval: ['classifier'],
  ingest: ['pilot'],
  'review-desk': ['escalation'],
  drift: ['classifier', 'eval', 'pilot'],
};

// Node built-ins and the npm libraries that do I/O: core is the pure domain (the ESLint rule on
// packages/core says the same at the import statement; this one sees re-exports too).
const IO_LIBRARIES = [
  'ioredis',
  'bullmq',
  'openai',
  'pino',
  'undici',
  'fastify',
  '@fastify',
  '@slack',
  '@bull-board',
  'playwright-core',
  'prom-client',
  'autocannon',
];

const anyOf = (names) => `(?:${names.join('|')})`;
const SERVICE_PATH = `^packages/${anyOf(SERVICES)}/`;
const INFRASTRUCTURE_PATH = `^packages/(?!${anyOf([...SERVICES, 'core', 'testkit'])}/)[^/]+/`;
const TEST_CODE = ['\\.test\\.ts$', '/src/testing/', '^packages/testkit/', '^tests/'];

const serviceRules = Object.entries(SERVICE_MAY_IMPORT).map(([service, allowed]) => ({
  name: `service-${service}-imports`,
  comment:
    `packages/${service} may import ` +
    (allowed.length > 0 ? `only these service packages: ${allowed.join(', ')}` : 'no other service package') +
    '. Services depend on each other in one direction only (SERVICE_MAY_IMPORT in .dependency-cruiser.cjs).',
  severity: 'error',
  from: { path: `^packages/${service}/` },
  to: { path: SERVICE_PATH, pathNot: `^packages/${anyOf([service, ...allowed])}/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: modules that need each other cannot be understood, tested or split apart alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that cannot be resolved is an edge this check cannot see: declare the package in package.json.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'nothing-imports-apps',
      comment:
        'apps/* are processes at the top of the graph: shared logic belongs in a package. Only the repository ' +
        "scripts (scripts/, above the apps) read them: `pnpm run docs` documents each app's configuration.",
      severity: 'error',
      from: { pathNot: ['^apps/', '^scripts/'] },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-import-no-other-app',
      comment: 'One app does not import another: move what they share into a package.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    ...serviceRules,
    {
      name: 'infrastructure-imports-no-service',
      comment:
        'Infrastructure (queues, llm, runtime, local-model, web-auth, and any package not listed in SERVICES) ' +
        'sits below the service packages: it imports only other infrastructure and core.',
      severity: 'error',
      from: { path: INFRASTRUCTURE_PATH },
      to: { path: SERVICE_PATH },
    },
    {
      name: 'core-imports-no-package',
      comment: 'packages/core imports no other package of the monorepo.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^(?:apps|packages|tests)/', pathNot: '^packages/core/' },
    },
    {
      name: 'core-does-no-io',
      comment: 'packages/core is pure: no Node built-in module and no I/O library.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-uses-no-io-library',
      comment: 'packages/core is pure: no Node built-in module and no I/O library.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: `(?:^|/)node_modules/${anyOf(IO_LIBRARIES)}/` },
    },
    {
      name: 'testkit-sits-below-services',
      comment: 'The test kit is shared by the tests of every package, so it may use only infrastructure and core.',
      severity: 'error',
      from: { path: '^packages/testkit/' },
      to: { path: [SERVICE_PATH, '^apps/'] },
    },
    {
      name: 'production-imports-no-test-code',
      comment:
        'Production code (anything in apps/ or packages/ that is not *.test.ts or under src/testing/) ' +
        'imports neither @switchboard/testkit nor a src/testing/ rig.',
      severity: 'error',
      from: { path: '^(?:apps|packages)/', pathNot: TEST_CODE },
      to: { path: ['^packages/testkit/', '/src/testing/'] },
    },
    {
      name: 'testing-rigs-stay-in-their-package',
      comment: 'A src/testing/ rig serves the tests of its own package; what several packages share goes in testkit.',
      severity: 'error',
      from: { path: '^((?:apps|packages|tests)/[^/]+)/' },
      to: { path: '/src/testing/', pathNot: '^$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(?:^|/)dist/' },
    // Type-only imports are edges too: a cycle through types is still a cycle to a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    cache: false,
  },
};
