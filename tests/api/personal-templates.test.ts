// A reader's own report templates and phrases (/api/personal-templates), on SQLite and PostgreSQL: created,
// listed, changed and deleted by their owner; another reader neither sees nor touches them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asReportTemplate, templatesFor, type PersonalTemplateDto } from '../../shared/reports.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('personal templates (%s)', (backend) => {
  let server: TestServer;
  let reader1: ApiClient, super1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [reader1, super1] = await Promise.all([server.login('reader1'), server.login('super1')]);
  });
  afterAll(() => server?.close());

  it('keeps each reader’s templates to their owner', async () => {
    const created = await reader1.post('/api/personal-templates', {
      title: '我的胸部CT',
      examKind: 'CT',
      bodyRegion: 'CHEST',
      findings: '双肺纹理清晰。',
      impression: '未见异常。',
      phrases: ['双肺未见结节', '纵隔居中'],
    });
    expect(created.status).toBe(201);
    const mine = created.body as PersonalTemplateDto;
    expect((await super1.post('/api/personal-templates', { title: '主任的模板' })).status).toBe(201);

    const listed = (await reader1.get('/api/personal-templates')).body as PersonalTemplateDto[];
    expect(listed.map((t) => t.title)).toEqual(['我的胸部CT']);
    expect((await super1.get('/api/personal-templates')).body.map((t: PersonalTemplateDto) => t.title)).toEqual(['主任的模板']);

    // another reader neither changes nor deletes it: not found, as if it did not exist
    expect((await super1.request('PUT', `/api/personal-templates/${mine.id}`, { json: { title: '改' } })).status).toBe(404);
    expect((await super1.request('DELETE', `/api/personal-templates/${mine.id}`)).status).toBe(404);
    const changed = await reader1.request('PUT', `/api/personal-templates/${mine.id}`, {
      json: { ...mine, id: undefined, updatedAt: undefined, phrases: ['双肺未见结节'] },
    });
    expect(changed.body).toMatchObject({ title: '我的胸部CT', phrases: ['双肺未见结节'] });

    // offered with the shared templates of its exam kind and region only
    const offered = (bodyPart: string) => templatesFor('CT', bodyPart, [asReportTemplate(changed.body)]).map((t) => t.title);
    expect(offered('胸部')).toEqual(['我的胸部CT']);
    expect(offered('头部')).toEqual([]);

    expect((await reader1.request('DELETE', `/api/personal-templates/${mine.id}`)).status).toBe(204);
    expect((await reader1.get('/api/personal-templates')).body).toEqual([]);
    expect((await (await server.login('tech1')).get('/api/personal-templates')).status).toBe(403);
  });
});
