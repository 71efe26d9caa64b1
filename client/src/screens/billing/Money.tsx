import { formatYuan } from '../../../../shared/billing.ts';

/** An amount in fen, shown in yuan with two decimals (negative for a reversal). */
export function Yuan({ fen }: { fen: number }) {
  return <span className={`money${fen < 0 ? ' money-negative' : ''}`}>{formatYuan(fen)}</span>;
}
