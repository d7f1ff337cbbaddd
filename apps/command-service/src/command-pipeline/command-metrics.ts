import type { ProblemData } from '@platform/contracts';
import { counter, histogram } from '@platform/observability';

/** Commands carried out by the command service (from the gateway and the saga), by tenant, type and outcome. */
export const commandsHandled = counter(
  'command_service_commands_total',
  'Commands handled by the command service, by tenant, type and outcome (accepted, refused, invalid, unavailable)',
  ['tenant', 'type', 'outcome'],
);

/** From the message's arrival at the handler to its answer, by type. */
export const commandSeconds = histogram(
  'command_service_command_duration_seconds',
  'Time to handle one command in the command service (load, decide, append), by type and outcome',
  ['type', 'outcome'],
);

/** The outcome label of a command's answer. */
export function commandOutcome(problem: ProblemData | undefined): 'accepted' | 'refused' | 'unavailable' {
  if (problem === undefined) return 'accepted';
  return problem.kind === 'unavailable' || problem.kind === 'timeout' || problem.kind === 'internal'
    ? 'unavailable'
    : 'refused';
}

/**
 * The quota a `quotaExceeded` refusal names: a monthly quota's `RateLimit-Policy` name without its
 * `-per-month` (`orders`), else `storage` (the storage refusal has no policy header).
 */
export function quotaOf(problem: ProblemData): string {
  const policy = problem.headers?.['ratelimit-policy'];
  const name = policy === undefined ? undefined : /^"([a-z-]+?)(?:-per-month)?"/.exec(policy)?.[1];
  return name ?? 'storage';
}
