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

