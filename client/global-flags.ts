// Flags every command accepts, anywhere on the line. They set the environment variables that the connection code
// and the printers read, so that one precedence rule holds everywhere: flag > environment > profile file.

const FLAG_TO_ENV: Record<string, string> = {
  '--address': 'TEMPORAL_ADDRESS',
  '--temporal-namespace': 'TEMPORAL_NAMESPACE',
  '--profile': 'TEMPORAL_PROFILE',
  '--config-file': 'TEMPORAL_CONFIG_FILE',
  '--task-queue': 'KSIT_TASK_QUEUE',
};

export const GLOBAL_FLAGS_HELP = [
  '  --address HOST:PORT        Temporal frontend (env TEMPORAL_ADDRESS; default 127.0.0.1:7233)',
  '  --temporal-namespace NS    Temporal namespace (env TEMPORAL_NAMESPACE; default "default")',
  '  --profile NAME             profile in the Temporal config file (env TEMPORAL_PROFILE)',
  '  --config-file PATH         Temporal config file (env TEMPORAL_CONFIG_FILE; default ~/.config/temporalio/temporal.toml)',
  '  --task-queue NAME          the workers\' task queue (env KSIT_TASK_QUEUE; default "ksit")',
  '  --no-color                 plain output (also NO_COLOR=1; colours are only used on a terminal anyway)',
];

/**
 * Removes the global flags from argv and records them in `env`; returns the rest. A global flag without a value
 * is left in place so the command's own parser reports it.
 */
export function applyGlobalFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-color') {
      env.NO_COLOR = '1';
      continue;
    }
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const variable = FLAG_TO_ENV[flag!];
    const value = inline ?? argv[i + 1];
    if (!variable || value === undefined || value === '') {
      rest.push(arg);
      continue;
    }
    env[variable] = value;
    if (inline === undefined) i++;
  }
  return rest;
}
