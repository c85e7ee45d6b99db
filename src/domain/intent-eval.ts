// Figures for the intent reader on a labelled set: how often the primary domain is right (with the
// security-first rule when nothing is proposed), how precise the proposals are, how often the
// reader abstains, how often it proposes the wrong domain, and how well its probabilities are
// calibrated (a reliability table). Pure.
import { likelyOwner } from "./intent-model.js";
import type { Domain } from "./vocabulary.js";

export interface EvalCase {
  truth: Domain;
  /** the side proposed, if any */
  side?: Domain;
  /** the reader's calibrated p(security); absent when the text was too thin to read */
  pSecurity?: number;
}

export interface IntentFigures {
  n: number;
  /** primary right: the proposed side, else the likely owner (likelyOwner), else security first */
  primaryAccuracy: number;
  proposed: number;
  /** right proposals / proposals */
  proposalPrecision: number;
  abstention: number;
  /** proposals that point at the wrong domain / all reports */
  wrongDomainRate: number;
  /** truth → proposed side (or "none") → count */
  confusion: Record<Domain, Record<Domain | "none", number>>;
  /** calibrated p(security) in ten bins: mean predicted vs share that was security */
  reliability: { from: number; to: number; n: number; predicted: number; observed: number }[];
}

export function intentFigures(cases: EvalCase[]): IntentFigures {
  const confusion = { safety: { safety: 0, security: 0, none: 0 }, security: { safety: 0, security: 0, none: 0 } };
  let primary = 0;
  let right = 0;
  let proposed = 0;
  for (const c of cases) {
    confusion[c.truth][c.side ?? "none"]++;
    if ((c.side ?? (c.pSecurity === undefined ? "security" : likelyOwner(c.pSecurity))) === c.truth) primary++;
    if (c.side) {
      proposed++;
      if (c.side === c.truth) right++;
    }
  }
  const n = cases.length;
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, n: 0, predicted: 0, observed: 0 }));
  for (const c of cases) {
    if (c.pSecurity === undefined) continue;
    const b = bins[Math.min(9, Math.floor(c.pSecurity * 10))]!;
    b.n++;
    b.predicted += c.pSecurity;
    if (c.truth === "security") b.observed++;
  }
  return {
    n,
    primaryAccuracy: ratio(primary, n),
    proposed,
    proposalPrecision: ratio(right, proposed),
    abstention: ratio(n - proposed, n),
    wrongDomainRate: ratio(proposed - right, n),
    confusion,
    reliability: bins.filter((b) => b.n).map((b) => ({ ...b, predicted: ratio(b.predicted, b.n), observed: ratio(b.observed, b.n) })),
  };
}

/** F1 of predicted against expected labels over many items (each item a set of labels). */
export function setF1(pairs: { predicted: string[]; expected: string[] }[]): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { predicted, expected } of pairs) {
    for (const p of predicted) (expected.includes(p) ? tp++ : fp++);
    for (const e of expected) if (!predicted.includes(e)) fn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: precision + recall ? ratio(2 * precision * recall, precision + recall) : 0 };
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : 0);
