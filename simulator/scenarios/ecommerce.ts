import type { JsonObject } from '../core/json';
import type { Scenario, ScenarioInput } from '../core/simulation';
import type { KvStore } from '../stores/kv/types';
import { createOrchestratorService, ORCHESTRATOR } from '../sagas/orchestrator';
import { orderSaga, orderSagaData } from '../sagas/orderSaga';
import { catalogService } from '../services/catalog/catalogService';
import { inventoryService, restock } from '../services/inventory/inventoryService';
import { notificationService } from '../services/notification/notificationService';
import { orderService } from '../services/order/orderService';
import { paymentService } from '../services/payment/paymentService';
import { shippingService } from '../services/shipping/shippingService';
import { userService } from '../services/user/userService';

export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  category: string;
  price: number;
  tags: string[];
  stock: number;
}

/** The shop's shelf at the start of every e-commerce scenario. */
export const DEFAULT_CATALOG: CatalogEntry[] = [
  { id: 'p1', name: 'Mechanical keyboard', description: 'Tactile switches, full size', category: 'peripherals', price: 50, tags: ['keyboard', 'usb'], stock: 10 },
  { id: 'p2', name: 'USB-C cable', description: 'Braided, two metres', category: 'cables', price: 30, tags: ['usb', 'cable'], stock: 20 },
  { id: 'p3', name: 'Wireless mouse', description: 'Quiet clicks, long battery life', category: 'peripherals', price: 25, tags: ['mouse'], stock: 5 },
  { id: 'p4', name: '27-inch monitor', description: 'IPS panel for long coding sessions', category: 'displays', price: 240, tags: ['monitor'], stock: 2 },
];

export const DEFAULT_CUSTOMERS = [
  { id: 'u1', email: 'alice@example.com', name: 'Alice', address: '1 Main St' },
  { id: 'u2', email: 'bob@example.com', name: 'Bob', address: '2 Side St' },
];

export interface OrderRequest {
  orderId: string;
  customerId: string;
  items: Array<{ productId: string; quantity: number; price: number }>;
  card?: string;
  address?: string;
  /** Virtual time the customer places it. */
  at: number;
}

/** The four stories the final project is about: a good order, a declined card, no stock, no courier. */
export const STORY_ORDERS: Record<'happy' | 'declined' | 'outOfStock' | 'undeliverable', OrderRequest> = {
  happy: { orderId: 'o-1', customerId: 'u1', items: [{ productId: 'p1', quantity: 2, price: 50 }, { productId: 'p2', quantity: 1, price: 30 }], at: 200 },
  declined: { orderId: 'o-2', customerId: 'u2', items: [{ productId: 'p3', quantity: 1, price: 25 }], card: 'declined', at: 200 },
  outOfStock: { orderId: 'o-3', customerId: 'u1', items: [{ productId: 'p4', quantity: 5, price: 240 }], at: 200 },
  undeliverable: { orderId: 'o-4', customerId: 'u2', items: [{ productId: 'p2', quantity: 2, price: 30 }], address: 'nowhere', at: 200 },
};

export type SagaStyle = 'orchestration' | 'choreography';

export interface EcommerceOptions {
  style: SagaStyle;
  orders: OrderRequest[];
  catalog?: CatalogEntry[];
  /** Register customers and products through the services' APIs at t=0 (on by default). */
  seedThroughApis?: boolean;
  id?: string;
  title?: string;
  description?: string;
}

/** Puts an order into the system the way its saga style starts it. */
export function orderInput(style: SagaStyle, o: OrderRequest): ScenarioInput {
  const order = { orderId: o.orderId, customerId: o.customerId, items: o.items, ...(o.card ? { card: o.card } : {}), ...(o.address ? { address: o.address } : {}) };
  return style === 'orchestration'
    ? { at: o.at, to: ORCHESTRATOR, type: 'StartSaga', payload: { saga: orderSaga.name, sagaId: o.orderId, data: orderSagaData(order) }, correlationId: o.orderId }
    : { at: o.at, to: 'order', type: 'PlaceOrder', payload: order as unknown as JsonObject, correlationId: o.orderId };
}

/**
 * The final project's shop: User, Catalog, Inventory, Order, Payment (plus Shipping and
 * Notification), each on its own stores, running the order saga in the chosen style.
 */
export function ecommerceScenario(opts: EcommerceOptions): Scenario {
  const catalog = opts.catalog ?? DEFAULT_CATALOG;
  const seed: ScenarioInput[] =
    opts.seedThroughApis === false
      ? []
      : [
          ...DEFAULT_CUSTOMERS.map((c, i) => ({ at: i, to: 'user', type: 'RegisterUser', payload: c })),
          ...catalog.map((p, i) => ({
            at: 5 + i,
            to: 'catalog',
            type: 'CreateProduct',
            payload: { id: p.id, name: p.name, description: p.description, category: p.category, price: p.price, tags: p.tags },
          })),
        ];
  const services = [
    userService,
    catalogService,
    inventoryService,
    orderService,
    paymentService,
    shippingService,
    notificationService,
    ...(opts.style === 'orchestration' ? [createOrchestratorService([orderSaga])] : []),
  ];
  return {
    id: opts.id ?? `ecommerce-${opts.style}`,
    title: opts.title ?? `Order saga (${opts.style})`,
    description:
      opts.description ??
      (opts.style === 'orchestration'
        ? 'An orchestrator drives Create Order → Reserve Inventory → Process Payment → Confirm Order → Ship, compensating in reverse on failure.'
        : 'No conductor: each service reacts to the previous one’s event and publishes its own; failures travel back as events.'),
    services,
    inputs: [...seed, ...opts.orders.map((o) => orderInput(opts.style, o))],
    network: { latencyMs: 8, jitterMs: 6 },
    async setup(stores) {
      const kv = stores.inventory!.kv as KvStore;
      for (const p of catalog) await restock(kv, p.id, p.stock);
    },
  };
}
