// Debian packages the tests need, how to tell they are there, and how to get them.
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

/** Debian's PostgreSQL server binaries live in /usr/lib/postgresql/<major>/bin. */
function hasPostgresServer() {
  const dir = '/usr/lib/postgresql';
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((version) => existsSync(`${dir}/${version}/bin/initdb`) && existsSync(`${dir}/${version}/bin/pg_ctl`));
}

/**
 * Each requirement: the Debian package and a file that proves it is installed (or, where the
 * path has a version in it, a check).
 */
export const requirements = [
  { pkg: 'chromium', file: '/usr/bin/chromium', why: 'end-to-end tests drive the UI in Chromium' },
  { pkg: 'fonts-wqy-microhei', file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', why: 'Chinese text in screenshots' },
  { pkg: 'postgresql', check: hasPostgresServer, why: 'sync server tests run against a throwaway PostgreSQL cluster' },
];

export function missingPackages() {
  return requirements.filter((r) => !(r.check ? r.check() : existsSync(r.file)));
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasAptGet() {
  return spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs what is missing with apt-get when running as root; otherwise prints the exact
 * command and returns false. Nothing is skipped silently.
 */
export function ensureSystemDeps(log = console.log) {
  const missing = missingPackages();
  if (missing.length === 0) return true;
  const names = missing.map((m) => m.pkg);
  const command = `apt-get update && apt-get install -y --no-install-recommends ${names.join(' ')}`;
  for (const m of missing) log(`Missing Debian package ${m.pkg} (${m.why}).`);
  if (!isRoot() || !hasAptGet()) {
    log(`Install it and run the tests again:\n  sudo sh -c '${command}'`);
    return false;
  }
  log(`Installing: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...names], { stdio: 'inherit', env });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...names], { stdio: 'inherit', env });
  }
  const still = missingPackages();
  if (still.length > 0) {
    log(`Still missing after apt-get: ${still.map((m) => m.pkg).join(', ')}`);
    return false;
  }
  return true;
}
