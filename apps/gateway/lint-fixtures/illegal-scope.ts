// Deliberately illegal: the gateway (scope:gateway) may not reach into the command side's domain
// (scope:command). The lint must reject it (tools/architecture proves it does).
import { decide } from '@platform/orders-domain';

export const illegal = decide;
