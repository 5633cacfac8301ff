// `latentspike` — simulate run files, emit and run the paper's presets, benchmark (RUN_FORMAT.md).
// Exit codes (usage.ts lists them for --help): 0 success, 1 other failure, 2 bad input (run file or
// arguments; nothing written), 3 does not fit, 130 interrupted (finished results are still written).
// `latentspike COMMAND --help` prints the command's usage, written from the table its parser is
// built from (commands.ts, options.ts); `study` answers for itself.

import {
  RunFileError,
  EXIT_BAD_INPUT,
  DoesNotFitError,
  EXIT_DOES_NOT_FIT,
  PRESETS,
  findPreset,
  runFilePreset,
  tuningOff,
  TUNING_VARIABLE,
} from '../node.ts';
import { simulateCommand } from './simulateCommand.ts';
import { listCommand, presetCommand } from './presetCommand.ts';
import { runCommand } from './runCommand.ts';
import { benchCommand } from './benchCommand.ts';
import { tableCommand } from './tableCommand.ts';
import { scaleCommand } from './scaleCommand.ts';
import { studyCommand } from './studyCommand.ts';
import { planCommand } from './planCommand.ts';
import { tuneCommand } from './tuneCommand.ts';
import { COMMANDS } from './commands.ts';
import { commandHelp, mainHelp } from './usage.ts';
import { UsageError } from './args.ts';

const USAGE = mainHelp(
  COMMANDS,
  PRESETS.map((p) => p.name),
);

export async function main(argv: string[]): Promise<number> {
  const [command, ...options] = argv;
  const spec = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  // `--no-tune` is LATENTSPIKE_TUNING=off for this process (and the workers it starts).
  const rest = spec?.tuned ? options.filter((a) => a !== '--no-tune') : options;
  if (rest.length < options.length) process.env[TUNING_VARIABLE] = 'off';
  // `latentspike COMMAND --help` (and `latentspike help COMMAND`); study answers for itself.
  const helpFor = command === 'help' && rest.length === 1 ? rest[0] : command;
  const usage = helpFor !== undefined && Object.hasOwn(COMMANDS, helpFor) ? COMMANDS[helpFor] : undefined;
  const askedForHelp = command === 'help' || rest.includes('--help') || rest.includes('-h');
  if (usage && askedForHelp && helpFor !== 'study') {
    process.stdout.write(`${commandHelp(usage)}\n`);
    return 0;
  }
  if (command === 'help' && helpFor === 'study') return studyCommand(['help']);
  try {
    const tuning = tuningOff(process.env);
    if (tuning instanceof Error && (spec?.tuned || command === 'tune')) {
      throw new UsageError(tuning.message);
    }
    switch (command) {
      case 'simulate':
        return await simulateCommand(rest);
      case 'preset':
        return presetCommand(rest);
      case 'run':
        return await runCommand(rest, {
          findPreset: (name, options) => findPreset(name) ?? runFilePreset(name, options),
        });
      case 'list':
        return listCommand(rest);
      case 'bench':
        return await benchCommand(rest);
      case 'table':
        return await tableCommand(rest);
      case 'scale':
        return await scaleCommand(rest);
      case 'study':
        return await studyCommand(rest);
      case 'plan':
        return await planCommand(rest);
      case 'tune':
        return await tuneCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT_BAD_INPUT : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof DoesNotFitError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_DOES_NOT_FIT;
    }
    if (e instanceof RunFileError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    if ((e as { code?: string }).code === 'ENOENT') {
      process.stderr.write(`error: ${(e as Error).message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
