/** What the gate knows of its topics' parked messages. */
type Knowledge = 'unknown' | 'none' | 'some';

/**
 * Whether a batch's aggregates must be looked up among the parked ones (issue 8: that lookup was a
 * statement per batch, nearly always answering "none"). The partition's owner is the only one
 * that parks its aggregates (a failed message, or one behind it); operators only unpark. So this
 * instance knows there is nothing parked on its partitions once it has checked, until it parks
 * something itself or partitions move (a new group assignment: check again before the first batch
 * of it). While something is parked every batch is looked up, and the table is checked again now
 * and then to notice that operators emptied it.
 *
 * @example
 * const gate = new ParkedGate(() => parked.anyParked(topics));
 * if (await gate.mayBeParked(context.assignment)) lookup(...);
 * gate.parking(); // before parking a message
 */
export class ParkedGate {
  private knowledge: Knowledge = 'unknown';
  private assignment = Number.NaN;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** Parkings so far: a check that overlapped one does not conclude "none". */
  private parkings = 0;

  constructor(
    private readonly anyParked: () => Promise<boolean>,
    private readonly recheckMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the batch fetched under `assignment` must be looked up. */
  async mayBeParked(assignment: number): Promise<boolean> {
    if (assignment !== this.assignment) {
      this.assignment = assignment;
      this.knowledge = 'unknown';
    }
    if (this.knowledge === 'none') return false;
    if (this.knowledge === 'unknown' || this.now() - this.checkedAt >= this.recheckMs) {
      const parkings = this.parkings;
      const any = await this.anyParked();
      this.checkedAt = this.now();
      // a parking meanwhile (now 'some'), or partitions that moved meanwhile (now 'unknown'), win
      if (this.parkings === parkings && this.assignment === assignment)
        this.knowledge = any ? 'some' : 'none';
    }
    return this.knowledge !== 'none';
  }

  /** Called before this instance parks a message: every batch is looked up from now on. */
  parking(): void {
    this.parkings += 1;
    this.knowledge = 'some';
  }
}
