import { addAmounts, type Money, multiplyAmount } from '@platform/contracts';
import type { OrderState } from './order.state';

/**
 * Sum of quantity × unit price over every line, as a decimal string. `undefined` while the order
 * has no line, since its currency is not known yet.
 */
export function orderTotal(state: OrderState): Money | undefined {
  if (state.status === 'empty' || state.currency === undefined) return undefined;
  const amount = state.lines.reduce(
    (sum, line) => addAmounts(sum, multiplyAmount(line.unitPrice.amount, line.quantity)),
    '0',
  );
  return { amount, currency: state.currency };
}
