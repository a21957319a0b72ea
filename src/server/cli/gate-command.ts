// `stopline gate`: for CI and deploy pipelines. Exit 0 while the line runs; exit 1 naming the
// incidents that stop it. `--allow-ref TEXT` (a commit message or branch name) lets a change
// through when it names every stopping incident's key: the fix itself may ship. Reads the line
// from the database, or from a remote Stopline with `--url URL --token TOKEN`. Any doubt (the
// server cannot be reached, the answer is not understood) fails closed with exit 2.
import { parseArgs } from 'node:util';
import { LineState } from '../../shared/api/line.ts';
import type { Config } from '../config.ts';
import { systemActor } from '../domain/actor.ts';
import { createIncidentsReader, gateVerdict, type LineView } from '../domain/incidents/index.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export const GATE_USAGE = `Usage: stopline gate [--allow-ref TEXT] [--url URL --token TOKEN]

  --allow-ref TEXT  pass when TEXT (e.g. a commit message) names every stopping incident's key
  --url URL         ask a remote Stopline instead of the database (needs --token)
  --token TOKEN     an API token allowed to read the line (also STOPLINE_GATE_TOKEN)

Exit codes: 0 line running (or the change is the fix), 1 line stopped, 2 could not tell.`;

/** The line as the database gives it: times in epoch milliseconds. */
type Line = LineView;

/** The API answers RFC 3339 times; they are read back into the database's shape. */
async function remoteLine(url: string, token: string): Promise<Line> {
  const response = await fetch(new URL('/api/v1/line', url), {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  const parsed = LineState.safeParse(await response.json());
  if (!parsed.success) throw new Error(`${url} did not answer with a line state`);
  const { state, since, incidents } = parsed.data;
  return {
    state,
    since: since === null ? null : Date.parse(since),
    incidents: incidents.map((i) => ({ ...i, stoppedAt: Date.parse(i.stoppedAt) })),
  };
}

async function localLine(config: Config): Promise<Line> {
  const handle = await openMigratedDatabase(config);
  try {
    // The operator at the server's console acts as the system, through the incidents' use case.
    return await createIncidentsReader({ db: handle.db }).readLineAs(systemActor);
  } finally {
    await handle.close();
  }
}

export async function gateCommand(
  config: Config,
  args: string[],
  out: Output,
  env: Record<string, string | undefined>,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'allow-ref': { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    out.error(`stopline gate: ${(error as Error).message}\n\n${GATE_USAGE}`);
    return 2;
  }
  const token = values.token ?? env.STOPLINE_GATE_TOKEN;
  if (values.url && !token) {
    out.error(`stopline gate: --url needs --token (or STOPLINE_GATE_TOKEN)\n\n${GATE_USAGE}`);
    return 2;
  }
  let line: Line;
  try {
    line = values.url ? await remoteLine(values.url, token!) : await localLine(config);
  } catch (error) {
    out.error(
      `stopline gate: cannot read the line, so failing closed: ${(error as Error).message}`,
    );
    return 2;
  }
  if (line.state === 'running') {
    out.info('line is running: ship it');
    return 0;
  }
  const verdict = gateVerdict(line.incidents, values['allow-ref']);
  const describe = (key: string) => {
    const incident = line.incidents.find((i) => i.key === key)!;
    return `  ${key} ${incident.severity ?? ''} ${incident.title} (since ${new Date(incident.stoppedAt).toISOString()})`;
  };
  if (verdict.pass) {
    out.info(
      `line is stopped, but this change names ${verdict.allowed.join(', ')}: the fix may ship`,
    );
    return 0;
  }
  out.error(
    [
      `line is STOPPED by ${verdict.blocking.length} incident(s): ${verdict.blocking.join(' ')}`,
      ...verdict.blocking.map(describe),
      'Only a change that names every stopping incident key (--allow-ref) may ship.',
    ].join('\n'),
  );
  return 1;
}
