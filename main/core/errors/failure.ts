/** `{ code, message, at }` of the last failure of a run or item (plain JSON, stored). */
export interface Failure {
  code: string;
  message: string;
  at: number;
}
