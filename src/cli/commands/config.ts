import type { RegisterCommand } from './registry.js';

export async function runConfigPrint(opts: { config?: string; json?: boolean }): Promise<number> {
  const { loadConfig, describeConfig } = await import('../../config/load.js');
  const loaded = loadConfig(opts.config ? { file: opts.config } : {});
  if (opts.json) {
    const entries = describeConfig(loaded).map((line) => {
      const m = /^(\S+) = (.*)  \((\w+)\)$/.exec(line)!;
      return { key: m[1], value: m[2] === '<redacted>' ? '<redacted>' : (JSON.parse(m[2]!) as unknown), origin: m[3] };
    });
    process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
  } else {
    process.stdout.write(`# ${loaded.file ? `config file: ${loaded.file}` : 'no config file (convene.config.json not found)'}\n`);
    process.stdout.write(describeConfig(loaded).join('\n') + '\n');
  }
  return 0;
}

export async function runConfigDocs(): Promise<number> {
  const { configReference } = await import('../../config/reference.js');
  process.stdout.write(configReference());
  return 0;
}

export const configCommand: RegisterCommand = (program, exit) => {
  const config = program.command('config').description('show the effective configuration, or its reference');
  config
    .command('print')
    .description('print every effective value and where it came from (default, file, env, flag, inherited); secrets redacted')
    .option('--config <file>', 'the config file (default: ./convene.config.json when present)')
    .option('--json', 'print a JSON array of { key, value, origin }')
    .action(async (opts) => {
      exit.code = await runConfigPrint(opts);
    });
  config
    .command('docs')
    .description('print the configuration reference (docs/config.md) generated from the schemas')
    .action(async () => {
      exit.code = await runConfigDocs();
    });
  for (const c of config.commands) c.exitOverride().allowExcessArguments(false);
};
