#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerCommands } from './commands.js';
import { RiskwatchError } from '../contracts/errors.js';
import { installStopHandlers } from './stop.js';
import { argvWantsJson, choiceArg, LOG_LEVELS } from './args.js';
import { describeFailure } from './run-command.js';

installStopHandlers();

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('riskwatch')
  .description('Keeps a client-attrition risk model accurate in production.')
  .version(pkg.version)
  .option('-c, --config <file>', 'config file', 'config.json')
  .option('--json', 'print exactly one JSON object on stdout')
  .option('--log-level <level>', LOG_LEVELS.join(' | '), choiceArg('--log-level', LOG_LEVELS))
  .showHelpAfterError('(run riskwatch --help for usage)')
  .exitOverride();

registerCommands(program);
program.commands.forEach((c) => c.exitOverride());

/** Failures the commands did not report themselves: one line on stderr, with --json one JSON object on stdout too. */
function report(message: string, exitCode: number, alreadyOnStderr = false): void {
  if (!alreadyOnStderr) process.stderr.write(`riskwatch: ${message}\n`);
  if (argvWantsJson(process.argv.slice(2))) process.stdout.write(JSON.stringify({ error: { message, exitCode } }) + '\n');
  process.exitCode = exitCode;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and --version are successes; anything else commander rejected is a usage error
    // (commander has written its own line on stderr).
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exitCode = 0;
    else report(err.message.replace(/^error: /, ''), 2, true);
  } else if (err instanceof RiskwatchError) {
    report(err.message, err.exitCode);
  } else {
    // A bug: one line, not a stack trace through the bundle (with --log-level debug, the stack too).
    const { message, exitCode } = describeFailure(err);
    if (/^(debug|trace)$/.test(program.opts<{ logLevel?: string }>().logLevel ?? '')) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    report(message, exitCode);
  }
}
