/** The post-processing chain, in order. Each step may drop the completion (undefined). */
import type { Candidate, Filter, FilterContext } from './types';
import { normalizeText } from './normalizeText';
import { singleLine } from './singleLine';
import { fixIndentation } from './fixIndentation';
import { stopAtBlockEnd } from './stopAtBlockEnd';
import { dropRepeatedLines } from './dropRepeatedLines';
import { dropSuffixRepetition } from './dropSuffixRepetition';
import { balanceAutoClosed } from './balanceAutoClosed';
import { trimEmpty } from './trimEmpty';

export type { Candidate, Filter, FilterContext } from './types';
export { filterContextAt } from './types';

export const FILTERS: ReadonlyArray<[string, Filter]> = [
  ['normalizeText', normalizeText],
  ['singleLine', singleLine],
  ['fixIndentation', fixIndentation],
  ['stopAtBlockEnd', stopAtBlockEnd],
  ['dropRepeatedLines', dropRepeatedLines],
  ['dropSuffixRepetition', dropSuffixRepetition],
  ['trimEmpty', trimEmpty],
  ['balanceAutoClosed', balanceAutoClosed],
];

export interface FilterOutcome {
  candidate?: Candidate;
  /** The filter that dropped the completion. */
  droppedBy?: string;
}

export function postProcess(text: string, ctx: FilterContext): FilterOutcome {
  let c: Candidate | undefined = { text, replaceRight: 0 };
  for (const [name, filter] of FILTERS) {
    c = filter(c, ctx);
    if (!c) return { droppedBy: name };
  }
  return { candidate: c };
}
