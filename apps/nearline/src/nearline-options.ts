import { loadConfig, type MarqueeConfig } from '@marquee/config';
import type { NearlineOptions } from '@marquee/play-processing';

/** The nearline process's own settings from `env` (the one configuration schema); a bad value names its variable. */
export function nearlineOptionsFromEnv(env: NodeJS.ProcessEnv): NearlineOptions {
  return nearlineOptions(loadConfig(env));
}

/** The nearline process's own settings, from its configuration. */
export function nearlineOptions(config: MarqueeConfig): NearlineOptions {
  const nearline = config.nearline;
  return {
    ...(nearline.similarRegistration ? { neighboursRegistration: nearline.similarRegistration } : {}),
    ...(nearline.concurrency ? { concurrency: nearline.concurrency } : {}),
    ...(nearline.consumers ? { consumers: nearline.consumers } : {}),
  };
}
