import type { CommandRecord } from './types.js';

/**
 * The unit of a command record's `timings`. Since the first release every command records its
 * duration in milliseconds (`{ingest: 1234.5}`) and the pipeline's `run` records its steps in
 * seconds (`{ingest: 1.23, total: 4.5}`). Stored records keep what they were written with (clients
 * read them); what shows them (`runs --json`, `GET /runs`, diagnostics) adds the unit and the
 * same figures in seconds, so one field means one unit for every command.
 */
export function timingsUnit(run: Pick<CommandRecord, 'command'>): 'ms' | 's' {
  return run.command === 'run' ? 's' : 'ms';
}

/** A command record's timings in seconds, whatever the command. */
export function timingsSeconds(run: Pick<CommandRecord, 'command' | 'timings'>): Record<string, number> {
  if (timingsUnit(run) === 's') return { ...run.timings };
  return Object.fromEntries(Object.entries(run.timings).map(([k, v]) => [k, typeof v === 'number' ? v / 1000 : v]));
}

export type ShownCommandRecord = CommandRecord & { timingsUnit: 'ms' | 's'; timingsSeconds: Record<string, number> };

/** A command record as shown to clients: as recorded, plus `timingsUnit` and `timingsSeconds`. */
export function showCommandRecord(run: CommandRecord): ShownCommandRecord {
  return { ...run, timingsUnit: timingsUnit(run), timingsSeconds: timingsSeconds(run) };
}
