// HTTP edge of the ECG domain: the decoded signal of an analysed ECG file, for the reader's grid.
import { ecgWaveformDtoSchema } from '../../shared/api.ts';
import { route } from '../http/route-spec.ts';
import { ecgWaveform } from './analyses.ts';

export const ecgRoutes = [
  route({
    method: 'get',
    path: '/ecg/:analysisId/waveform',
    summary: "An analysed ECG's signal in µV per lead, for the reader's grid",
    access: 'signed-in',
    ok: { status: 200, description: 'the waveform', schema: ecgWaveformDtoSchema },
    handle: ({ ctx, actor, params, res }) => {
      // the signal never changes for an analysis; private: it is patient data behind a session
      res.set('cache-control', 'private, max-age=3600');
      return ecgWaveform(ctx, actor, params.analysisId!);
    },
  }),
];
