// `npm run bench -- throttle [--seconds=N] [--capacity=N]`: the downstream throttle beside
// Bottleneck and p-queue: smoothness at 200/s, and settling against a loopback gateway that
// answers 429 above its capacity (see bench/throttle-compare.ts). About 7 x N seconds.
import { printTable } from './table.ts';
import { settleHeaders, settleRows, throttleAccuracyHeaders, throttleAccuracyRows } from './throttle-compare.ts';

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

export default async function throttleBench(): Promise<void> {
  const durationMs = flag('seconds', 10) * 1000;
  printTable(throttleAccuracyHeaders, await throttleAccuracyRows(durationMs));
  console.log();
  printTable(settleHeaders, await settleRows(flag('capacity', 150), durationMs));
}
