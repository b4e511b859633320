/**
 * The navigation item to highlight for a route path: the item whose path is the path itself
 * or its longest leading section (`/plans/new`, `/plans/p1/edit` → `/plans`;
 * `/settings/engine` → `/settings`). The dashboard (`/`) only for itself; a path under no
 * item highlights nothing.
 */
export function activeNavPath(path: string, itemPaths: readonly string[]): string {
  let best = '';
  for (const item of itemPaths) {
    const matches = item === '/' ? path === '/' : path === item || path.startsWith(`${item}/`);
    if (matches && item.length > best.length) best = item;
  }
  return best;
}
