import type { Command } from 'commander';
import { readConfig, unsafeForProduction, type MarqueeConfig } from '@marquee/config';

/** The effective configuration with every secret replaced, safe to print or attach to a ticket. */
export function redacted(config: MarqueeConfig): MarqueeConfig {
  return { ...config, auth: { ...config.auth, secret: '(redacted)' } };
}

export function registerConfigCommands(program: Command): void {
  program
    .command('config')
    .description('the configuration this environment gives every process')
    .command('check')
    .description(
      'print the effective configuration (secrets redacted) and exit non-zero on anything unsafe in production',
    )
    .option('--production', 'check as if MARQUEE_ENV were production')
    .option('--json', 'print one JSON object {config, production, unsafe}')
    .action((opts: { production?: boolean; json?: boolean }) => {
      const config = readConfig(process.env, 'marquee-cli');
      const production = opts.production === true || config.env === 'production';
      const unsafe = production ? unsafeForProduction(config) : [];
      if (opts.json) console.log(JSON.stringify({ config: redacted(config), production, unsafe }));
      else {
        console.log(JSON.stringify(redacted(config), null, 2));
        if (!production) console.log('development: not checked for production (use --production)');
        else if (unsafe.length === 0) console.log('safe for production');
        else for (const problem of unsafe) console.error(`unsafe: ${problem}`);
      }
      if (unsafe.length > 0) process.exitCode = 1;
    });
}
