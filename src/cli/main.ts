#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerCommands } from './commands.js';
import { RiskwatchError } from '../util/errors.js';
import { installStopHandlers } from './stop.js';

installStopHandlers();

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('riskwatch')
  .description('Keeps a client-attrition risk model accurate in production.')
  .version(pkg.version)
  .option('-c, --config <file>', 'config file', 'config.json')
  .option('--json', 'print exactly one JSON object on stdout')
  .option('--log-level <level>', 'fatal | error | warn | info | debug | trace | silent')
  .showHelpAfterError('(run riskwatch --help for usage)')
  .exitOverride();

registerCommands(program);
program.commands.forEach((c) => c.exitOverride());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and --version are successes; anything else commander rejected is a usage error.
    process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
  } else if (err instanceof RiskwatchError) {
    process.stderr.write(`riskwatch: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    throw err;
  }
}
