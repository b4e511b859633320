import { BACKGROUND_BUDGET_MS, FOREGROUND_BUDGET_MS, IN_USE_MS, inBackground, noteRequest, WriteSlicer, writeBudgetMs } from './loop-yield.ts';

describe('write budget', () => {
  afterEach(() => noteRequest(Number.NEGATIVE_INFINITY));

  it('is short only while a run executes and the app is in use', async () => {
    const t = 1_000_000;
    noteRequest(t);
    // No run: large transactions, requests or not.
    expect(writeBudgetMs(t + 1)).toBe(FOREGROUND_BUDGET_MS);
    await inBackground(async () => {
      expect(writeBudgetMs(t + 1)).toBe(BACKGROUND_BUDGET_MS);
      expect(writeBudgetMs(t + IN_USE_MS - 1)).toBe(BACKGROUND_BUDGET_MS);
      // Nobody has asked anything for IN_USE_MS: the run takes larger slices.
      expect(writeBudgetMs(t + IN_USE_MS)).toBe(FOREGROUND_BUDGET_MS);
      noteRequest(t + IN_USE_MS + 10);
      expect(writeBudgetMs(t + IN_USE_MS + 20)).toBe(BACKGROUND_BUDGET_MS);
    });
    expect(writeBudgetMs(t + IN_USE_MS + 20)).toBe(FOREGROUND_BUDGET_MS);
  });

  it('sizes write slices from it', async () => {
    const slicer = new WriteSlicer();
    slicer.took(100, 4); // 0.04 ms per document (its starting estimate too)
    await inBackground(async () => {
      const idle = slicer.size();
      noteRequest();
      const inUse = slicer.size();
      expect(idle).toBe(Math.floor(FOREGROUND_BUDGET_MS / 0.04));
      expect(inUse).toBe(Math.floor(BACKGROUND_BUDGET_MS / 0.04));
    });
  });
});
