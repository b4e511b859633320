import { describe, expect, it } from 'vitest';
import { activeNavPath } from './nav-active.ts';

const items = ['/', '/plans', '/audiences', '/plugins', '/settings'];

describe('the highlighted navigation item', () => {
  it('is the section of the route, on its sub-routes too', () => {
    expect(activeNavPath('/plans', items)).toBe('/plans');
    expect(activeNavPath('/plans/new', items)).toBe('/plans');
    expect(activeNavPath('/plans/p-1', items)).toBe('/plans');
    expect(activeNavPath('/plans/p-1/edit', items)).toBe('/plans');
    expect(activeNavPath('/settings/engine', items)).toBe('/settings');
  });

  it('is the dashboard only on its own path, and nothing for a path under no item', () => {
    expect(activeNavPath('/', items)).toBe('/');
    expect(activeNavPath('/plansx', items)).toBe('');
    expect(activeNavPath('/elsewhere', items)).toBe('');
  });

  it('prefers the longest matching item', () => {
    expect(activeNavPath('/settings/engine/x', [...items, '/settings/engine'])).toBe('/settings/engine');
  });
});
