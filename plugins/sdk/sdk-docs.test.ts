import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * The SDK file is the plugin API's contract: every exported declaration and every member of
 * its interfaces says since which version it exists (and the file imports nothing, so
 * `plugin init` can copy it into a plugin).
 */
const file = new URL('./campaign-desk-plugin.ts', import.meta.url);
const source = ts.createSourceFile('campaign-desk-plugin.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);

function since(node: ts.Node): string | undefined {
  return ts.getJSDocTags(node).find((t) => t.tagName.text === 'since')?.comment?.toString();
}

function exported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

describe('the plugin SDK declaration', () => {
  it('has @since on every exported declaration and every interface member', () => {
    const missing: string[] = [];
    for (const statement of source.statements) {
      if (!exported(statement)) continue;
      const name = (statement as ts.DeclarationStatement).name?.getText(source) ?? (ts.isVariableStatement(statement) ? statement.declarationList.declarations[0]?.name.getText(source) : '?');
      const target = ts.isVariableStatement(statement) ? statement : statement;
      if (!since(target) && !(ts.isVariableStatement(statement) && ts.getJSDocTags(statement).some((t) => t.tagName.text === 'since'))) missing.push(String(name));
      if (ts.isInterfaceDeclaration(statement)) {
        for (const member of statement.members) if (!since(member)) missing.push(`${String(name)}.${member.name?.getText(source) ?? '?'}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('imports nothing, and its apiVersion is the one in the CHANGELOG', async () => {
    expect(source.statements.filter((s) => ts.isImportDeclaration(s))).toEqual([]);
    const { apiVersion } = await import('./campaign-desk-plugin.ts');
    expect(readFileSync(new URL('./CHANGELOG.md', import.meta.url), 'utf8')).toContain(`## ${apiVersion} `);
  });
});
