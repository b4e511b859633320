import type { Command } from 'commander';

/**
 * One top-level CLI command. Each file in `main/cli/commands/` default-exports one of
 * these; the CLI loads them all, so adding a command is adding a file.
 */
export interface CommandModule {
  /** The top-level command name, e.g. `start` or `period`. */
  readonly name: string;
  /** Adds the command (and its subcommands) to the program. */
  register(program: Command): void;
}

export function defineCommand(module: CommandModule): CommandModule {
  return module;
}
