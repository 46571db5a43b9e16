import type { ServiceDefinition } from '../../core/types';
import type { KvStore } from '../../stores/kv/types';

export type NotificationStores = { kv: KvStore };

/**
 * Eventual consistency in its plainest form: a customer e-mail can go out a little later.
 * Events arrive at least once; the `sent:` key makes each notice go out once.
 */
export const notificationService: ServiceDefinition<NotificationStores> = {
  name: 'notification',
  title: 'Notification',
  stores: [{ key: 'kv', kind: 'kv' }],
  subscribes: ['OrderCompleted', 'OrderFailed'],
  handlers: {
    async OrderCompleted(p: { sagaId: string }, ctx) {
      await notify(ctx.stores.kv, p.sagaId, 'completed', ctx.now);
    },
    async OrderFailed(p: { sagaId: string; reason?: string }, ctx) {
      await notify(ctx.stores.kv, p.sagaId, 'failed', ctx.now);
    },
  },
};

async function notify(kv: KvStore, orderId: string, outcome: string, now: number): Promise<void> {
  // SET NX: a redelivered event finds the key and sends nothing twice.
  await kv.set(`sent:${orderId}`, JSON.stringify({ outcome, at: now }), { NX: true });
}
