// Which tables each statement touches, through a Kysely plugin on the app's database
// (createTestApp({ databasePlugins: [recorder] })): for tests that a command does not read what
// it has no need of. bench/incident-statements.ts counts statements the same way.
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

// A raw statement (sql`...`, as PostgreSQL's one-round-trip event append) has no table nodes:
// the tables it names after from, join, into, update or table are read from its text.
const RAW_TABLE = /\b(?:from|join|into|update|table)\s+"?([a-z_][a-z0-9_]*)"?/gi;

/** Every table a query's tree names (its from, joins, subqueries, insert or update target). */
function tablesOf(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const child of node) tablesOf(child, into);
  } else if (node && typeof node === 'object') {
    const n = node as {
      kind?: string;
      table?: { identifier?: { name?: string } };
      sqlFragments?: readonly string[];
    };
    if (n.kind === 'TableNode' && n.table?.identifier?.name) into.add(n.table.identifier.name);
    if (n.kind === 'RawNode' && n.sqlFragments) {
      for (const match of n.sqlFragments.join(' ').matchAll(RAW_TABLE)) {
        into.add(match[1]!.toLowerCase());
      }
    }
    for (const child of Object.values(node)) tablesOf(child, into);
  }
  return into;
}

export class StatementRecorder implements KyselyPlugin {
  /** The tables of each statement since the last `take()`, in order. */
  private statements: string[][] = [];

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.statements.push([...tablesOf(args.node)].sort());
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }

  /** The statements recorded since the last call, and starts afresh. */
  take(): string[][] {
    const taken = this.statements;
    this.statements = [];
    return taken;
  }

  /** Runs `work` and answers its result with the tables of every statement it sent. */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[][] }> {
    this.take();
    const result = await work();
    return { result, statements: this.take() };
  }
}
