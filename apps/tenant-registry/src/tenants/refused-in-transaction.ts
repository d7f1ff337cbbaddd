import type { Refusal } from '@platform/command-handling';

/**
 * Thrown inside an audited transaction when a rule checked under its locks refuses the change, so
 * that the transaction (and its audit record) rolls back; caught right outside and turned back into
 * the {@link Refusal} value.
 */
export class RefusedInTransaction extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.detail);
    this.name = 'RefusedInTransaction';
  }
}
