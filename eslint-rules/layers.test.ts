import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import { join } from 'node:path';
import layers from './layers.js';

RuleTester.describe = describe;
RuleTester.it = it;

const root = join(import.meta.dirname, '..');
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });

tester.run('layers', layers, {
  valid: [
    { filename: join(root, 'main/core/period/parse.ts'), code: "import { x } from '../errors/codes.ts';" },
    { filename: join(root, 'main/api/system.ts'), code: "import { x } from '../core/clock.ts';" },
    { filename: join(root, 'renderer/stores/x.ts'), code: "import type { ServiceApi } from '../../main/api/service-api.ts';" },
    { filename: join(root, 'renderer/i18n/x.ts'), code: "import { catalog } from '../../main/core/i18n/catalog.ts';" },
    { filename: join(root, 'main/electron/main.ts'), code: "import { app } from 'electron';" },
    { filename: join(root, 'main/api/router.test.ts'), code: "import { createServiceClient } from '../../renderer/api/service-client.ts';" },
    // Test support (main/testing) is only imported by tests.
    { filename: join(root, 'main/testing/api-client.ts'), code: "import { createServiceClient } from '../../renderer/api/service-client.ts';" },
  ],
  invalid: [
    { filename: join(root, 'main/core/period/parse.ts'), code: "import { openDatabase } from '../../db/index.ts';", errors: [{ messageId: 'bad' }] },
    { filename: join(root, 'main/core/x.ts'), code: "import { readFileSync } from 'node:fs';", errors: [{ messageId: 'bad' }] },
    { filename: join(root, 'renderer/stores/x.ts'), code: "import { methods } from '../../main/api/methods.ts';", errors: [{ messageId: 'bad' }] },
    { filename: join(root, 'renderer/stores/x.ts'), code: "import { openDatabase } from '../../main/db/index.ts';", errors: [{ messageId: 'bad' }] },
    { filename: join(root, 'main/host/x.ts'), code: "import { app } from 'electron';", errors: [{ messageId: 'bad' }] },
    { filename: join(root, 'main/host/x.ts'), code: "import { api } from '../../renderer/api/client.ts';", errors: [{ messageId: 'bad' }] },
  ],
});
