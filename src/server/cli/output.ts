// Where CLI commands print: stdout for results, stderr for errors. Injected so tests can read it.
import { AppError } from '../errors.ts';

export interface Output {
  info(line: string): void;
  error(line: string): void;
}

export const consoleOutput: Output = {
  info: (line) => process.stdout.write(line + '\n'),
  error: (line) => process.stderr.write(line + '\n'),
};

/**
 * A refusal from a use case (bad input, a missing permission) is one line naming the command and
 * the fields, exit 1; anything else is not the operator's to fix here and is thrown on.
 */
export function refusal(command: string, error: unknown, out: Output): number {
  if (error instanceof AppError && error.code !== 'INTERNAL') {
    const fields = error.details.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
    out.error(`stopline ${command}: ${error.message}${fields ? ` (${fields})` : ''}`);
    return 1;
  }
  throw error;
}
