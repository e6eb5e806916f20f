import { asperionApp } from './connectors/asperion/app.js';
import { exactOnlineApp } from './connectors/exact-online/app.js';
import type { FlowKind, FlowRegistry } from './engine/types.js';
import { customersFlowKind } from './flows/customers/customers-flow.js';
import { ordersFlowKind } from './flows/orders/orders-flow.js';
import { productsFlowKind } from './flows/products/products-flow.js';
import { stockFlowKind } from './flows/stock/stock-flow.js';

/** The apps and flow kinds this installation knows. */
export const productRegistry: FlowRegistry = {
  kinds: new Map([
    [ordersFlowKind.kind, ordersFlowKind as unknown as FlowKind],
    [productsFlowKind.kind, productsFlowKind as unknown as FlowKind],
    [customersFlowKind.kind, customersFlowKind as unknown as FlowKind],
    [stockFlowKind.kind, stockFlowKind as unknown as FlowKind],
  ]),
  apps: new Map([exactOnlineApp, asperionApp].map((a) => [a.app, a])),
};
