/**
 * The parts of OpenAPI 3.1 this project writes. Schemas are JSON Schema 2020-12 objects (what
 * zod's `z.toJSONSchema` produces and what the hand-written response schemas are), so they are
 * typed loosely as objects.
 */

export type SchemaObject = { [keyword: string]: unknown };

export interface ReferenceObject {
  $ref: string;
  description?: string;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: SchemaObject;
}

export interface HeaderObject {
  description?: string;
  required?: boolean;
  schema: SchemaObject;
}

export interface EncodingObject {
  contentType?: string;
}

export interface MediaTypeObject {
  schema: SchemaObject;
  example?: unknown;
  encoding?: Record<string, EncodingObject>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | ReferenceObject>;
  content?: Record<string, MediaTypeObject>;
}

export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaTypeObject>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  security: SecurityRequirement[];
  parameters?: Array<ParameterObject | ReferenceObject>;
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject | ReferenceObject>;
  /** Roles allowed by the area's permission table (extension). */
  'x-roles'?: readonly string[];
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type PathItemObject = Partial<Record<HttpMethod, OperationObject>>;

export interface TagObject {
  name: string;
  description?: string;
}

export interface SecuritySchemeObject {
  type: 'http';
  scheme: 'bearer';
  bearerFormat?: string;
  description?: string;
}

export interface ComponentsObject {
  schemas: Record<string, SchemaObject>;
  responses: Record<string, ResponseObject>;
  parameters: Record<string, ParameterObject>;
  headers: Record<string, HeaderObject>;
  securitySchemes: Record<string, SecuritySchemeObject>;
}

export interface SocketIoEvent {
  name: string;
  summary: string;
  recipients: string;
  payload: SchemaObject;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description?: string }>;
  tags: TagObject[];
  paths: Record<string, PathItemObject>;
  components: ComponentsObject;
  /** socket.io has no place in OpenAPI: its connection and events of document 000 (extension). */
  'x-socket-io': { path: string; auth: string; events: SocketIoEvent[] };
}
