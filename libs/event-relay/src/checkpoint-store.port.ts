import type { Checkpoint } from '@platform/event-store';

/**
 * Where a relay keeps how far it got: the checkpoint of the last event that Kafka acknowledged,
 * under the relay's name. The relay saves a checkpoint only after every event up to it is
 * acknowledged (acks=all), so a stored checkpoint is never ahead of what Kafka has; a new leader
 * resumes right after it. Each save replaces the previous one atomically.
 *
 * The checkpoint is opaque (the event store's encoding): a PostgreSQL-backed and an
 * EventStoreDB-backed relay keep theirs in the same table under different names.
 *
 * @example
 * ```ts
 * const checkpoints = await PostgresCheckpointStore.create({ connectionString });
 * await checkpoints.migrate();
 * const from = await checkpoints.load('postgres->kafka:');
 * // ... publish the events after `from`, wait for the acknowledgement, then:
 * await checkpoints.save('postgres->kafka:', lastPublished.checkpoint);
 * ```
 */
export interface CheckpointStore {
  /**
   * Where `name` resumes: after its last saved checkpoint, or after the start set by
   * {@link initialize}; `undefined` means the beginning of the log.
   */
  load(name: string): Promise<Checkpoint | undefined>;
  /** Replaces the checkpoint of `name`, atomically. */
  save(name: string, checkpoint: Checkpoint): Promise<void>;
  /**
   * Sets where a relay that never ran starts: after `checkpoint`, or at the beginning when it is
   * `undefined`. Does nothing when `name` already has a checkpoint or a start (the first caller of
   * several concurrent ones wins).
   */
  initialize(name: string, checkpoint: Checkpoint | undefined): Promise<void>;
}
