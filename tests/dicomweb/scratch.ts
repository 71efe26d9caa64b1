import { startTestServer } from '../helpers/test-server.ts';
import { uploadChineseCt, uploadEncapsulatedMr } from './fixtures.ts';
const server = await startTestServer('sqlite', { LOG_LEVEL: 'error' });
const tech1 = await server.login('tech1');
const z = await uploadChineseCt(tech1);
const mr = await uploadEncapsulatedMr(tech1);
const r = await server.login('reader1');
for (const p of [`/dicom-web/studies/${z.studyUid}/series/${z.seriesUid}/metadata`, `/dicom-web/studies/${mr.studyUid}/series/${mr.seriesUid}/instances/${mr.sopInstanceUid}/frames/1`, `/dicom-web/studies/${z.studyUid}/series/${z.seriesUid}/instances/${z.files[0]!.sopInstanceUid}/frames/1`]) {
  const res = await r.get(p);
  console.log(res.status, res.headers.get('content-type'), JSON.stringify(res.body).slice(0, 600));
}
await server.close();
