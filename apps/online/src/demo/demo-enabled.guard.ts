import { Inject, Injectable, NotFoundException, type CanActivate } from '@nestjs/common';
import type { OnlineOptions } from '../online-options';
import { OPTIONS } from '../tokens';

/** The demo page and its tokens exist only where it is switched on (before the body is read). */
@Injectable()
export class DemoEnabledGuard implements CanActivate {
  constructor(@Inject(OPTIONS) private readonly options: OnlineOptions) {}

  canActivate(): boolean {
    if (!this.options.demoPage)
      throw new NotFoundException(
        'the demo page is off (it runs only with the local token secret; MARQUEE_DEMO_PAGE)',
      );
    return true;
  }
}
