import { DatabaseError, type Pool } from 'pg';
import type { Queryable } from './tenant-rows';

/** The slug is, or was, another tenant's: slugs are never given out twice. */
export class SlugTakenError extends Error {
  constructor(readonly slug: string) {
    super(`the slug ${slug} is taken`);
    this.name = 'SlugTakenError';
  }
}

/** Every slug ever taken (`slugs`), kept after its tenant is deleted. */
export class SlugReservations {
  constructor(
    private readonly pool: Pool,
    private readonly s: string,
  ) {}

  /**
   * Takes `slug` for `tenantId` inside the creating transaction. Of two concurrent creations of one
   * slug, the second waits for the first and fails with {@link SlugTakenError} once it commits.
   */
  async reserve(tx: Queryable, slug: string, tenantId: string): Promise<void> {
    try {
      await tx.query(`insert into ${this.s}.slugs (slug, tenant_id) values ($1, $2)`, [slug, tenantId]);
    } catch (error) {
      if (error instanceof DatabaseError && error.code === '23505') throw new SlugTakenError(slug);
      throw error;
    }
  }

  /** The tenant that holds (or held) `slug`. */
  async owner(slug: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ tenant_id: string }>(
      `select tenant_id from ${this.s}.slugs where slug = $1`,
      [slug],
    );
    return rows[0]?.tenant_id;
  }
}
