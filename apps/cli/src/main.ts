#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type MarqueeConfig } from '@marquee/config';
import { ValidationError } from '@marquee/domain';
import { registerAlgorithmCommands } from './algorithm-commands';
import { registerBenchCommands } from './bench-commands';
import { registerCatalogCommands } from './catalog-commands';
import { registerChaosCommands } from './chaos-commands';
import { registerConfigCommands } from './config-commands';
import { registerFreshnessBench } from './bench-freshness-commands';
import { registerImportBench } from './bench-import-commands';
import { registerPipelineBench } from './bench-pipeline-commands';
import { registerOnlineBench, registerOverloadBench } from './bench-online-commands';
import { registerDemoCommands } from './demo-commands';
import { registerEvalCommands } from './eval-commands';
import { registerImportCommands } from './import-commands';
import { registerModelCommands } from './model-commands';
import { registerPlatformCommands } from './platform-commands';
import { registerRulesCommands } from './rules-commands';
import { registerStackCommands } from './stack-commands';
import { registerTokenCommands } from './token-commands';

/** `marquee`: the operators' and experimenters' command line. */
async function main(argv: string[]): Promise<void> {
  let cached: MarqueeConfig | undefined;
  const config = () => (cached ??= loadConfig(process.env, 'marquee-cli'));
  const program = new Command('marquee')
    .description('Marquee personalization platform: local stack, plays, pipelines, demo')
    .exitOverride()
    .showHelpAfterError();
  registerStackCommands(program, config);
  registerPlatformCommands(program, config);
  registerDemoCommands(program, config);
  registerAlgorithmCommands(program, config);
  registerModelCommands(program, config);
  registerCatalogCommands(program, config);
  registerRulesCommands(program, config);
  registerImportCommands(program, config);
  registerEvalCommands(program);
  registerTokenCommands(program, config);
  registerConfigCommands(program);
  registerChaosCommands(program, config);
  const bench = registerBenchCommands(program, config);
  registerOnlineBench(bench, config);
  registerOverloadBench(bench, config);
  registerFreshnessBench(bench, config);
  registerImportBench(bench, config);
  registerPipelineBench(bench, config);
  await program.parseAsync(argv);
}

main(process.argv)
  .then(() => {
    // Client libraries keep sockets alive; a finished command ends the process.
    process.exit(process.exitCode ?? 0);
  })
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof ValidationError || error instanceof ConfigError) {
      console.error(`marquee: ${error.message}`);
      process.exit(2);
    }
    console.error(`marquee: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  });
