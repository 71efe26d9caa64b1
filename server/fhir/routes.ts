// /api/his-deliveries: administrators see what the HIS outbox has not delivered yet (and the latest delivered).
import { hisDeliveriesDtoSchema } from '../../shared/his.ts';
import { route } from '../http/route-spec.ts';
import { listHisDeliveries } from './outbox.ts';

export const hisRoutes = [
  route({
    method: 'get',
    path: '/his-deliveries',
    summary: 'Reports waiting for the HIS (pending, with the last failure) and the latest delivered (administrators)',
    access: ['ADMIN'],
    ok: { status: 200, description: 'the outbox', schema: hisDeliveriesDtoSchema },
    handle: ({ ctx }) => listHisDeliveries(ctx.db, ctx.config.his !== null),
  }),
];
