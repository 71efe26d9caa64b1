// GET /fhir/metadata: the R4 CapabilityStatement, made from the edge's own route list (edge.ts FHIR_ROUTES) and the
// search parameters the parser applies (search-params.ts), so what is advertised is what is served. It is public, as
// FHIR clients expect (they read it first, to learn among other things how to authenticate): it says what the server
// can do, never anything of a patient. Every other /fhir route needs the login.
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  ResourceType,
} from '@medplum/fhirtypes';
import { API_VERSION } from '../http/api-routes.ts';
import type { SearchParamSpec } from './search-params.ts';

/** What a route of the edge contributes to the statement. */
export interface FhirRouteDescription {
  /** `/<Type>` (search-type), `/<Type>/:id` (read) or `/metadata` (capabilities) */
  path: string;
  interaction: 'read' | 'search-type' | 'capabilities';
  searchParams?: readonly SearchParamSpec[];
}

/** when this instance started: the statement changes only with the software */
const STARTED = new Date().toISOString();

export function capabilityStatement(routes: readonly FhirRouteDescription[], base: string): CapabilityStatement {
  const resources = new Map<string, CapabilityStatementRestResource>();
  for (const route of routes) {
    if (route.interaction === 'capabilities') continue;
    const type = route.path.split('/')[1] as ResourceType;
    let resource = resources.get(type);
    if (!resource) {
      resource = { type, profile: `http://hl7.org/fhir/StructureDefinition/${type}`, interaction: [] };
      resources.set(type, resource);
    }
    resource.interaction!.push({ code: route.interaction } satisfies CapabilityStatementRestResourceInteraction);
    if (route.searchParams) {
      resource.searchParam = route.searchParams.map((p) => ({ name: p.name, type: p.type, documentation: p.documentation }));
    }
  }
  return {
    resourceType: 'CapabilityStatement',
    name: 'TeledxFhir',
    title: 'teledx FHIR R4 (read-only)',
    status: 'active',
    date: STARTED,
    kind: 'instance',
    software: { name: 'teledx', version: API_VERSION },
    implementation: { description: 'teledx: signed reports of the county telemedicine platform', url: `${base}/fhir` },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Read-only. Only exams with a signed report are published, within the caller’s visibility.',
        security: {
          cors: false,
          service: [{ text: 'teledx API token (Authorization: Bearer tdx_…) or the teledx session cookie' }],
          description:
            'Every resource needs authentication (401 without it) and is scoped like the REST API: a township sees its ' +
            'own exams, a reading centre what was routed to it, anything else is 404. Only this statement is public.',
        },
        resource: [...resources.values()],
      },
    ],
  };
}
