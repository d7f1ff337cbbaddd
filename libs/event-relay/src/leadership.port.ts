/**
 * Exactly one active relay per name across all instances. Every instance calls {@link acquire}; one
 * gets a lease, the others wait (retrying) until the leader releases it or dies.
 *
 * @example
 * ```ts
 * const lease = await leadership.acquire('postgres->kafka:', stopping.signal); // waits while another leads
 * lease.lost.addEventListener('abort', () => subscription.stop());
 * await publish(batch);
 * await lease.confirm(); // still the leader? (throws, and aborts `lost`, if not)
 * await checkpoints.save(name, batch.at(-1).checkpoint);
 * await lease.release();
 * ```
 */
export interface RelayLeadership {
  /**
   * Resolves once this instance leads `name`; retries while another instance does. Rejects only
   * when `signal` is aborted (with its reason).
   */
  acquire(name: string, signal: AbortSignal): Promise<LeadershipLease>;
}

/** Leadership held by this instance, until {@link release} or until it is lost. */
export interface LeadershipLease {
  /**
   * Aborted as soon as leadership is known to be lost (the lock's connection failed or a heartbeat
   * went unanswered) or released. A relay whose lease is lost stops publishing at once and stores
   * no further checkpoint.
   */
  readonly lost: AbortSignal;
  /** Resolves if leadership is still held now; otherwise aborts {@link lost} and rejects. */
  confirm(): Promise<void>;
  /** Gives leadership up (a follower takes over) and frees the lease's resources. Idempotent. */
  release(): Promise<void>;
}

/** Why a lease ended: the reason of {@link LeadershipLease.lost}. */
export class LeadershipLostError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LeadershipLostError';
  }
}
