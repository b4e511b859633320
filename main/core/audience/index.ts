export * from './rule.ts';
export { validateRule } from './validate.ts';
export {
  absenceMatches,
  behaviourMatches,
  eventMatches,
  eventsOracle,
  inWindow,
  matchesAttribute,
  matchesRule,
  windowMs,
  type BehaviourOracle,
  type EvaluationContext,
} from './evaluate.ts';
export { birthdayMatches, celebrationDay, localDay, matchingMonthDays, parseBirthday, type LeapDayRule } from './birthday.ts';
export { inSample, sampleBucket } from './sample.ts';
