/** Flag parsers and options shared by the commands. */
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULTS } from '../config/defaults.js';


export function number(name: string, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be ${integer ? 'a whole number' : 'a number'}`);
    return n;
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function dbOption(): Option {
  return new Option('--db <file>', 'the convene database file').default(DEFAULTS.db);
}

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table');
}


/**
 * The global flags (`convene --log-format json --quiet <command>`, or after the command):
 * main.ts stores them here before a command runs; commands read them through `log.ts`.
 */
export const globalFlags: { logFormat?: 'text' | 'json'; quiet?: boolean } = {};

export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines and progress steps as text (for people) or json (for log collectors); overrides logFormat in the config').choices(['text', 'json']);
}
