/**
 * Decimal money amounts travel as strings (`"12.50"`) so no float rounding ever touches them.
 * Arithmetic is done on scaled bigints with {@link SCALE} fractional digits.
 */
export const AMOUNT_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,4})?$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

const SCALE = 4;
const FACTOR = 10n ** BigInt(SCALE);

export interface Money {
  readonly amount: string;
  readonly currency: string;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,4}))?$/;

export function toScaled(amount: string): bigint {
  const match = DECIMAL.exec(amount);
  if (!match) throw new RangeError(`not a decimal amount: ${amount}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const scaled = BigInt(whole) * FACTOR + BigInt(fraction.padEnd(SCALE, '0'));
  return sign === '-' ? -scaled : scaled;
}

/** Formats a scaled amount with two to four fractional digits: `1250000n` → `"125.00"`. */
export function fromScaled(scaled: bigint): string {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const whole = abs / FACTOR;
  let fraction = (abs % FACTOR).toString().padStart(SCALE, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

export const addAmounts = (a: string, b: string): string => fromScaled(toScaled(a) + toScaled(b));

export const multiplyAmount = (amount: string, quantity: number): string =>
  fromScaled(toScaled(amount) * BigInt(quantity));
