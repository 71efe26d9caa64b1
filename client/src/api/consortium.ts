// Reading the consortium's directory (GET /api/consortium) for pickers.
import type { ConsortiumDto } from '../../../shared/api.ts';

export interface Township {
  id: string;
  name: string;
}

/** The places that send exams: township health centres and village clinics, not the county hospital. */
export function townshipsOf(consortium: ConsortiumDto | undefined): Township[] {
  return (consortium?.organizations ?? []).filter((o) => o.kind !== 'COUNTY_HOSPITAL').map(({ id, name }) => ({ id, name }));
}
