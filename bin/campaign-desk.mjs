#!/usr/bin/env node
// The campaign-desk command. Runs the TypeScript sources through tsx, so no build step is
// needed for the CLI or the browser-mode server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv);
