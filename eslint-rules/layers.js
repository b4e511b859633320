// @ts-check
/**
 * Enforces the architecture's import layers (DESIGN.md section 2):
 * - main/core imports nothing from the other main/* folders, nor Node, Electron, database or network modules;
 * - the renderer imports main only for types (main/api), plus the shared message tables (main/core/i18n);
 * - only main/electron imports 'electron';
 * - nothing imports the renderer except tests.
 */
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** @param {string} file */
function area(file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'main') return rel[1] ? `main/${rel[1]}` : 'main';
  return rel[0] ?? '';
}

const coreForbiddenPackages = /^(node:|fs$|path$|os$|child_process$|electron$|better-sqlite3$|rxdb|ws$|fastify|pg$|kysely|sirv$|@trpc\/)/;

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the layers of Campaign Desk apart' },
    messages: {
      bad: 'Bad layering: {{from}} may not import {{what}}. {{why}}',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = area(file);
    const isTest = /\.test\.ts$|[\\/]e2e[\\/]|[\\/]bench[\\/]|[\\/]main[\\/]testing[\\/]/.test(file);

    /** @param {import('estree').Node & { importKind?: string }} node @param {string} source */
    function check(node, source) {
      const typeOnly = node.importKind === 'type';
      /** @param {string} why */
      const report = (why) => context.report({ node, messageId: 'bad', data: { from, what: source, why } });
      if (!source.startsWith('.')) {
        if (from === 'main/core' && coreForbiddenPackages.test(source)) report('main/core is pure: pass I/O in from the outside.');
        if (source === 'electron' && from !== 'main/electron' && !typeOnly) report("Only main/electron uses Electron's runtime.");
        if (from === 'renderer' && /^node:/.test(source)) report('The renderer runs in a sandboxed page.');
        return;
      }
      const target = path.resolve(path.dirname(file), source);
      const to = area(target);
      const relTarget = path.relative(root, target).split(path.sep).join('/');
      if (from === 'main/core' && to.startsWith('main/') && to !== 'main/core') {
        report('main/core is pure and imports nothing of the other main/* folders.');
      }
      if (from === 'renderer' && to.startsWith('main')) {
        const sharedMessages = relTarget.startsWith('main/core/i18n/');
        if (!(sharedMessages || (to === 'main/api' && typeOnly))) {
          report('The renderer talks only to the service API: import its types (import type) from main/api, or messages from main/core/i18n.');
        }
      }
      if (to === 'renderer' && from !== 'renderer' && !isTest) report('Nothing outside the renderer imports it.');
    }

    return {
      ImportDeclaration(node) {
        check(node, String(node.source.value));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, String(node.source.value));
      },
      ExportAllDeclaration(node) {
        check(node, String(node.source.value));
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal' && typeof node.source.value === 'string') check(node, node.source.value);
      },
    };
  },
};
