import type { Client } from 'cassandra-driver';
import type { Maturity, StoredProfile } from '@marquee/domain';

/**
 * `member_profiles`: one row per member who has a profile. A write replaces the whole profile
 * (an absent region is cleared), so writing the same profile twice is harmless.
 */
export class ProfilesRepository {
  constructor(private readonly client: Client) {}

  async put(memberId: string, profile: StoredProfile): Promise<void> {
    await this.client.execute(
      'INSERT INTO member_profiles (member_id, maturity, region, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)',
      [
        memberId,
        profile.maturity,
        profile.region ?? null,
        new Date(profile.updatedAt),
        profile.updatedBy ?? null,
      ],
      { prepare: true },
    );
  }

  async get(memberId: string): Promise<StoredProfile | null> {
    const row = (
      await this.client.execute(
        'SELECT maturity, region, updated_at, updated_by FROM member_profiles WHERE member_id = ?',
        [memberId],
        { prepare: true },
      )
    ).first();
    if (!row) return null;
    const region = row['region'] as string | null;
    const updatedBy = row['updated_by'] as string | null;
    return {
      maturity: row['maturity'] as Maturity,
      ...(region ? { region } : {}),
      updatedAt: (row['updated_at'] as Date).toISOString(),
      ...(updatedBy ? { updatedBy } : {}),
    };
  }
}
