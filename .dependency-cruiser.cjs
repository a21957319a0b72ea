/** Import rules from docs/ARCHITECTURE.md, checked in CI (npm run depcheck). */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'shared-is-isomorphic',
      comment: 'src/shared runs in the browser too: no node:*, no server, no web',
      severity: 'error',
      from: { path: '^src/shared' },
      to: { path: '^(src/server|src/web)|^node:', dependencyTypes: ['local', 'core', 'npm'] },
    },
    {
      name: 'shared-no-core-modules',
      severity: 'error',
      from: { path: '^src/shared' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'web-never-imports-server',
      severity: 'error',
      from: { path: '^src/web' },
      to: { path: '^src/server' },
    },
    {
      name: 'nothing-imports-http',
      comment: 'http/ is an outer layer; only the serve command and main wire it in',
      severity: 'error',
      from: { path: '^src/server', pathNot: '^src/server/(http|cli/serve-command\\.ts|main\\.ts)' },
      to: { path: '^src/server/http' },
    },
    {
      name: 'routes-get-their-services',
      comment:
        'http/ is handed the services each plugin needs (buildApp(deps) in http/app.ts), never the container',
      severity: 'error',
      from: { path: '^src/server/http' },
      to: { path: '^src/server/container\\.ts$' },
    },
    {
      name: 'domain-is-inner',
      comment: 'domain services never reach out to http, cli or workers',
      severity: 'error',
      from: { path: '^src/server/domain' },
      to: { path: '^src/server/(http|cli|workers|main\\.ts|container\\.ts)' },
    },
    {
      name: 'db-is-innermost',
      severity: 'error',
      from: { path: '^src/server/db' },
      to: { path: '^src/server/(domain|http|cli|workers|integrations)' },
    },
    {
      name: 'migrations-import-nothing-from-the-app',
      severity: 'error',
      from: { path: '^src/server/db/migrations' },
      to: { path: '^src/', pathNot: '^src/server/db/migrations' },
    },
    {
      name: 'subjects-meet-through-index',
      comment: 'a subject reads another subject only through its index.ts',
      severity: 'error',
      from: { path: '^src/server/domain/([^/]+)/' },
      to: {
        path: '^src/server/domain/([^/]+)/',
        pathNot: ['^src/server/domain/$1/', '^src/server/domain/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'index-offers-no-repository',
      comment:
        "a subject's index.ts exports its factory, types and ports, never repository functions: " +
        "others read through the owner's service and its visibility rules (types may pass)",
      severity: 'error',
      from: { path: '^src/server/domain/[^/]+/index\\.ts$' },
      to: { path: '-repository\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'clocks-import-no-subject-they-time',
      comment:
        'incidents and reports name the clocks event data (clocks/index.ts): the clocks read them ' +
        'only through the ports they declare (ClockIncidents, ClockReports, ClockIncident), so ' +
        'no import back, not even of a type, can close a cycle',
      severity: 'error',
      from: { path: '^src/server/domain/clocks/' },
      to: { path: '^src/server/domain/(incidents|reports)/' },
    },
    {
      name: 'outer-layers-skip-no-repository',
      comment: 'http, cli and workers call a service of the subject, not its repository',
      severity: 'error',
      from: { path: '^src/server/(http|cli|workers)/|^src/server/(container|main)\\.ts$' },
      to: { path: '^src/server/domain/.*-repository\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-notifications-write-the-outbox',
      comment:
        'every notice goes through the notifications subject (preferences, quiet hours, channels); ' +
        'nothing else enqueues into the outbox (db/outbox.ts) but the issues handed to a ' +
        'development tracker (trackers/tracker-outbox.ts), which are no notice to a person',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot:
          '^src/server/(domain/notifications/|domain/trackers/tracker-outbox\\.ts$|workers/outbox-worker\\.ts$|db/outbox\\.ts$)',
      },
      to: { path: '^src/server/db/outbox\\.ts$' },
    },
    {
      name: 'rules-are-pure',
      comment: '*-rules.ts decide; they do no I/O',
      severity: 'error',
      from: { path: '-rules\\.ts$' },
      to: {
        path: '^src/server/db/(database|transaction|event-store)|^node:(fs|net|http|child_process)|kysely|pg|better-sqlite3',
        dependencyTypes: ['local', 'core', 'npm'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
