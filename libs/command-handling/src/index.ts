// One command pipeline for every aggregate (ADR 0019): load, answer a repeat, If-Match, decide,
// append, retry on conflict, refuse; and the one Refusal type with its mapping to a problem.
export * from './refusal';
export * from './stream-cache';
export * from './handle-command';
