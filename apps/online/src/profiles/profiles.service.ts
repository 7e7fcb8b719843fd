import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { DEFAULT_PROFILE, UnavailableError, type Profile, type StoredProfile } from '@marquee/domain';
import { announceMemberUpdate, type Topics } from '@marquee/kafka';
import { errorContext, type Logger } from '@marquee/observability';
import { RowsService } from '@marquee/pages';
import { ProfileStore } from '@marquee/storage';
import { LOGGER, PRODUCER, TOPICS } from '../tokens';

export interface ProfileAnswer {
  memberId: string;
  maturity: Profile['maturity'];
  region?: string;
  /** False: the member has no profile and is an adult in the region of each request. */
  stored: boolean;
  updatedAt?: string;
}

const answer = (memberId: string, profile: StoredProfile | null): ProfileAnswer =>
  profile
    ? {
        memberId,
        maturity: profile.maturity,
        ...(profile.region ? { region: profile.region } : {}),
        stored: true,
        updatedAt: profile.updatedAt,
      }
    : { memberId, maturity: DEFAULT_PROFILE.maturity, stored: false };

/**
 * Member profiles: written to Cassandra and memcached (idempotent), applied by this instance's
 * pages at once and announced on `members.updated` so other replicas drop what they keep for the
 * member.
 */
@Injectable()
export class ProfilesService {
  constructor(
    private readonly profiles: ProfileStore,
    private readonly rows: RowsService,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async get(memberId: string): Promise<ProfileAnswer> {
    return answer(
      memberId,
      await this.stores(`read the profile of member ${memberId}`, () => this.profiles.read(memberId)),
    );
  }

  async put(memberId: string, profile: Profile, by: string): Promise<ProfileAnswer> {
    const stored: StoredProfile = { ...profile, updatedAt: new Date().toISOString(), updatedBy: by };
    await this.stores(`write the profile of member ${memberId}`, () => this.profiles.write(memberId, stored));
    this.rows.invalidate(memberId);
    try {
      await announceMemberUpdate(this.producer, this.topics, [memberId], 'profile');
    } catch (error) {
      // The write stands: other replicas apply it when their copy of the profile expires.
      this.logger.warn(
        { ...errorContext(error), memberId },
        'members.updated not sent for a profile change; other replicas follow within their near-cache TTL',
      );
    }
    return answer(memberId, stored);
  }

  /** A store that cannot answer is a 503 the client may retry (the write is idempotent). */
  private async stores<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new UnavailableError(`could not ${what}: ${(error as Error).message.split('\n')[0]}; retry`, 1, {
        cause: error,
      });
    }
  }
}
