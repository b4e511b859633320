export * from './rule.ts';
export { validateRule } from './validate.ts';
export { matchesRule, matchesAttribute, windowMs, type EvaluationContext } from './evaluate.ts';
export { birthdayMatches, celebrationDay, localDay, matchingMonthDays, parseBirthday, type LeapDayRule } from './birthday.ts';
export { inSample, sampleBucket } from './sample.ts';
