/**
 * Lift of a plan against its control group (holdout): the difference of conversion
 * proportions with a normal-approximation (Wald) confidence interval.
 *
 *   p_t = converted_t / n_t,  p_c = converted_c / n_c
 *   lift = p_t − p_c
 *   SE   = sqrt(p_t (1 − p_t) / n_t + p_c (1 − p_c) / n_c)   (unpooled)
 *   CI   = lift ± z · SE,  z = 1.959964 for 95 %
 *
 * The interval is only an approximation: it is reported as unreliable (`reliable: false`)
 * when either group has fewer than 5 converted or 5 non-converted members, where the normal
 * approximation breaks down. `relative` is lift / p_c (null when p_c = 0).
 */
export const Z_95 = 1.959963984540054;

export interface GroupOutcome {
  /** Members of the group. */
  size: number;
  /** Members with at least one order in their window. */
  converted: number;
  /** Sum of those orders, in cents. */
  revenue: number;
}

export interface Lift {
  treatment: GroupOutcome & { rate: number };
  control: GroupOutcome & { rate: number };
  /** p_t − p_c (a proportion: 0.02 = 2 percentage points). */
  difference: number;
  /** (p_t − p_c) / p_c, null when the control rate is 0. */
  relative: number | null;
  standardError: number;
  ciLow: number;
  ciHigh: number;
  confidence: 0.95;
  /** The interval excludes 0. */
  significant: boolean;
  /** Both groups have ≥ 5 conversions and ≥ 5 non-conversions (normal approximation holds). */
  reliable: boolean;
  /** Revenue per member, treatment minus control, in cents. */
  revenuePerMemberDifference: number;
}

function rate(group: GroupOutcome): number {
  return group.size === 0 ? 0 : group.converted / group.size;
}

/** The lift of `treatment` over `control`, or null when a group is empty. */
export function computeLift(treatment: GroupOutcome, control: GroupOutcome, z = Z_95): Lift | null {
  if (treatment.size <= 0 || control.size <= 0) return null;
  const pt = rate(treatment);
  const pc = rate(control);
  const difference = pt - pc;
  const standardError = Math.sqrt((pt * (1 - pt)) / treatment.size + (pc * (1 - pc)) / control.size);
  const ciLow = difference - z * standardError;
  const ciHigh = difference + z * standardError;
  const enough = (g: GroupOutcome) => g.converted >= 5 && g.size - g.converted >= 5;
  return {
    treatment: { ...treatment, rate: pt },
    control: { ...control, rate: pc },
    difference,
    relative: pc === 0 ? null : difference / pc,
    standardError,
    ciLow,
    ciHigh,
    confidence: 0.95,
    significant: ciLow > 0 || ciHigh < 0,
    reliable: enough(treatment) && enough(control),
    revenuePerMemberDifference: treatment.revenue / treatment.size - control.revenue / control.size,
  };
}
