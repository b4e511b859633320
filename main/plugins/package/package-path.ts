/**
 * Paths inside a plugin package: relative POSIX paths that stay inside the package folder on
 * every system the app runs on (Linux, macOS, Windows). The same rule serves archive entries,
 * folder files and the manifest's `entry`, so nothing that passes here can be written outside
 * the plugin's folder when the package is installed.
 */

/** Why `path` is not a safe package path, or null when it is. Expects the canonical form (no `./`). */
export function unsafePathReason(path: string): string | null {
  if (path === '') return 'empty path';
  if ([...path].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f')) return 'control character in path';
  if (path.includes('\\')) return 'backslash in path';
  if (path.startsWith('/')) return 'absolute path';
  // A drive letter (C:) or an NTFS stream (file:stream).
  if (path.includes(':')) return 'colon in path (drive letter or stream)';
  for (const segment of path.split('/')) {
    if (segment === '..') return 'parent directory segment';
    if (segment === '' || segment === '.') return 'empty or "." segment';
    // Windows drops trailing dots and spaces, so `plugin.json.` would overwrite `plugin.json`.
    if (/[. ]$/.test(segment)) return 'segment ending in a dot or space';
  }
  return null;
}

/**
 * The canonical form of an archive entry's path: without a leading `./` (as `tar -C dir .`
 * writes) and, for directories, without the trailing `/`. `''` is the package root.
 */
export function canonicalEntryPath(raw: string): string {
  let path = raw;
  while (path.startsWith('./')) path = path.slice(2);
  if (path === '.') return '';
  while (path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/**
 * The key two paths collide under on a case-insensitive or normalising file system (macOS,
 * Windows): `Plugin.js` and `plugin.js` would be one file there.
 */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}
