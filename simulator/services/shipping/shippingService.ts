import { RejectedError } from '../../core/errors';
import type { Json } from '../../core/json';
import type { ServiceDefinition } from '../../core/types';
import type { KvStore } from '../../stores/kv/types';
import { requireString } from '../shared/validate';

export type ShippingStores = { kv: KvStore };

/** Addresses the courier refuses: the scenario that makes shipping fail and the saga refund. */
export const UNDELIVERABLE = 'nowhere';

/** A small participant after the pivot: creates a shipment, or refuses an address it cannot reach. */
export const shippingService: ServiceDefinition<ShippingStores> = {
  name: 'shipping',
  title: 'Shipping',
  stores: [{ key: 'kv', kind: 'kv' }],
  subscribes: ['OrderConfirmed'],
  handlers: {
    async CreateShipment(p: { orderId: string; address?: string }, ctx) {
      const orderId = requireString(p?.orderId, 'orderId');
      const existing = await ctx.stores.kv.get(`shipment:${orderId}`);
      if (existing) return JSON.parse(existing) as Json;
      if ((p.address ?? '').toLowerCase().includes(UNDELIVERABLE))
        throw new RejectedError('UNDELIVERABLE', `No courier delivers to "${p.address}".`);
      const shipment = { orderId, tracking: `TRK-${orderId}`, at: ctx.now };
      await ctx.stores.kv.set(`shipment:${orderId}`, JSON.stringify(shipment));
      return shipment;
    },
    // choreography: ship once the order is confirmed
    async OrderConfirmed(p: { orderId: string; address?: string; choreography?: boolean }, ctx) {
      if (!p.choreography) return;
      if ((await ctx.stores.kv.get(`shipment:${p.orderId}`)) !== null) return;
      if ((p.address ?? '').toLowerCase().includes(UNDELIVERABLE)) {
        const reason = `No courier delivers to "${p.address}".`;
        ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'CreateShipment', phase: 'action', status: 'failed', reason });
        ctx.publish('ShipmentFailed', { orderId: p.orderId, reason }, { correlationId: p.orderId });
        return;
      }
      const shipment = { orderId: p.orderId, tracking: `TRK-${p.orderId}`, at: ctx.now };
      await ctx.stores.kv.set(`shipment:${p.orderId}`, JSON.stringify(shipment));
      ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'CreateShipment', phase: 'action', status: 'succeeded' });
      ctx.publish('ShipmentCreated', shipment, { correlationId: p.orderId });
    },
  },
};
