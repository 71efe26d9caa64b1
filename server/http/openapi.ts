// /api/openapi.json: the REST API described for people and tools. Request bodies come from the same zod
// schemas the server validates with, so the description cannot drift from the checks.
import { z } from 'zod';
import { createCaseRequestSchema, loginRequestSchema, REJECTION_CODES, routingRuleInputSchema } from '../../shared/api.ts';
import { createConsultationRequestSchema, declineConsultationRequestSchema, opinionRequestSchema } from '../../shared/consult.ts';

const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } });
const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const ok = (description: string) => ({ description });
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'teledx API',
      version,
      description:
        'Remote diagnosis for a county medical community. Authenticate with POST /api/session; the session is an ' +
        'httpOnly cookie. A record outside your organization or centre answers 404, as if it did not exist.',
    },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'teledx_session' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
        UploadResponse: {
          type: 'object',
          properties: {
            accepted: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, kind: { enum: ['dicom', 'attachment'] }, id: { type: 'string' }, sopInstanceUid: { type: 'string' }, duplicate: { type: 'boolean' }, warnings: { type: 'array', items: { type: 'string' } } } } },
            rejected: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, code: { enum: [...REJECTION_CODES] }, reason: { type: 'string' }, status: { type: 'integer' } } } },
          },
        },
      },
    },
    security: [{ session: [] }],
    paths: {
      '/api/health': { get: { summary: 'Liveness and database reachability', security: [], responses: { 200: ok('healthy'), 503: error } } },
      '/api/session': {
        post: { summary: 'Log in', security: [], requestBody: { required: true, content: json(loginRequestSchema) }, responses: { 201: ok('logged in; sets the session cookie; body as GET /api/me'), 400: error, 401: error, 429: error } },
        delete: { summary: 'Log out', responses: { 204: ok('logged out'), 401: error } },
      },
      '/api/me': { get: { summary: 'The logged-in user, organization and reading centres', responses: { 200: ok('the user'), 401: error } } },
      '/api/cases': {
        get: {
          summary: 'Cases visible to you, newest first (township: own organization; reader: routed to your centres; admin: all)',
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            { name: 'before', in: 'query', description: 'id of the last case of the previous page', schema: { type: 'string' } },
          ],
          responses: { 200: ok('case summaries'), 401: error },
        },
        post: { summary: 'Register a patient and an exam (township staff)', requestBody: { required: true, content: json(createCaseRequestSchema) }, responses: { 201: ok('the case, status DRAFT'), 400: error, 403: error, 409: error } },
      },
      '/api/cases/{id}': { get: { summary: 'A case with patient, studies/series/instances and attachments', parameters: idParam, responses: { 200: ok('the case'), 404: error } } },
      '/api/audit': {
        get: { summary: 'Administrators: the audit trail, newest first (?area=session|case|ingest|consultation|routing|consortium, ?before=<id>, ?limit=)', responses: { 200: ok('the entries'), 403: error } },
      },
      '/api/cases/{id}/history': {
        get: { summary: "The case's audit trail, oldest first: who did what, when (with its consultations' acts)", parameters: idParam, responses: { 200: ok('the entries'), 404: error } },
      },
      '/api/cases/{id}/files': {
        post: {
          summary: 'Upload files into a DRAFT case (multipart field "files", any number). One bad file never fails the others.',
          parameters: idParam,
          requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } },
          responses: {
            200: { description: 'at least one file accepted', content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadResponse' } } } },
            409: { description: 'every file conflicts with a stored instance (same SOP Instance UID, other bytes), or the case no longer takes files' },
            413: { description: 'every file was too large' },
            415: { description: 'every file was of a type the exam does not take' },
            422: { description: 'every file was refused (reasons per file)' },
            404: error,
          },
        },
      },
      '/api/cases/{id}/submit': { post: { summary: 'Send the case to its reading centre', parameters: idParam, responses: { 200: ok('the case, status SUBMITTED'), 404: error, 409: error } } },
      '/api/cases/{id}/cancel': { post: { summary: 'Withdraw a DRAFT case', parameters: idParam, responses: { 200: ok('the case, status CANCELLED'), 404: error, 409: error } } },
      '/api/routing-rules': {
        get: { summary: 'Routing rules (administrators, supervisors)', responses: { 200: ok('the rules, with how many cases each routed'), 403: error } },
        post: { summary: 'Add a routing rule (administrators)', requestBody: { required: true, content: json(routingRuleInputSchema) }, responses: { 201: ok('the rule'), 400: error, 403: error } },
      },
      '/api/routing-rules/{id}': {
        put: { summary: 'Change or switch off a routing rule (administrators)', parameters: idParam, requestBody: { required: true, content: json(routingRuleInputSchema) }, responses: { 200: ok('the rule'), 400: error, 403: error, 404: error } },
      },
      '/api/instances/{id}/file': { get: { summary: 'The stored DICOM file (Range and ETag supported)', parameters: idParam, responses: { 200: ok('application/dicom'), 206: ok('partial content'), 304: ok('not modified'), 404: error, 416: error } } },
      '/api/attachments/{id}/file': { get: { summary: 'A stored attachment (PDF, image, video, ECG XML), Range supported', parameters: idParam, responses: { 200: ok('the file'), 206: ok('partial content'), 404: error } } },
      ...consultationPaths(),
    },
  };
}

/** Live consultations (远程会诊): the workflow over REST; the room itself is Socket.IO signalling (shared/consult.ts). */
function consultationPaths() {
  const move = (summary: string, body?: z.ZodType) => ({
    post: {
      summary,
      parameters: idParam,
      ...(body ? { requestBody: { required: true, content: json(body) } } : {}),
      responses: { 200: ok('the consultation'), 403: error, 404: error, 409: error },
    },
  });
  return {
    '/api/consultations': {
      get: {
        summary: 'Consultations you may see (the requesting township, the asked centre), newest first',
        parameters: [
          { name: 'status', in: 'query', description: 'comma-separated statuses', schema: { type: 'string' } },
          { name: 'caseId', in: 'query', schema: { type: 'string' } },
        ],
        responses: { 200: ok('{consultations: [...]}'), 401: error },
      },
      post: {
        summary: 'Request a consultation, on a case or on its own, of a centre or one of its specialists, now or at a time (township staff)',
        requestBody: { required: true, content: json(createConsultationRequestSchema) },
        responses: { 201: ok('the consultation, status REQUESTED'), 400: error, 403: error, 404: error },
      },
    },
    '/api/consultations/specialists': {
      get: { summary: 'The specialists of a centre, to ask one by name', parameters: [{ name: 'centreId', in: 'query', required: true, schema: { type: 'string' } }], responses: { 200: ok('{specialists: [...]}'), 400: error } },
    },
    '/api/consultations/{id}': { get: { summary: 'A consultation with its participants and opinion', parameters: idParam, responses: { 200: ok('the consultation'), 404: error } } },
    '/api/consultations/{id}/accept': move('Accept (the named specialist, or any reader of the centre)'),
    '/api/consultations/{id}/decline': move('Decline, with a reason', declineConsultationRequestSchema),
    '/api/consultations/{id}/cancel': move('Withdraw a request (the requesting township)'),
    '/api/consultations/{id}/end': move('End the consultation for everyone (specialist or requester)'),
    '/api/consultations/{id}/opinion': {
      put: {
        summary: "The specialist's opinion, attached to the case (during or after the consultation)",
        parameters: idParam,
        requestBody: { required: true, content: json(opinionRequestSchema) },
        responses: { 200: ok('the consultation'), 403: error, 404: error, 409: error },
      },
    },
  };
}
