export {
  FESTIVALS,
  FESTIVAL_YEARS,
  festivalDate,
  festivalName,
  festivalPeriodExpression,
  festivalsInYear,
  festivalsOn,
  nextFestivalDate,
} from './festivals.ts';
export type { FestivalDate, FestivalDefinition, FestivalKind, FestivalRule } from './festivals.ts';
