import { Inject, Injectable } from '@nestjs/common';
import { mintToken } from '@marquee/auth';
import type { MarqueeConfig } from '@marquee/config';
import { CONFIG } from '../tokens';

const DEMO_TOKEN_LIFETIME = '1h';

/** Short-lived device tokens signed with the local secret, for the demo page. */
@Injectable()
export class DemoService {
  constructor(@Inject(CONFIG) private readonly config: MarqueeConfig) {}

  async session(memberId: string) {
    const token = await mintToken({ role: 'device', memberId }, this.config.auth.secret, DEMO_TOKEN_LIFETIME);
    return { memberId, role: 'device' as const, token, expiresIn: DEMO_TOKEN_LIFETIME };
  }
}
